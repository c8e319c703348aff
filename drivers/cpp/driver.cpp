// driver.cpp - MySQL Connector/C++ 1.1 (its JDBC-like "legacy" API) as a
// goneaway client driver (docs/driver-protocol.md).
//
//     drivers/cpp/goneaway-driver-cpp
//
// Built by drivers/install-deps.sh connector-cpp against Debian 12's
// libmysqlcppconn-dev (Connector/C++ 1.1.12, itself built on MariaDB
// Connector/C 3.3) and nlohmann-json3-dev:
//
//     g++ -std=c++17 -O2 -o goneaway-driver-cpp driver.cpp -lmysqlcppconn
//
// One request per line on standard input, one reply per line on standard
// output; whatever helps a human goes to standard error.
//
// What Connector/C++ 1.1 has and has not:
//   - no accessor for the server's connection id: the connect step asks
//     SELECT CONNECTION_ID() once after logging in (as PDO's driver does);
//     with reconnect (OPT_RECONNECT) the library may log in again inside
//     any call, so after a call that succeeded the driver compares the
//     sockets it holds (/proc/self/fd) with the ones of that session and,
//     when they changed, asks CONNECTION_ID() again;
//   - Connection::close() alone leaves the library's connection open
//     while the Connection object lives (its metadata object holds it:
//     seen, the session stays in the server's processlist): the close
//     step calls close() and deletes the object, which sends COM_QUIT, and
//     a step after it has nothing left to call ("unsupported");
//   - a ping is Connection::isValid(): true or false, no error number (and
//     it turns OPT_RECONNECT off for the ping);
//   - BLOBs are bound with setBlob(std::istream*), which the connector
//     sends with mysql_stmt_send_long_data before the execute, in pieces
//     of its own size: execute blob=N takes that path, and the long-data
//     step (pieces of a chosen size) is not offered;
//   - OPT_MAX_ALLOWED_PACKET does not take (see do_connect);
//   - an unbuffered result (ResultSet::TYPE_FORWARD_ONLY, mysql_use_result)
//     reports a failed row fetch only for errors 2013 and 2000; any other
//     error ends the rows as if the result were complete;
//   - no call turns OPT_RECONNECT off once connected (setClientOption
//     knows no such option): a connection with reconnect that end-case
//     closes after its socket was cut may log in again to send a prepared
//     statement's COM_STMT_CLOSE, and then closes that session too.
//
// One process serves case after case (protocol 5, feature "cases"): all a
// case's state is one session object, deleted at end-case (its
// statements, results and connection closed) and made anew for the next
// case; the driver instance, the only state outside it, no step changes.
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <nlohmann/json.hpp>

#include <cxxabi.h>
#include <dirent.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>

using json = nlohmann::json;

