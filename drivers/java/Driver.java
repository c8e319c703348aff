// MariaDB Connector/J (JDBC) driver for goneaway (docs/driver-protocol.md).
//
//     sh drivers/java/run.sh
//
// Needs a JDK >= 11 (run.sh compiles this file once into a cache, or java
// runs it from source), Debian's libmariadb-java (Connector/J 2.7) and
// libjna-java (unix sockets, and chdir for a relative LOAD DATA LOCAL name).
//
// Protocol 5 with the feature "cases": one process serves case after case
// (serve() below).  Everything a case makes is a Session's (a Driver
// here, a HikariDriver for the hikaricp driver), made new for each case
// and thrown away after its end-case; what lives outside a Session
// (DriverManager's settings, system properties, Connector/J's own pools,
// the LOAD DATA LOCAL directories) is saved right after the greeting and
// put back at each end-case (Global).

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

public class Driver {
	static final List<String> STEPS = Arrays.asList("connect", "query", "ping",
		"close", "prepare", "execute", "long-data", "stream", "fetch", "fork",
		"reset", "change-user");
	static final Map<String, String> UNSUPPORTED = new LinkedHashMap<>();
	static {
		UNSUPPORTED.put("long-data", "JDBC has no separate mysql_stmt_send_long_data step");
		UNSUPPORTED.put("fork", "the JVM cannot fork a process that keeps its connections");
		UNSUPPORTED.put("change-user", "JDBC and Connector/J 2.7 have no COM_CHANGE_USER");
	}

	static class Unsupported extends Exception {
		Unsupported(String m) { super(m); }
	}

	static class NotConnected extends Exception {
		NotConnected(String m) { super(m); }
	}

	// What one case made: a new one for each case (serve()).
	interface Session {
		Map<String, Object> handle(Map<String, Object> r);

		// end-case: close everything the case opened, errors of the
		// close ignored (goneaway may have cut the sockets already);
		// an exception is a Session that could not be ended
		void endCase() throws Exception;
	}

	Connection conn;
	// after a close step: the closed Connection, which a step after it
	// uses (a use after close: JDBC defines it, an SQLException)
	Connection closed;
	boolean afterClose;
	boolean resetSends;     // reset() can send COM_RESET_CONNECTION (useResetConnection)
	PreparedStatement stmt;
	Statement streamStmt;
	ResultSet stream;
	String api;

	long tid() {
		if (conn == null || afterClose)
			return 0;
		try {
			return conn.unwrap(org.mariadb.jdbc.MariaDbConnection.class).getServerThreadId();
		} catch (Exception e) {
			return 0;
		}
	}

	static boolean on(Object v) {
		return Boolean.TRUE.equals(v) || "on".equals(v) ||
			(v instanceof Number && ((Number) v).longValue() == 1);
	}

	static long num(Object v) {
		return v instanceof Number ? ((Number) v).longValue() : 0;
	}

	static String str(Object v) {
		return v == null ? "" : v.toString();
	}

	void shut() {
		try { if (stream != null) stream.close(); } catch (SQLException e) { }
		try { if (streamStmt != null) streamStmt.close(); } catch (SQLException e) { }
		try { if (stmt != null) stmt.close(); } catch (SQLException e) { }
		stream = null;
		streamStmt = null;
		stmt = null;
	}