namespace {

const char *const STEPS[] = {"connect", "query", "ping", "close", "prepare",
			     "execute", "long-data", "stream", "fetch",
			     "fork", "reset", "change-user"};

const std::map<std::string, std::string> UNSUPPORTED = {
	{"long-data", "Connector/C++ 1.1 sends a setBlob stream with "
		      "mysql_stmt_send_long_data by itself, in pieces of its "
		      "own size: there is no call for one piece"},
	{"reset", "Connector/C++ 1.1 has no mysql_reset_connection"},
	{"change-user", "Connector/C++ 1.1 has no mysql_change_user"},
};

// The connect properties of Connector/C++ 1.1.12 a driver-option may
// name (MySQL_Connection::init; it ignores any other name silently), by
// the type it takes.  The connection's own options set hostName,
// userName, password, port, socket, schema, OPT_CONNECT_TIMEOUT,
// OPT_READ_TIMEOUT, OPT_WRITE_TIMEOUT, OPT_RECONNECT,
// OPT_MAX_ALLOWED_PACKET, CLIENT_INTERACTIVE, the ssl ones and, with
// local_infile, OPT_LOCAL_INFILE and CLIENT_LOCAL_FILES; the ones
// that read files (readDefaultFile, readDefaultGroup) or take maps and
// lists (OPT_CONNECT_ATTR_*) are not passed, nor OPT_NET_BUFFER_LENGTH,
// which it passes as OPT_MAX_ALLOWED_PACKET (below), nor useLegacyAuth,
// which this build (MYCPPCONN_STATIC_MYSQL_VERSION_ID 100317) reads and
// ignores.
enum prop_type { PROP_BOOL, PROP_INT, PROP_STRING };
const std::map<std::string, prop_type> KNOWN = {
	{"CLIENT_COMPRESS", PROP_BOOL},
	{"CLIENT_FOUND_ROWS", PROP_BOOL},
	{"CLIENT_IGNORE_SIGPIPE", PROP_BOOL},
	{"CLIENT_IGNORE_SPACE", PROP_BOOL},
	{"CLIENT_MULTI_STATEMENTS", PROP_BOOL},
	{"CLIENT_NO_SCHEMA", PROP_BOOL},
	{"OPT_REPORT_DATA_TRUNCATION", PROP_BOOL},
	{"OPT_ENABLE_CLEARTEXT_PLUGIN", PROP_BOOL},
	{"OPT_CAN_HANDLE_EXPIRED_PASSWORDS", PROP_BOOL},
	{"metadataUseInfoSchema", PROP_BOOL},
	{"defaultStatementResultType", PROP_INT},
	{"preInit", PROP_STRING},
	{"postInit", PROP_STRING},
	{"OPT_CHARSET_NAME", PROP_STRING},
	{"characterSetResults", PROP_STRING},
	{"defaultAuth", PROP_STRING},
	{"rsaKey", PROP_STRING},
	{"pluginDir", PROP_STRING},
	{"charsetDir", PROP_STRING},
};
const std::set<std::string> TAKEN = {
	"hostName", "userName", "password", "port", "socket", "pipe", "schema",
	"OPT_CONNECT_TIMEOUT", "OPT_READ_TIMEOUT", "OPT_WRITE_TIMEOUT",
	"OPT_RECONNECT", "OPT_MAX_ALLOWED_PACKET", "CLIENT_INTERACTIVE",
	"sslKey", "sslCert", "sslCA", "sslCAPath", "sslCipher", "sslEnforce",
	"sslVerify", "OPT_SSL_MODE", "OPT_TLS_VERSION", "sslCRL", "sslCRLPath",
	"OPT_LOCAL_INFILE", "CLIENT_LOCAL_FILES",
};

struct unsupported_error {
	std::string why;
};
struct not_connected {
	std::string why;
};

void log(const std::string &msg)
{
	std::cerr << msg << std::endl;
}

double now_ms()
{
	using namespace std::chrono;
	return duration<double, std::milli>(
		steady_clock::now().time_since_epoch()).count();
}

bool truthy(const json &o, const char *key)
{
	auto it = o.find(key);
	if (it == o.end())
		return false;
	if (it->is_boolean())
		return it->get<bool>();
	if (it->is_number_integer())
		return it->get<long long>() == 1;
	if (it->is_string())
		return it->get<std::string>() == "on";
	return false;
}

long long int_of(const json &o, const char *key)
{
	auto it = o.find(key);
	if (it == o.end() || !it->is_number())
		return 0;
	return it->get<long long>();
}

std::string str_of(const json &o, const char *key, const char *def = "")
{
	auto it = o.find(key);
	if (it == o.end() || !it->is_string())
		return def;
	return it->get<std::string>();
}

// The C++ class of an exception, as "sql::SQLException".
std::string class_name(const std::exception &e)
{
	int status = 0;
	char *d = abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr,
				      &status);
	std::string s = (status == 0 && d) ? d : typeid(e).name();
	std::free(d);
	return s;
}

// The inodes of the sockets this process holds: one session's.
std::set<unsigned long> socket_inodes()
{
	std::set<unsigned long> out;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return out;
	while (struct dirent *e = readdir(d)) {
		if (e->d_name[0] == '.')
			continue;
		int fd = std::atoi(e->d_name);
		if (fd <= 2 || fd == dirfd(d))
			continue;
		struct stat st;
		if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode))
			out.insert((unsigned long)st.st_ino);
	}
	closedir(d);
	return out;
}

struct session {
	explicit session(sql::mysql::MySQL_Driver *d) : driver(d) {}
	~session();

	sql::mysql::MySQL_Driver *driver = nullptr;
	std::unique_ptr<sql::Connection> conn;
	bool closed = false;    // a close step deleted the connection
	std::unique_ptr<sql::PreparedStatement> stmt;
	std::unique_ptr<std::istringstream> blob;
	std::unique_ptr<sql::Statement> stream_stmt;
	std::unique_ptr<sql::ResultSet> stream;
	std::string api;
	long long rows = -1;            // a stream's or fetch's rows
	bool reconnect = false;
	unsigned long thread = 0;       // CONNECTION_ID() of the session
	std::set<unsigned long> socks;  // the session's sockets

	sql::Connection *c()
	{
		return conn.get();
	}

	void drop_statements()
	{
		stream.reset();
		stream_stmt.reset();
		stmt.reset();
		blob.reset();
	}

	unsigned long ask_thread()
	{
		std::unique_ptr<sql::Statement> st(c()->createStatement());
		std::unique_ptr<sql::ResultSet> rs(
			st->executeQuery("SELECT CONNECTION_ID()"));
		unsigned long id = rs->next() ? (unsigned long)rs->getUInt64(1)
					      : 0;
		socks = socket_inodes();
		return id;
	}

	// After a call: has the library logged in again (OPT_RECONNECT)?
	void check_reconnect(bool ok)
	{
		if (!reconnect || !conn)
			return;
		std::set<unsigned long> now = socket_inodes();
		if (now.empty() || now == socks)
			return;
		if (!ok) {
			thread = 0;     // a new session, not known yet
			return;
		}
		std::string keep = api;
		try {
			thread = ask_thread();
		} catch (const sql::SQLException &e) {
			log(std::string("SELECT CONNECTION_ID() after a "
					"reconnect: ") + e.what());
			thread = 0;
		}
		api = keep + " (then SELECT CONNECTION_ID(): a new session)";
	}

	unsigned long tid()
	{
		return conn ? thread : 0;
	}

	json error_fields(const sql::SQLException &e)
	{
		json f;
		int no = e.getErrorCode();
		f["errno"] = (no > 0 && no <= 65535) ? no : 0;
		f["message"] = e.what();
		f["error_class"] = class_name(e);
		const std::string &st = e.getSQLState();
		if (st.size() == 5)
			f["sqlstate"] = st;
		return f;
	}

	json do_connect(const json &r);
	json do_query(const json &r);
	json do_ping(const json &r);
	json do_close(const json &r);
	json do_prepare(const json &r);
	json do_execute(const json &r);
	json do_stream(const json &r);
	json do_fetch(const json &r);
	json do_fork(const json &r);
	json handle(const json &r);
	void end_case();
	json tally(const std::string &who, long long count);
	std::string query_value(const std::string &sql, bool *null);
};

// end-case (and the end of the input): the statements and results first
// (a prepared statement's destructor sends COM_STMT_CLOSE, an unbuffered
// result's reads the rest of its rows), then the connection, whose delete
// ends the library's (mysql_close, COM_QUIT).  goneaway may have cut the
// sockets: the errors are not the case's.
void session::end_case()
{
	try {
		drop_statements();
	} catch (const std::exception &e) {
		log(std::string("end-case: the statements: ") + e.what());
	}
	if (conn) {
		try {
			conn->close();
		} catch (const std::exception &e) {
			log(std::string("end-case: close: ") + e.what());
		}
		conn.reset();
	}
	closed = false;
	thread = 0;
	socks.clear();
}

session::~session()
{
	end_case();
}