	// The connection's options as Connector/J properties into p, and its
	// URL: what connect opens, and what the hikaricp driver's pool opens
	// (HikariDriver.java).
	static String jdbc(Map<String, Object> r, Map<String, Object> o, Properties p) throws Unsupported {
		if (num(o.get("write_timeout")) > 0)
			throw new Unsupported("Connector/J has no write timeout");
		if (num(o.get("max_allowed_packet")) > 0)
			throw new Unsupported("Connector/J 2.7 has no client max_allowed_packet option");
		if (o.get("keepalive") instanceof Map &&
		    num(((Map<?, ?>) o.get("keepalive")).get("count")) > 0)
			throw new Unsupported("Connector/J 2.7's tcpKeepAlive turns SO_KEEPALIVE on with the kernel's times: it cannot set keepalive's idle time, interval or count");
		if (on(o.get("reconnect")))
			throw new Unsupported("Connector/J 2.7 reconnects only in its failover modes");
		p.setProperty("user", str(r.get("user")));
		p.setProperty("password", str(r.get("password")));
		p.setProperty("useServerPrepStmts", "true");
		if (num(o.get("connect_timeout")) > 0)
			p.setProperty("connectTimeout", Long.toString(num(o.get("connect_timeout")) * 1000));
		if (num(o.get("read_timeout")) > 0)
			p.setProperty("socketTimeout", Long.toString(num(o.get("read_timeout")) * 1000));
		if (on(o.get("interactive")))
			p.setProperty("interactiveClient", "true");
		String tls = o.get("tls") == null ? "off" : str(o.get("tls"));
		if (tls.equals("required")) {
			p.setProperty("useSsl", "true");
			p.setProperty("trustServerCertificate", "true");
			p.setProperty("disableSslHostnameVerification", "true");
		} else if (tls.equals("off")) {
			p.setProperty("useSsl", "false");
			// MySQL 8+'s caching_sha2_password over plain TCP needs the
			// server's RSA key when its cache is cold (after every
			// start): fetch it, as libmysqlclient's
			// MYSQL_OPT_GET_SERVER_PUBLIC_KEY does (the lab is private)
			p.setProperty("allowPublicKeyRetrieval", "true");
		} else {
			throw new Unsupported("tls=" + tls);
		}
		// reset() sends COM_RESET_CONNECTION only with this (and only
		// to MariaDB 10.2.22+/10.3.13+: see reset())
		p.setProperty("useResetConnection", "true");
		driverOptions(p, o.get("driver_options"));
		// last: LOAD DATA LOCAL as the connection says, whatever an
		// option above said (BoundedInfile keeps it within the
		// connection's directories)
		List<String> dirs = infileDirs(o.get("local_infile"));
		if (!dirs.isEmpty())
			BoundedInfile.registered();
		BoundedInfile.dirs = dirs;
		p.setProperty("allowLocalInfile", dirs.isEmpty() ? "false" : "true");
		String host = str(r.get("host"));
		long port = num(r.get("port")) > 0 ? num(r.get("port")) : 3306;
		if ("socket".equals(o.get("transport"))) {
			p.setProperty("localSocket", str(r.get("socket")));
			host = "localhost";
		}
		return url(host, port, str(r.get("database")), p);
	}

	// The URL of host, port and database db.  Connector/J 2.7 takes the
	// database from the URL alone (no property names it), and reads the
	// name up to a '?', the rest as its options: so the URL is read back
	// by Connector/J's own parser, and one whose database is not db, or
	// that carries any option, is not opened (a database
	// "x?allowLocalInfile=true" must not become options).
	static String url(String host, long port, String db, Properties p) throws Unsupported {
		String url = "jdbc:mariadb://" + host + ":" + port + "/" + db;
		org.mariadb.jdbc.UrlParser parsed;
		try {
			parsed = org.mariadb.jdbc.UrlParser.parse(url, new Properties());
		} catch (SQLException e) {
			throw new Unsupported("Connector/J cannot read the URL of database '" + db + "': " + e.getMessage());
		}
		org.mariadb.jdbc.UrlParser plain;
		try {
			plain = org.mariadb.jdbc.UrlParser.parse("jdbc:mariadb://" + host + ":" + port + "/", new Properties());
		} catch (SQLException e) {
			throw new Unsupported("Connector/J cannot read its URL: " + e.getMessage());
		}
		if (parsed == null || !db.equals(parsed.getDatabase() == null ? "" : parsed.getDatabase()) ||
		    !parsed.getOptions().toString().equals(plain.getOptions().toString()))
			throw new Unsupported("Connector/J 2.7 takes the database from its URL, which would read '" + db
				+ "' as another name and options of its own (a '?' ends the name): not connected");
		return url;
	}

	// connect's "local_infile": the directories LOAD DATA LOCAL may read
	// beneath ([]: none).
	static List<String> infileDirs(Object v) throws Unsupported {
		List<String> dirs = new ArrayList<>();
		if (v == null)
			return dirs;
		if (!(v instanceof List))
			throw new Unsupported("local_infile is not a list of absolute directories");
		for (Object d : (List<?>) v) {
			String s = str(d);
			if (!(d instanceof String) || !s.startsWith("/") || s.length() < 2)
				throw new Unsupported("local_infile is not a list of absolute directories");
			dirs.add(s.replaceAll("/+$", ""));
		}
		return dirs;
	}

	// LOAD DATA LOCAL in Connector/J 2.7: the server names the file, and
	// before the connector opens it (as a URL if it reads as one, else a
	// FileInputStream) every LocalInfileInterceptor that ServiceLoader
	// finds must validate the name; run.sh registers this one in the
	// compiled classes' META-INF/services.  It takes a name only when it
	// is no URL and names a regular file beneath the connection's
	// directories (a relative one beneath the first, the JVM's working
	// directory), reached without ".." and without a symlink on the way;
	// with no directory, none.  Why a name was refused goes to the
	// driver's log (the connector's error says only "not validated").
	public static class BoundedInfile implements org.mariadb.jdbc.LocalInfileInterceptor {
		static volatile List<String> dirs = new ArrayList<>();