// begin-case: the case's directory becomes the working directory.
json begin_case(const json &r)
{
	std::string dir = str_of(r, "dir");
	if (dir.empty() || dir[0] != '/')
		return {{"result", "error"}, {"errno", 0},
			{"error_class", "BadRequest"},
			{"message", "begin-case without an absolute dir"}};
	if (chdir(dir.c_str()) != 0)
		return {{"result", "error"}, {"errno", 0},
			{"error_class", "chdir"},
			{"message", dir + ": " + std::strerror(errno)}};
	return {{"result", "ok"}};
}

json session::do_connect(const json &r)
{
	json o = r.value("options", json::object());
	drop_statements();
	if (conn) {
		try {
			conn->close();
		} catch (const sql::SQLException &) {
		}
		conn.reset();
	}
	closed = false;
	thread = 0;
	socks.clear();

	sql::ConnectOptionsMap p;
	p["userName"] = str_of(r, "user");
	p["password"] = str_of(r, "password");
	if (r.contains("database") && r["database"].is_string() &&
	    !r["database"].get<std::string>().empty())
		p["schema"] = r["database"].get<std::string>();
	if (str_of(o, "transport", "tcp") == "socket") {
		p["hostName"] = std::string("localhost");
		p["socket"] = str_of(r, "socket");
	} else {
		p["hostName"] = str_of(r, "host");
		p["port"] = (int)(int_of(r, "port") ? int_of(r, "port") : 3306);
	}
	if (int_of(o, "connect_timeout") > 0)
		p["OPT_CONNECT_TIMEOUT"] = (int)int_of(o, "connect_timeout");
	if (int_of(o, "read_timeout") > 0)
		p["OPT_READ_TIMEOUT"] = (int)int_of(o, "read_timeout");
	if (int_of(o, "write_timeout") > 0)
		p["OPT_WRITE_TIMEOUT"] = (int)int_of(o, "write_timeout");
	if (int_of(o, "max_allowed_packet") > 0)
		// OPT_MAX_ALLOWED_PACKET is handed to mysql_options() as an
		// int, where Connector/C reads a size_t: seen here, a limit of
		// 4096 bytes let a row of 100000 through (the built-in client,
		// on the same Connector/C, fails it with 2013)
		throw unsupported_error{
			"Connector/C++ 1.1.12 passes OPT_MAX_ALLOWED_PACKET as "
			"an int where MariaDB Connector/C reads a size_t: the "
			"limit does not take"};
	if (o.contains("keepalive") && o["keepalive"].is_object() &&
	    int_of(o["keepalive"], "count") > 0)
		throw unsupported_error{
			"Connector/C++ 1.1 has no keepalive property (nor has "
			"the Connector/C under it)"};
	reconnect = truthy(o, "reconnect");
	if (reconnect)
		p["OPT_RECONNECT"] = true;
	if (truthy(o, "interactive"))
		p["CLIENT_INTERACTIVE"] = true;
	std::string tls = str_of(o, "tls", "off");
	if (tls == "required") {
		// mysql_ssl_set (any ssl property): Connector/C 3.3 then
		// requires TLS, the certificate not verified
		p["sslEnforce"] = true;
	} else if (tls != "off") {
		throw unsupported_error{"tls=" + tls};
	}
	// tls=off: Connector/C 3.3 uses TLS only when asked to
	if (o.contains("driver_options") && o["driver_options"].is_object()) {
		for (auto &kv : o["driver_options"].items()) {
			const std::string &k = kv.key();
			std::string v = kv.value().is_string()
				? kv.value().get<std::string>() : kv.value().dump();
			if (TAKEN.count(k))
				throw unsupported_error{
					"driver option " + k + " is what the "
					"connection's own options set"};
			auto it = KNOWN.find(k);
			if (it == KNOWN.end()) {
				std::string all;
				for (auto &n : KNOWN)
					all += (all.empty() ? "" : ", ") + n.first;
				throw unsupported_error{
					"Connector/C++ 1.1.12 has no connect "
					"property " + k + " here (it takes: " +
					all + ")"};
			}
			if (it->second == PROP_BOOL) {
				if (v != "true" && v != "false" && v != "1" &&
				    v != "0")
					throw unsupported_error{
						k + " takes true or false, not " + v};
				p[k] = (v == "true" || v == "1");
			} else if (it->second == PROP_INT) {
				char *end = nullptr;
				long n = std::strtol(v.c_str(), &end, 10);
				if (v.empty() || *end)
					throw unsupported_error{
						k + " takes a whole number, not " + v};
				p[k] = (int)n;
			} else {
				p[k] = v;
			}
		}
	}
	// the library's local infile off (Connector/C's default is on):
	// Connector/C++ has no local infile handler of its own, and
	// Connector/C no directory to keep a file request within
	if (o.contains("local_infile") && o["local_infile"].is_array() &&
	    !o["local_infile"].empty())
		throw unsupported_error{
			"Connector/C++ 1.1.12 cannot keep LOAD DATA LOCAL "
			"within the case's directory (no local infile "
			"handler, and Connector/C no directory option): "
			"local_infile is not run"};
	p["OPT_LOCAL_INFILE"] = 0;
	api = "sql::Driver::connect";
	conn.reset(driver->connect(p));
	api = "SELECT CONNECTION_ID() (Connector/C++ has no accessor)";
	thread = ask_thread();
	return json::object();
}

std::string session::query_value(const std::string &sql, bool *null)
{
	std::unique_ptr<sql::Statement> st(c()->createStatement());
	*null = true;
	std::string v;
	if (st->execute(sql)) {
		std::unique_ptr<sql::ResultSet> rs(st->getResultSet());
		if (rs->next() && !rs->isNull(1)) {
			*null = false;
			v = rs->getString(1);
		}
	}
	return v;
}

json session::do_query(const json &r)
{
	api = "sql::Connection::createStatement";
	std::unique_ptr<sql::Statement> st(c()->createStatement());
	api = "sql::Statement::execute";
	json rep = json::object();
	bool has = st->execute(str_of(r, "sql"));
	bool first = true;
	do {
		if (has) {
			api = "sql::ResultSet::next";
			std::unique_ptr<sql::ResultSet> rs(st->getResultSet());
			if (rs->next() && first) {
				first = false;
				rep["value"] = rs->isNull(1)
					? json(nullptr)
					: json(std::string(rs->getString(1)));
			}
		}
		// the other results of a multi-statement query (those after
		// one without rows are left to the next statement)
		api = "sql::Statement::getMoreResults";
		has = st->getMoreResults();
	} while (has);
	api = "sql::Statement::execute";
	return rep;
}

json session::do_ping(const json &)
{
	api = "sql::Connection::isValid";
	if (c()->isValid())
		return json::object();
	// isValid answers true or false: no number, no message
	return {{"result", "error"}, {"errno", 0},
		{"error_class", "sql::Connection::isValid"},
		{"message", "isValid() returned false"}};
}

json session::do_close(const json &)
{
	// the statements first (a prepared one's destructor sends
	// COM_STMT_CLOSE), then close(), which leaves the library's
	// connection open while the object lives: delete ends it
	// (mysql_close, COM_QUIT)
	api = "sql::Connection::close, delete";
	drop_statements();
	std::unique_ptr<sql::Connection> c0(std::move(conn));
	closed = true;
	thread = 0;
	c0->close();
	c0.reset();
	return json::object();
}

json session::do_prepare(const json &r)
{
	api = "sql::Connection::prepareStatement";
	stmt.reset();
	blob.reset();
	stmt.reset(c()->prepareStatement(str_of(r, "sql")));
	return json::object();
}