		// Whether ServiceLoader finds this interceptor: without it a
		// LOAD DATA LOCAL would read whatever file its statement names.
		static void registered() throws Unsupported {
			for (org.mariadb.jdbc.LocalInfileInterceptor i :
			     java.util.ServiceLoader.load(org.mariadb.jdbc.LocalInfileInterceptor.class))
				if (i instanceof BoundedInfile)
					return;
			throw new Unsupported("the driver's LocalInfileInterceptor is not registered (run.sh could not compile "
				+ "into its cache): Connector/J would read any file a LOAD DATA LOCAL names");
		}

		@Override
		public boolean validate(String name) {
			String why = why(dirs, name);
			if (why == null && !name.startsWith("/"))
				why = inCaseDir();
			if (why != null)
				System.err.println("LOAD DATA LOCAL INFILE refused: '" + name + "': " + why);
			return why == null;
		}

		static String why(List<String> dirs, String name) {
			if (dirs.isEmpty())
				return "the connection does not declare local_infile (goneaway reads no file for the server unless the scenario says so)";
			try {
				new java.net.URL(name);
				return "a URL, which Connector/J would open as one";
			} catch (java.net.MalformedURLException e) {
				// a path: what follows checks it
			}
			if (name.isEmpty() || Arrays.asList(name.split("/")).contains(".."))
				return "'..' is not followed (only files beneath " + dirs.get(0) + " are read)";
			String base = dirs.get(0), rel = name;
			if (name.startsWith("/")) {
				base = null;
				for (String d : dirs)
					if (name.startsWith(d + "/"))
						base = d;
				if (base == null)
					return "outside " + dirs.get(0);
				rel = name.substring(base.length() + 1);
			} else if (!java.nio.file.Paths.get(cwd).equals(java.nio.file.Paths.get(base))) {
				return "a relative name, and the JVM's working directory is not " + base;
			}
			java.nio.file.Path p = java.nio.file.Paths.get(base);
			boolean any = false;
			for (String c : rel.split("/")) {
				if (c.isEmpty() || c.equals("."))
					continue;
				p = p.resolve(c);
				any = true;
				if (java.nio.file.Files.isSymbolicLink(p))
					return "a symlink on the way, not followed (only files beneath " + base + " are read)";
			}
			if (!any || !java.nio.file.Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
				return "not a regular file beneath " + base;
			return null;
		}
	}

	// end-case: the connection and the closed one a use after close
	// would call, aborted: Connector/J's abort() sends COM_QUIT and
	// closes the socket without reading the rest of a streamed result
	// first (close() would, and wait as long as the server does); the
	// statements and results go with their connection.
	void endCase() {
		for (Connection c : new Connection[] { conn, closed }) {
			if (c == null)
				continue;
			try {
				c.abort(Runnable::run);
			} catch (Exception e) {
				// the case's, not the driver's
			}
			try {
				c.close();
			} catch (Exception e) {
				// idem
			}
		}
	}

	@SuppressWarnings("unchecked")
	Map<String, Object> connect(Map<String, Object> r) throws Exception {
		Map<String, Object> o = r.get("options") instanceof Map ?
			(Map<String, Object>) r.get("options") : new LinkedHashMap<>();
		if (conn != null) {
			shut();
			try { conn.close(); } catch (SQLException e) { }
			conn = null;
		}
		Properties p = new Properties();
		String url = jdbc(r, o, p);
		resetSends = Boolean.parseBoolean(p.getProperty("useResetConnection"));
		api = "DriverManager.getConnection";
		conn = DriverManager.getConnection(url, p);
		return new LinkedHashMap<>();
	}

	// The properties the connection's own options set.
	static final List<String> TAKEN = Arrays.asList("user", "password",
		"connectTimeout", "socketTimeout", "interactiveClient", "useSsl",
		"trustServerCertificate", "disableSslHostnameVerification",
		"localSocket", "allowLocalInfile");