json session::do_execute(const json &r)
{
	if (!stmt)
		throw not_connected{"no prepare step before execute"};
	api = "sql::PreparedStatement::clearParameters";
	stmt->clearParameters();
	unsigned int i = 1;
	long long size = int_of(r, "blob");
	if (size > 0) {
		// the connector sends it with mysql_stmt_send_long_data
		api = "sql::PreparedStatement::setBlob";
		blob.reset(new std::istringstream(std::string((size_t)size, 'x')));
		stmt->setBlob(i++, blob.get());
	}
	if (r.contains("params") && r["params"].is_array()) {
		for (auto &v : r["params"]) {
			if (v.is_null()) {
				api = "sql::PreparedStatement::setNull";
				stmt->setNull(i++, sql::DataType::SQLNULL);
			} else if (v.is_number_integer()) {
				api = "sql::PreparedStatement::setInt64";
				stmt->setInt64(i++, v.get<int64_t>());
			} else if (v.is_string()) {
				api = "sql::PreparedStatement::setString";
				stmt->setString(i++, v.get<std::string>());
			} else {
				throw std::invalid_argument(
					"a value that is no integer, text or null: " +
					v.dump());
			}
		}
	}
	api = "sql::PreparedStatement::execute";
	if (stmt->execute()) {
		std::unique_ptr<sql::ResultSet> rs(stmt->getResultSet());
		while (rs->next()) {
		}
	}
	return json::object();
}

json session::do_stream(const json &r)
{
	stream.reset();
	stream_stmt.reset();
	rows = 0;       // a stream that fails at its query read no row
	api = "sql::Statement::executeQuery (TYPE_FORWARD_ONLY)";
	stream_stmt.reset(c()->createStatement());
	stream_stmt->setResultSetType(sql::ResultSet::TYPE_FORWARD_ONLY);
	stream.reset(stream_stmt->executeQuery(str_of(r, "sql")));
	api = "sql::ResultSet::next (TYPE_FORWARD_ONLY)";
	if (!stream->next())
		return json::object();
	return {{"value", stream->isNull(1) ? json(nullptr)
			 : json(std::string(stream->getString(1)))}};
}

json session::do_fetch(const json &r)
{
	if (!stream)
		throw not_connected{"no stream step before fetch"};
	std::unique_ptr<sql::ResultSet> rs(std::move(stream));
	std::unique_ptr<sql::Statement> st(std::move(stream_stmt));
	long long batch = int_of(r, "batch");
	long long every = int_of(r, "every_ms");
	api = "sql::ResultSet::next (TYPE_FORWARD_ONLY)";
	if (every > 0 && batch > 0)
		api += " sleeping " + std::to_string(every) + " ms every " +
		       std::to_string(batch) + " rows";
	rows = 0;
	while (rs->next()) {
		rows++;
		// a slow reader: the rest of the result waits on the wire
		if (every > 0 && batch > 0 && rows % batch == 0)
			std::this_thread::sleep_for(
				std::chrono::milliseconds(every));
	}
	return {{"value", std::to_string(rows)}};
}

json session::tally(const std::string &who, long long count)
{
	json t = {{"ok", 0}, {"wrong", 0}, {"errors", 0}};
	for (long long i = 0; i < count; i++) {
		std::string want = who + ":" + std::to_string(i);
		bool null = true;
		std::string got;
		try {
			got = query_value("SELECT '" + want + "'", &null);
		} catch (const sql::SQLException &e) {
			t["errors"] = t["errors"].get<int>() + 1;
			t["error"] = error_fields(e);
			break;
		}
		if (null || got != want) {
			t["wrong"] = t["wrong"].get<int>() + 1;
			if (!t.contains("first_wrong"))
				t["first_wrong"] = "asked '" + want + "', got " +
					(null ? std::string("NULL") : "'" + got + "'");
		} else {
			t["ok"] = t["ok"].get<int>() + 1;
		}
	}
	return t;
}