	// The connection's driver options as Connector/J properties (URL
	// parameters), by their names in its DefaultOptions: it ignores a
	// property it does not know, so one not there is unsupported.
	@SuppressWarnings("unchecked")
	static void driverOptions(Properties p, Object opts) throws Unsupported {
		if (!(opts instanceof Map))
			return;
		List<String> known = new ArrayList<>();
		for (org.mariadb.jdbc.util.DefaultOptions d : org.mariadb.jdbc.util.DefaultOptions.values())
			known.add(d.getOptionName());
		for (Map.Entry<String, Object> e : ((Map<String, Object>) opts).entrySet()) {
			String k = e.getKey();
			if (TAKEN.contains(k))
				throw new Unsupported("driver option " + k + " is what the connection's own options set");
			if (!known.contains(k))
				throw new Unsupported("Connector/J " + org.mariadb.jdbc.internal.util.constant.Version.version + " has no option " + k
					+ " (org.mariadb.jdbc.util.DefaultOptions)");
			p.setProperty(k, str(e.getValue()));
		}
	}

	static String text(ResultSet rs) throws SQLException {
		byte[] b = rs.getBytes(1);
		return b == null ? null : new String(b, StandardCharsets.UTF_8);
	}

	Map<String, Object> query(Map<String, Object> r) throws Exception {
		Map<String, Object> rep = new LinkedHashMap<>();
		api = "Statement.execute";
		try (Statement st = conn.createStatement()) {
			if (st.execute(str(r.get("sql")))) {
				api = "ResultSet.next";
				try (ResultSet rs = st.getResultSet()) {
					if (rs.next())
						rep.put("value", text(rs));
				}
			}
		}
		api = "Statement.execute";
		return rep;
	}

	Map<String, Object> ping() throws Exception {
		api = "Connection.isValid";
		Map<String, Object> rep = new LinkedHashMap<>();
		if (!conn.isValid(0)) {    // COM_PING; false, never an exception
			rep.put("result", "error");
			rep.put("errno", 0);
			rep.put("message", "isValid returned false");
			rep.put("error_class", "isValid");
		}
		return rep;
	}

	Map<String, Object> close() throws Exception {
		api = "Connection.close";
		shut();
		Connection c = conn;
		conn = null;
		if (!afterClose)
			closed = c;
		c.close();
		return new LinkedHashMap<>();
	}

	// COM_RESET_CONNECTION: Connector/J's own MariaDbConnection.reset()
	// (what its pool calls), looked up at run time: a Connector/J without
	// it is "unsupported", never a driver that does not compile.
	// Connector/J 2.7's reset() sends it only with useResetConnection
	// and only to MariaDB 10.2.22+ or 10.3.13+; otherwise it resets its
	// own client-side state alone and the session keeps its variables:
	// that is not what the step asks, so it is unsupported there.
	Map<String, Object> reset() throws Exception {
		api = "MariaDbConnection.reset";
		if (!resetSends)
			throw new Unsupported("Connector/J's reset() sends no COM_RESET_CONNECTION without useResetConnection=true");
		java.sql.DatabaseMetaData md = conn.getMetaData();
		String version = md.getDatabaseProductVersion();
		if (!resetReachesServer(md.getDatabaseProductName(), version))
			throw new Unsupported("Connector/J " + org.mariadb.jdbc.internal.util.constant.Version.version
				+ " sends COM_RESET_CONNECTION only to MariaDB 10.2.22+ or 10.3.13+, not to "
				+ md.getDatabaseProductName() + " " + version + ": its reset() there keeps the session's state");
		Object mc = conn.unwrap(org.mariadb.jdbc.MariaDbConnection.class);
		java.lang.reflect.Method m;
		try {
			m = mc.getClass().getMethod("reset");
		} catch (NoSuchMethodException e) {
			throw new Unsupported("this Connector/J has no MariaDbConnection.reset()");
		}
		try {
			m.invoke(mc);
		} catch (java.lang.reflect.InvocationTargetException e) {
			if (e.getCause() instanceof Exception)
				throw (Exception) e.getCause();
			throw e;
		}
		return new LinkedHashMap<>();
	}

	static boolean resetReachesServer(String product, String version) {
		if (!"MariaDB".equals(product))
			return false;
		java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)").matcher(version);
		if (!m.find())
			return false;
		int a = Integer.parseInt(m.group(1)), b = Integer.parseInt(m.group(2)), c = Integer.parseInt(m.group(3));
		if (a != 10)
			return a > 10;
		return b > 3 || (b == 3 && c >= 13) || (b == 2 && c >= 22);
	}