json session::do_fork(const json &r)
{
	std::string mode = str_of(r, "mode");
	long long count = int_of(r, "count");
	if (mode != "close" && mode != "exit" && mode != "share")
		throw unsupported_error{"fork mode '" + mode + "'"};
	api = "fork";
	int fds[2] = {-1, -1};
	if (mode == "share" && pipe(fds) != 0)
		throw std::runtime_error(std::string("pipe: ") +
					 std::strerror(errno));
	std::cout.flush();
	std::cerr.flush();
	pid_t pid = fork();
	if (pid < 0)
		throw std::runtime_error(std::string("fork: ") +
					 std::strerror(errno));
	if (pid == 0) {
		// die with the driver, as the built-in client's child does
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		try {
			if (mode == "close") {
				// close() alone leaves the connection open:
				// delete ends it (COM_QUIT), as do_close
				c()->close();
				delete conn.release();
			} else if (mode == "share") {
				close(fds[0]);
				std::string out = tally("child", count).dump(
					-1, ' ', false,
					json::error_handler_t::replace);
				if (write(fds[1], out.data(), out.size()) < 0)
					log("child: write to the parent failed");
				close(fds[1]);
			}
		} catch (const std::exception &e) {
			log(std::string("child: ") + e.what());
		}
		_exit(0);       // no destructor: nothing else is closed
	}
	if (mode != "share") {
		waitpid(pid, nullptr, 0);
		return {{"message", mode == "close"
				    ? "child called close() and exited"
				    : "child exited"}};
	}
	close(fds[1]);
	api = "sql::Statement::execute (parent and child)";
	json mine = tally("parent", count);
	std::string data;
	char buf[4096];
	ssize_t n;
	while ((n = read(fds[0], buf, sizeof buf)) > 0)
		data.append(buf, (size_t)n);
	close(fds[0]);
	waitpid(pid, nullptr, 0);
	json theirs = json::parse(data, nullptr, false);
	bool died = data.empty() || theirs.is_discarded();
	auto part = [](const std::string &who, const json &t, bool none) {
		if (none)
			return who + ": died without a tally";
		std::string s = who + ": " + std::to_string(t["ok"].get<int>()) +
			" ok, " + std::to_string(t["wrong"].get<int>()) +
			" wrong";
		if (t.contains("error"))
			s += ", error " + t["error"]["message"].get<std::string>();
		return s;
	};
	std::string msg = part("parent", mine, false) + "; " +
		part("child", theirs, died);
	if (died)
		theirs = {{"ok", 0}, {"wrong", 0}, {"errors", 0}};
	if (mine["wrong"].get<int>() || theirs["wrong"].get<int>())
		return {{"result", "wrong-result"}, {"message", msg},
			{"value", mine.contains("first_wrong")
				  ? mine["first_wrong"] : theirs["first_wrong"]}};
	json err = mine.contains("error") ? mine["error"]
		 : theirs.contains("error") ? theirs["error"] : json();
	if (!err.is_null()) {
		json rep = err;
		rep["result"] = "error";
		rep["message"] = err["message"].get<std::string>() + " (" +
			msg + ")";
		return rep;
	}
	return {{"message", msg}};
}