	Map<String, Object> stream(Map<String, Object> r) throws Exception {
		shut();
		api = "Statement.executeQuery (fetch size Integer.MIN_VALUE: streaming)";
		streamStmt = conn.createStatement();
		streamStmt.setFetchSize(Integer.MIN_VALUE);
		Map<String, Object> rep = new LinkedHashMap<>();
		if (!streamStmt.execute(str(r.get("sql"))))
			return rep;
		stream = streamStmt.getResultSet();
		api = "ResultSet.next";
		if (stream.next())
			rep.put("value", text(stream));
		return rep;
	}

	long rows = -1;         // a fetch's rows so far: a failed one says

	Map<String, Object> fetch(Map<String, Object> r) throws Exception {
		if (stream == null)
			throw new NotConnected("no stream step before fetch");
		api = "ResultSet.next";
		long batch = num(r.get("batch")), every = num(r.get("every_ms"));
		long n = 0;
		rows = 0;
		try {
			while (stream.next()) {
				rows = ++n;
				// a slow reader: a pause after every batch rows
				if (every > 0 && batch > 0 && n % batch == 0)
					Thread.sleep(every);
			}
		} finally {
			shut();
		}
		Map<String, Object> rep = new LinkedHashMap<>();
		rep.put("value", Long.toString(n));
		return rep;
	}

	Map<String, Object> prepare(Map<String, Object> r) throws Exception {
		shut();
		api = "Connection.prepareStatement (useServerPrepStmts)";
		stmt = conn.prepareStatement(str(r.get("sql")));
		return new LinkedHashMap<>();
	}

	Map<String, Object> execute(Map<String, Object> r) throws Exception {
		if (stmt == null)
			throw new NotConnected("no prepare step before execute");
		long blob = num(r.get("blob"));
		int i = 1;
		if (blob > 0) {
			byte[] b = new byte[(int) blob];
			Arrays.fill(b, (byte) 'x');
			api = "PreparedStatement.setBytes";
			stmt.setBytes(i++, b);
		}
		if (r.get("params") instanceof List) {
			for (Object v : (List<?>) r.get("params")) {
				api = "PreparedStatement.setObject";
				if (v == null)
					stmt.setNull(i++, java.sql.Types.NULL);
				else if (v instanceof Number)
					stmt.setLong(i++, ((Number) v).longValue());
				else
					stmt.setString(i++, v.toString());
			}
		}
		api = "PreparedStatement.execute";
		stmt.execute();
		return new LinkedHashMap<>();
	}

	Map<String, Object> handle(Map<String, Object> r) {
		Map<String, Object> rep;
		String step = str(r.get("step"));
		if (!STEPS.contains(step)) {
			rep = new LinkedHashMap<>();
			rep.put("result", "unsupported");
			rep.put("message", "unknown step '" + step + "'");
			return rep;
		}
		if (UNSUPPORTED.containsKey(step)) {
			rep = new LinkedHashMap<>();
			rep.put("result", "unsupported");
			rep.put("message", UNSUPPORTED.get(step));
			return rep;
		}
		api = step;
		rows = -1;
		afterClose = !step.equals("connect") && conn == null && closed != null;
		if (afterClose)
			conn = closed;
		if (step.equals("connect"))
			closed = null;
		long before = step.equals("connect") ? 0 : tid();
		long t0 = System.nanoTime();
		try {
			if (!step.equals("connect") && conn == null)
				throw new NotConnected("no connection: no successful connect step before this one");
			switch (step) {
			case "connect": rep = connect(r); break;
			case "query": rep = query(r); break;
			case "ping": rep = ping(); break;
			case "close": rep = close(); break;
			case "stream": rep = stream(r); break;
			case "fetch": rep = fetch(r); break;
			case "prepare": rep = prepare(r); break;
			case "reset": rep = reset(); break;
			default: rep = execute(r); break;
			}
			rep.putIfAbsent("result", "ok");
		} catch (Unsupported e) {
			if (afterClose) {
				conn = null;
				afterClose = false;
			}
			rep = new LinkedHashMap<>();
			rep.put("result", "unsupported");
			rep.put("message", e.getMessage());
			return rep;
		} catch (NotConnected e) {
			api = "driver";
			rep = new LinkedHashMap<>();
			rep.put("result", "error");
			rep.put("errno", 0);
			rep.put("message", e.getMessage());
			rep.put("error_class", "NotConnected");
		} catch (SQLException e) {
			rep = new LinkedHashMap<>();
			rep.put("result", "error");
			// Connector/J's own errors carry -1: not a MySQL error
			// number (docs/driver-protocol.md), the class says it
			rep.put("errno", Math.max(e.getErrorCode(), 0));
			// a sqlstate is five letters or digits; Connector/J
			// 2.7 gives some of its own errors a shorter one
			// (its max_allowed_packet refusal): left out
			if (e.getSQLState() != null &&
			    e.getSQLState().matches("[0-9A-Za-z]{5}"))
				rep.put("sqlstate", e.getSQLState());
			rep.put("message", e.getMessage());
			rep.put("error_class", e.getClass().getSimpleName());
			if (step.equals("fetch") && rows >= 0)
				rep.put("rows", rows);
		} catch (Exception e) {
			e.printStackTrace();
			rep = new LinkedHashMap<>();
			rep.put("result", "error");
			rep.put("errno", 0);
			rep.put("message", String.valueOf(e.getMessage()));
			rep.put("error_class", e.getClass().getSimpleName());
		}
		if (afterClose) {
			conn = null;
			afterClose = false;
		}
		rep.put("api", api);
		rep.put("elapsed_ms", Math.round((System.nanoTime() - t0) / 1000.0) / 1000.0);
		rep.put("thread_before", before);
		rep.put("thread_after", tid());
		return rep;
	}

	// ---------------------------------------------------------- JSON

	static final class Json {
		final String s;
		int i;

		Json(String s) { this.s = s; }

		static Object parse(String s) {
			Json j = new Json(s);
			Object v = j.value();
			j.ws();
			if (j.i != s.length())
				throw new IllegalArgumentException("trailing characters at " + j.i);
			return v;
		}

		void ws() {
			while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0)
				i++;
		}

		Object value() {
			ws();
			if (i >= s.length())
				throw new IllegalArgumentException("unexpected end");
			char c = s.charAt(i);
			if (c == '{') {
				Map<String, Object> m = new LinkedHashMap<>();
				i++;
				ws();
				if (s.charAt(i) == '}') { i++; return m; }
				for (;;) {
					ws();
					String k = string();
					ws();
					expect(':');
					m.put(k, value());
					ws();
					if (s.charAt(i) == ',') { i++; continue; }
					expect('}');
					return m;
				}
			}
			if (c == '[') {
				List<Object> l = new ArrayList<>();
				i++;
				ws();
				if (s.charAt(i) == ']') { i++; return l; }
				for (;;) {
					l.add(value());
					ws();
					if (s.charAt(i) == ',') { i++; continue; }
					expect(']');
					return l;
				}
			}
			if (c == '"')
				return string();
			if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
			if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
			if (s.startsWith("null", i)) { i += 4; return null; }
			int st = i;
			while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0)
				i++;
			String n = s.substring(st, i);
			if (n.isEmpty())
				throw new IllegalArgumentException("unexpected '" + c + "' at " + st);
			if (n.matches("-?\\d+"))
				return Long.parseLong(n);
			return Double.parseDouble(n);
		}

		void expect(char c) {
			if (i >= s.length() || s.charAt(i) != c)
				throw new IllegalArgumentException("expected '" + c + "' at " + i);
			i++;
		}

		String string() {
			expect('"');
			StringBuilder b = new StringBuilder();
			for (;;) {
				char c = s.charAt(i++);
				if (c == '"')
					return b.toString();
				if (c != '\\') {
					b.append(c);
					continue;
				}
				char e = s.charAt(i++);
				switch (e) {
				case 'n': b.append('\n'); break;
				case 't': b.append('\t'); break;
				case 'r': b.append('\r'); break;
				case 'b': b.append('\b'); break;
				case 'f': b.append('\f'); break;
				case 'u':
					b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
					i += 4;
					break;
				default: b.append(e);
				}
			}
		}

		static void write(StringBuilder b, Object v) {
			if (v == null) {
				b.append("null");
			} else if (v instanceof Map) {
				b.append('{');
				boolean first = true;
				for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
					if (!first)
						b.append(',');
					first = false;
					write(b, e.getKey().toString());
					b.append(':');
					write(b, e.getValue());
				}
				b.append('}');
			} else if (v instanceof List) {
				b.append('[');
				boolean first = true;
				for (Object e : (List<?>) v) {
					if (!first)
						b.append(',');
					first = false;
					write(b, e);
				}
				b.append(']');
			} else if (v instanceof Number || v instanceof Boolean) {
				b.append(v);
			} else {
				String s = v.toString();
				b.append('"');
				for (int k = 0; k < s.length(); k++) {
					char c = s.charAt(k);
					if (c == '"' || c == '\\')
						b.append('\\').append(c);
					else if (c < 0x20 || Character.isSurrogate(c) &&
						 !(Character.isHighSurrogate(c) && k + 1 < s.length() &&
						   Character.isLowSurrogate(s.charAt(k + 1))) &&
						 !(Character.isLowSurrogate(c) && k > 0 &&
						   Character.isHighSurrogate(s.charAt(k - 1))))
						b.append(String.format("\\u%04x", (int) (c < 0x20 ? c : 0xfffd)));
					else
						b.append(c);
				}
				b.append('"');
			}
		}
	}

	// ------------------------------------------------ cases (protocol 5)

	// The case's directory, which begin-case names: where Connector/J
	// opens a LOAD DATA LOCAL file the server names relatively (new
	// FileInputStream(name): the kernel's working directory; the JVM's
	// user.dir stays what it was at start).
	static volatile String cwd = System.getProperty("user.dir");
	// The kernel's working directory: where the process started (a
	// process goneaway starts for a case starts before its case, in a
	// directory of the worker's) until a relative LOAD DATA LOCAL name
	// needs the case's (inCaseDir()).
	static String kernelCwd = cwd;

	// begin-case: dir, a directory, becomes the case's.  The kernel's
	// working directory follows only when a relative LOAD DATA LOCAL
	// name needs it: the JVM has no chdir of its own, and libc's through
	// JNA (which Connector/J uses for unix sockets) costs a start
	// loading JNA, and JNA's ldconfig -p, a process (about 0.07 s of CPU:
	// docs/driver-protocol.md, "What a start of the JVM costs").
	static Map<String, Object> beginCase(Map<String, Object> r) {
		Map<String, Object> rep = new LinkedHashMap<>();
		Object d = r.get("dir");
		String why = null;
		if (!(d instanceof String) || !((String) d).startsWith("/"))
			why = "begin-case without an absolute dir";
		else if (!new java.io.File((String) d).isDirectory())
			why = "chdir " + d + ": not a directory";
		if (why != null) {
			rep.put("result", "error");
			rep.put("errno", 0);
			rep.put("message", why);
			rep.put("error_class", "BadRequest");
			return rep;
		}
		cwd = (String) d;
		rep.put("result", "ok");
		return rep;
	}

	// The kernel's working directory made the case's, for a relative
	// name: null, or why not.
	static synchronized String inCaseDir() {
		String dir = cwd;
		if (dir.equals(kernelCwd))
			return null;
		String why;
		try {
			why = chdir(dir);
		} catch (Throwable e) {
			why = "chdir through JNA: " + e;
		}
		if (why == null)
			kernelCwd = dir;
		return why;
	}

	// libc's chdir(dir): null, or why not.
	static String chdir(String dir) throws Exception {
		String enc = System.getProperty("sun.jnu.encoding");
		byte[] name = dir.getBytes(enc == null ? java.nio.charset.Charset.defaultCharset()
					   : java.nio.charset.Charset.forName(enc));
		byte[] z = Arrays.copyOf(name, name.length + 1);       // NUL-terminated
		com.sun.jna.Function f = com.sun.jna.NativeLibrary.getInstance("c").getFunction("chdir");
		if (f.invokeInt(new Object[] { z }) == 0)
			return null;
		return "chdir " + dir + ": errno " + com.sun.jna.Native.getLastError();
	}

	// What a case may change outside its Session, as it was right after
	// the greeting: saved then, put back at every end-case.
	static final class Global {
		final int loginTimeout = DriverManager.getLoginTimeout();
		final java.io.PrintWriter logWriter = DriverManager.getLogWriter();
		final Properties props = new Properties();
		final java.util.TimeZone zone = java.util.TimeZone.getDefault();
		final java.util.Locale locale = java.util.Locale.getDefault();
		final List<String> infileDirs = BoundedInfile.dirs;

		Global() {
			props.putAll(System.getProperties());
		}

		void restore() {
			// Connector/J's own pools (the driver option pool=true):
			// every one closed.  Its Pools.close() ends with a
			// NullPointerException once no pool is left (it shuts
			// its executor down again, after the last pool did)
			try {
				org.mariadb.jdbc.internal.util.pool.Pools.close();
			} catch (NullPointerException e) {
				// closed
			}
			if (DriverManager.getLoginTimeout() != loginTimeout)
				DriverManager.setLoginTimeout(loginTimeout);
			if (DriverManager.getLogWriter() != logWriter)
				DriverManager.setLogWriter(logWriter);
			for (String k : System.getProperties().stringPropertyNames())
				if (!props.containsKey(k))
					System.clearProperty(k);
			for (String k : props.stringPropertyNames())
				if (!props.getProperty(k).equals(System.getProperty(k)))
					System.setProperty(k, props.getProperty(k));
			java.util.TimeZone.setDefault(zone);
			java.util.Locale.setDefault(locale);
			BoundedInfile.dirs = infileDirs;
		}
	}

	// end-case: the Session ended, then the global state put back.
	static Map<String, Object> endCase(Session s, Global at) {
		Map<String, Object> rep = new LinkedHashMap<>();
		try {
			s.endCase();
			at.restore();
		} catch (Throwable e) {
			e.printStackTrace();
			rep.put("result", "error");
			rep.put("errno", 0);
			rep.put("message", String.valueOf(e.getMessage()));
			rep.put("error_class", e.getClass().getSimpleName());
			return rep;
		}
		rep.put("result", "ok");
		return rep;
	}

	// Connector/J's connect path run once before the greeting: a connect
	// to a closed port of the loopback (refused at once; where the
	// namespace has no loopback, unreachable at once), so that its
	// classes are initialised and its code has run before a case's first
	// connect, which paid for it (3.7 s of a refused connect's 5 s bound
	// at load 50: t0090, firewall-reject-connect).  A process started
	// ahead pays it while the case before it runs.  Its socket is closed
	// before the greeting, where goneaway counts a driver's sockets.
	static void warmConnect() {
		Properties p = new Properties();
		p.setProperty("user", "goneaway-warm");
		p.setProperty("password", "");
		p.setProperty("connectTimeout", "1000");
		try {
			DriverManager.getConnection("jdbc:mariadb://127.0.0.1:1/", p).close();
		} catch (Exception e) {
			// refused: what it is for
		}
	}

	// The request loop: the greeting, then one reply line per request.
	// A Session serves one case; after an end-case the next case gets a
	// new one (make), as the first one did.
	@SuppressWarnings("unchecked")
	static void serve(Map<String, Object> greeting, java.util.function.Supplier<Session> make) throws Exception {
		// The JDK makes a socket of its own the first time it closes
		// one, kept for as long as it runs (sun.nio.ch's pre-close
		// socketpair, FileDispatcherImpl.init()): made now, before the
		// greeting, where goneaway counts the sockets a driver holds
		// from the start, not later, among the sockets a case left
		java.nio.channels.FileChannel.open(java.nio.file.Paths.get("/dev/null")).close();
		warmConnect();
		PrintStream out = new PrintStream(System.out, false, "UTF-8");
		StringBuilder b = new StringBuilder();
		Json.write(b, greeting);
		out.print(b.append('\n'));
		out.flush();
		Global at = new Global();
		Session s = make.get();
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null) {
			if (line.trim().isEmpty())
				continue;
			Map<String, Object> req;
			try {
				req = (Map<String, Object>) Json.parse(line);
			} catch (RuntimeException e) {
				System.err.println("not a JSON request: " + e.getMessage());
				System.exit(2);
				return;
			}
			String step = str(req.get("step"));
			Map<String, Object> rep;
			long t0 = System.nanoTime();
			if (step.equals("begin-case")) {
				rep = beginCase(req);
			} else if (step.equals("end-case")) {
				rep = endCase(s, at);
				s = make.get();
			} else {
				rep = s.handle(req);
			}
			if (step.equals("begin-case") || step.equals("end-case")) {
				rep.put("api", "driver");
				rep.put("elapsed_ms", Math.round((System.nanoTime() - t0) / 1000.0) / 1000.0);
			}
			rep.put("id", req.get("id"));
			b.setLength(0);
			Json.write(b, rep);
			out.print(b.append('\n'));
			out.flush();
		}
		System.exit(0);
	}

	public static void main(String[] args) throws Exception {
		Map<String, Object> g = new LinkedHashMap<>();
		g.put("hello", "goneaway-driver");
		g.put("protocol", 5);
		g.put("features", Arrays.asList("params", "fetch-pace", "driver-options",
						"keepalive", "local-infile", "cases"));
		g.put("driver", "java");
		g.put("library", "MariaDB Connector/J " +
		      org.mariadb.jdbc.internal.util.constant.Version.version);
		g.put("runtime", "Java " + System.getProperty("java.version"));
		g.put("unsupported", UNSUPPORTED);
		serve(g, () -> {
			Driver d = new Driver();
			return new Session() {
				@Override
				public Map<String, Object> handle(Map<String, Object> r) {
					return d.handle(r);
				}

				@Override
				public void endCase() {
					d.endCase();
				}
			};
		});
	}
}