json session::handle(const json &r)
{
	std::string step = str_of(r, "step");
	bool known = false;
	for (const char *s : STEPS)
		known = known || step == s;
	if (!known)
		return {{"result", "unsupported"},
			{"message", "unknown step '" + step + "'"}};
	auto un = UNSUPPORTED.find(step);
	if (un != UNSUPPORTED.end())
		return {{"result", "unsupported"}, {"message", un->second}};

	if (step != "connect" && !conn && closed)
		return {{"result", "unsupported"},
			{"message", "a step after close: Connector/C++ 1.1's "
				    "close() leaves the connection open while its "
				    "object lives, so the close step deleted it "
				    "(COM_QUIT): nothing is left to call"}};
	api = step;
	rows = -1;
	unsigned long before = step == "connect" ? 0 : tid();
	double t0 = now_ms();
	json rep;
	bool ok = false;
	try {
		if (step != "connect" && !c())
			throw not_connected{"no connection: no successful "
					    "connect step before this one"};
		if (step == "connect")
			rep = do_connect(r);
		else if (step == "query")
			rep = do_query(r);
		else if (step == "ping")
			rep = do_ping(r);
		else if (step == "close")
			rep = do_close(r);
		else if (step == "prepare")
			rep = do_prepare(r);
		else if (step == "execute")
			rep = do_execute(r);
		else if (step == "stream")
			rep = do_stream(r);
		else if (step == "fetch")
			rep = do_fetch(r);
		else
			rep = do_fork(r);
		if (!rep.contains("result"))
			rep["result"] = "ok";
		ok = rep["result"] == "ok";
	} catch (const unsupported_error &e) {
		return {{"result", "unsupported"}, {"message", e.why}};
	} catch (const not_connected &e) {
		api = "driver";
		rep = {{"result", "error"}, {"errno", 0}, {"message", e.why},
		       {"error_class", "NotConnected"}};
	} catch (const sql::SQLException &e) {
		rep = error_fields(e);
		rep["result"] = "error";
	} catch (const std::exception &e) {
		log(class_name(e) + ": " + e.what());
		rep = {{"result", "error"}, {"errno", 0}, {"message", e.what()},
		       {"error_class", class_name(e)}};
	}
	if (step == "connect" && !ok && conn) {
		conn.reset();   // logged in, but no CONNECTION_ID()
		thread = 0;
	}
	if (step != "connect" && step != "close")
		check_reconnect(ok);
	if (rep["result"] == "error" && rows >= 0 &&
	    (step == "fetch" || step == "stream"))
		rep["rows"] = rows;
	rep["api"] = api;
	rep["elapsed_ms"] = (double)(long long)((now_ms() - t0) * 1000) / 1000;
	rep["thread_before"] = before;
	rep["thread_after"] = tid();
	return rep;
}

}  // namespace

int main()
{
	std::ios::sync_with_stdio(false);
	signal(SIGPIPE, SIG_IGN);
	sql::mysql::MySQL_Driver *driver = sql::mysql::get_mysql_driver_instance();
	// a case's state, all of it (end-case makes a new one)
	std::unique_ptr<session> s(new session(driver));
	std::string ver = std::to_string(driver->getMajorVersion()) + "." +
		std::to_string(driver->getMinorVersion()) + "." +
		std::to_string(driver->getPatchVersion());
	json unsupported = json::object();
	for (auto &kv : UNSUPPORTED)
		unsupported[kv.first] = kv.second;
	json hello = {
		{"hello", "goneaway-driver"}, {"protocol", 5},
		{"features", {"params", "fetch-pace", "driver-options",
			      "keepalive", "local-infile", "cases"}},
		{"driver", "connector-cpp"},
		{"library", "MySQL Connector/C++ " + ver +
			    " (over MariaDB Connector/C)"},
		{"version", ver},
		{"runtime", "C++ (g++ " __VERSION__ ")"},
		{"unsupported", unsupported},
	};
	std::cout << hello.dump() << "\n" << std::flush;
	std::string line;
	while (std::getline(std::cin, line)) {
		if (line.find_first_not_of(" \t\r") == std::string::npos)
			continue;
		json req = json::parse(line, nullptr, false);
		if (req.is_discarded() || !req.is_object()) {
			log("not a JSON request: " + line.substr(0, 200));
			return 2;
		}
		std::string step = str_of(req, "step");
		json rep;
		if (step == "begin-case" || step == "end-case") {
			double t0 = now_ms();
			if (step == "begin-case") {
				rep = begin_case(req);
			} else {
				s.reset();      // ~session: end_case()
				s.reset(new session(driver));
				rep = {{"result", "ok"}};
			}
			rep["api"] = "driver";
			rep["elapsed_ms"] = (double)(long long)(
				(now_ms() - t0) * 1000) / 1000;
		} else {
			rep = s->handle(req);
		}
		rep["id"] = req.contains("id") ? req["id"] : json(nullptr);
		std::cout << rep.dump(-1, ' ', false,
				      json::error_handler_t::replace)
			  << "\n" << std::flush;
	}
	return 0;
}
