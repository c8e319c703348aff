// HikariDriver.java - the hikaricp driver (docs/driver-protocol.md,
// protocol 5 with the features "pool" and "cases"): HikariCP 2.7.9 over
// MariaDB Connector/J 2.7, both Debian's (libhikaricp-java,
// libmariadb-java).
//
// A connection of a pool (docs/scenario-format.md, "pool NAME ...") is a
// HikariDataSource: connect makes it (minimumIdle 0 and
// initializationFailTimeout -1: it opens a connection only when one is
// borrowed, never in the background), borrow is getConnection(), return
// Connection.close() (back to the pool), evict
// HikariDataSource.evictConnection(), a query with nothing borrowed runs
// in a getConnection() of its own, close is HikariDataSource.close().  A
// plain connection is the java driver's.
//
// The settings: size is maximumPoolSize; pre_ping sets HikariCP's
// com.zaxxer.hikari.aliveBypassWindowMs, read when a pool is made (on:
// -1, every borrow checks: HikariCP checks a connection idle longer than
// the window, and with 0 it lends one returned in the same millisecond
// unchecked, which a warm JVM's steps often are; off: never; not given:
// its 500 ms, a connection used less than 500 ms ago is lent unchecked,
// or the driver option aliveBypassWindowMs=N, HikariCP's own); recycle
// is maxLifetime, idle_timeout idleTimeout (HikariCP raises a maxLifetime
// below 30 s and an idleTimeout below 10 s to its defaults, 30 and 10
// min: those are unsupported here), validation connectionTestQuery (else
// JDBC4's Connection.isValid).
//
// What the pool did, where HikariCP shows it: the connections it opens
// come from our DataSource (opened), the check it makes before lending
// one is an isValid() (or its test query) on a connection of ours
// (revalidated when it answered, discarded when it did not: HikariCP
// then closes it, "(connection is dead)"), and its log (slf4j to
// java.util.logging, slf4j-jdk14): "Closing connection ...: (connection
// has passed maxLifetime|idleTimeout)" is expired, a warning or an error
// is error ("Failed to validate connection", "marked as broken").  The
// connections are Connector/J's, behind a java.lang.reflect.Proxy that
// passes every call on.
//
// One process serves case after case (Driver.serve()): a HikariDriver is
// one case's, made new for each.  Its end-case closes the pool, waits for
// every thread HikariCP made for it (they all come from the case's
// ThreadFactory) and aborts any connection the pool opened and did not
// close; its log handler goes with it.  The system property HikariCP
// reads (aliveBypassWindowMs) is put back with Driver.Global.
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

public class HikariDriver implements Driver.Session {
	static final String VERSION = "2.7.9";  // Debian's libhikaricp-java
	static final List<String> STEPS = Arrays.asList("connect", "query", "ping",
		"close", "prepare", "execute", "long-data", "stream", "fetch", "fork",
		"reset", "change-user", "borrow", "return", "evict");
	static final String RUNS = "the hikaricp driver runs connect, query, ping, borrow, return, evict and close on a pool's connection";
	static final Map<String, String> UNSUPPORTED = new LinkedHashMap<>();
	static {
		UNSUPPORTED.put("prepare", RUNS + "; a prepared statement is the java driver's");
		UNSUPPORTED.put("execute", RUNS + "; a prepared statement is the java driver's");
		UNSUPPORTED.put("long-data", "JDBC has no separate mysql_stmt_send_long_data step");
		UNSUPPORTED.put("stream", RUNS + "; a streamed result is the java driver's");
		UNSUPPORTED.put("fetch", RUNS + "; a streamed result is the java driver's");
		UNSUPPORTED.put("fork", "the JVM cannot fork a process that keeps its connections");
		UNSUPPORTED.put("reset", RUNS + "; reset is the java driver's");
		UNSUPPORTED.put("change-user", "JDBC and Connector/J 2.7 have no COM_CHANGE_USER");
	}

	// HikariCP's logger: held here, as java.util.logging holds its
	// loggers weakly (a logger collected would lose its handler)
	static final Logger LOG = Logger.getLogger("com.zaxxer.hikari");

	// this case's handler of HikariCP's log (end-case removes it)
	final Handler logHandler = new PoolLog();

	HikariDriver() {
		logHandler.setLevel(Level.ALL);
		LOG.addHandler(logHandler);
	}

	// ------------------------------------------------------- events

	final List<Map<String, Object>> events = new ArrayList<>();

	synchronized void add(String event, long thread, String detail) {
		Map<String, Object> e = new LinkedHashMap<>();
		e.put("event", event);
		if (thread > 0)
			e.put("thread", thread);
		if (detail != null && !detail.isEmpty())
			e.put("detail", detail.length() > 200 ? detail.substring(0, 200) : detail);
		events.add(e);
	}

	synchronized List<Map<String, Object>> takeEvents() {
		List<Map<String, Object>> e = new ArrayList<>(events);
		events.clear();
		return e;
	}

	// the server thread of each connection of ours, by its text (what
	// HikariCP's log prints of it)
	final Map<String, Long> threads = new java.util.concurrent.ConcurrentHashMap<>();

	static long threadOf(Connection c) {
		try {
			return c.unwrap(org.mariadb.jdbc.MariaDbConnection.class).getServerThreadId();
		} catch (Exception e) {
			return 0;
		}
	}

	static final Pattern CLOSING = Pattern.compile("Closing connection (.*): \\((.*)\\)$");

	// HikariCP's log, through slf4j-jdk14
	class PoolLog extends Handler {
		@Override
		public void publish(LogRecord r) {
			String m = r.getMessage();
			Object[] ps = r.getParameters();
			if (ps != null) {
				// slf4j-jdk14 formats before it logs; a record with
				// parameters left is java.util.logging's own form
				m = java.text.MessageFormat.format(m, ps);
			}
			if (m == null)
				return;
			Matcher c = CLOSING.matcher(m);
			if (c.find()) {
				String why = c.group(2);
				Long t = threads.get(c.group(1));
				// a dead, broken or evicted one was seen where the
				// pool decided it (check(), evict, the warning)
				if (why.contains("maxLifetime") || why.contains("idleTimeout"))
					add("expired", t == null ? 0 : t, why);
				else if (!why.contains("dead") && !why.contains("broken") && !why.contains("evicted"))
					add("discarded", t == null ? 0 : t, why);
			}
			if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
				String one = m.split("\n")[0];
				long t = 0;
				for (Map.Entry<String, Long> e : threads.entrySet())
					if (one.contains(e.getKey()))
						t = e.getValue();
				add("error", t, one);
				if (one.contains("marked as broken"))
					add("discarded", t, one);
			}
		}

		@Override
		public void flush() { }

		@Override
		public void close() { }
	}

	// ----------------------------------------------- the driver's boundary

	volatile boolean borrowing;     // inside our getConnection()
	final IdentityHashMap<Object, Boolean> fresh = new IdentityHashMap<>();
	String validation;              // connectionTestQuery, or null

	// A Connector/J connection as the pool sees it: every call passed
	// on; isValid() (or the test query) while a borrow is checking is
	// the pool's check.
	Connection watched(Connection real) {
		final long thread = threadOf(real);
		threads.put(real.toString(), thread);
		final Connection[] self = new Connection[1];
		InvocationHandler h = new InvocationHandler() {
			@Override
			public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
				Object v;
				try {
					v = m.invoke(real, args);
				} catch (InvocationTargetException e) {
					if (borrowing && checking(m, args))
						check(self[0], thread, false, e.getCause().getMessage());
					throw e.getCause();
				}
				if (borrowing && m.getName().equals("isValid") && validation == null)
					check(self[0], thread, Boolean.TRUE.equals(v), "isValid() answered false");
				if (borrowing && m.getName().equals("createStatement") && validation != null)
					return watchedStatement((Statement) v, self[0], thread);
				return v;
			}
		};
		self[0] = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
			new Class<?>[] { Connection.class }, h);
		return self[0];
	}

	static boolean checking(Method m, Object[] args) {
		return m.getName().equals("isValid");
	}

	Statement watchedStatement(Statement real, Connection conn, long thread) {
		InvocationHandler h = new InvocationHandler() {
			@Override
			public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
				boolean test = m.getName().equals("execute") && args != null &&
					args.length == 1 && validation.equals(args[0]);
				try {
					Object v = m.invoke(real, args);
					if (test)
						check(conn, thread, true, null);
					return v;
				} catch (InvocationTargetException e) {
					if (test)
						check(conn, thread, false, e.getCause().getMessage());
					throw e.getCause();
				}
			}
		};
		return (Statement) Proxy.newProxyInstance(Statement.class.getClassLoader(),
			new Class<?>[] { Statement.class }, h);
	}

	// The pool checked conn before lending it.  Not a connection opened
	// in this borrow: HikariCP checks the first one it opens
	// (checkDriverSupport), and with an alive bypass of 0 it checks a
	// new one again when a millisecond passed since it opened it, which
	// a busy machine decides; a connection it did not hold before the
	// borrow is not one it revalidated.
	void check(Connection conn, long thread, boolean alive, String why) {
		synchronized (fresh) {
			if (fresh.containsKey(conn))
				return;
		}
		if (alive)
			add("revalidated", thread, validation == null ? "isValid()" : "connectionTestQuery");
		else
			add("discarded", thread, "(connection is dead): " + why);
	}

	class Source implements DataSource {
		final String url;
		final Properties props;

		Source(String url, Properties props) {
			this.url = url;
			this.props = props;
		}

		@Override
		public Connection getConnection() throws SQLException {
			Connection real = DriverManager.getConnection(url, props);
			synchronized (opened) {
				opened.add(real);
			}
			Connection c = watched(real);
			add("opened", threadOf(real), null);
			synchronized (fresh) {
				fresh.put(c, Boolean.TRUE);
			}
			return c;
		}

		@Override
		public Connection getConnection(String u, String p) throws SQLException {
			throw new SQLFeatureNotSupportedException("one account per pool");
		}

		@Override
		public PrintWriter getLogWriter() { return null; }

		@Override
		public void setLogWriter(PrintWriter out) { }

		@Override
		public void setLoginTimeout(int seconds) { }

		@Override
		public int getLoginTimeout() { return 0; }

		@Override
		public Logger getParentLogger() throws SQLFeatureNotSupportedException {
			throw new SQLFeatureNotSupportedException();
		}

		@Override
		public <T> T unwrap(Class<T> iface) throws SQLException {
			throw new SQLException("not a wrapper");
		}

		@Override
		public boolean isWrapperFor(Class<?> iface) { return false; }
	}

	// ------------------------------------------------------- the steps

	// the driver option that sets HikariCP's alive-bypass window (a
	// connection used less than this many ms ago is lent unchecked: 500
	// by default) for a pool without pre_ping, so that a scenario does not
	// depend on how fast the machine ran its steps
	static final String BYPASS_OPTION = "aliveBypassWindowMs";

	HikariDataSource ds;
	// every connection the case's pools opened, and every thread
	// HikariCP made for them: end-case ends what is left
	final List<Connection> opened = new ArrayList<>();
	final List<Thread> threadsMade = new ArrayList<>();
	Connection held;        // borrowed, or null
	long heldThread;        // its thread, or the last one borrowed
	String api;

	@SuppressWarnings("unchecked")
	Map<String, Object> connect(Map<String, Object> r) throws Exception {
		if (!(r.get("pool") instanceof Map))
			throw new Driver.Unsupported("hikaricp is HikariCP's pool: a plain connection (no pool=) is the java driver's (--client java)");
		Map<String, Object> pool = (Map<String, Object>) r.get("pool");
		Map<String, Object> o = r.get("options") instanceof Map ?
			(Map<String, Object>) r.get("options") : new LinkedHashMap<>();
		shut();
		// HikariCP's own driver option: its alive-bypass window, taken
		// out before the rest go to Connector/J
		String bypass = null;
		if (o.get("driver_options") instanceof Map &&
		    ((Map<String, Object>) o.get("driver_options")).containsKey(BYPASS_OPTION)) {
			Map<String, Object> d = new LinkedHashMap<>((Map<String, Object>) o.get("driver_options"));
			bypass = Driver.str(d.remove(BYPASS_OPTION));
			if (!bypass.matches("[0-9]{1,12}"))
				throw new Driver.Unsupported("driver option " + BYPASS_OPTION + " is a number of milliseconds, not '" + bypass + "'");
			if (pool.get("pre_ping") != null)
				throw new Driver.Unsupported("driver option " + BYPASS_OPTION + " is what pre_ping sets (on: 0, off: never)");
			o = new LinkedHashMap<>(o);
			o.put("driver_options", d);
		}
		Properties p = new Properties();
		String url = Driver.jdbc(r, o, p);
		HikariConfig cfg = new HikariConfig();
		cfg.setDataSource(new Source(url, p));
		cfg.setMinimumIdle(0);
		cfg.setInitializationFailTimeout(-1);
		cfg.setPoolName("goneaway");
		// its housekeeper, connection adder, closer, network timeout
		// executor and assassinator: daemons, as its own factory makes
		cfg.setThreadFactory(task -> {
			Thread t = new Thread(task, "goneaway pool thread");
			t.setDaemon(true);
			synchronized (threadsMade) {
				threadsMade.add(t);
			}
			return t;
		});
		api = "new HikariDataSource";
		if (pool.get("size") != null)
			cfg.setMaximumPoolSize((int) Driver.num(pool.get("size")));
		if (pool.get("recycle_ms") != null) {
			long ms = Driver.num(pool.get("recycle_ms"));
			if (ms < 30000)
				throw new Driver.Unsupported("HikariCP " + VERSION + " sets a maxLifetime below 30 s to its default, 30 min (HikariConfig.validateNumerics)");
			cfg.setMaxLifetime(ms);
		}
		if (pool.get("idle_timeout_ms") != null) {
			long ms = Driver.num(pool.get("idle_timeout_ms"));
			if (ms < 10000)
				throw new Driver.Unsupported("HikariCP " + VERSION + " sets an idleTimeout below 10 s to its default, 10 min (HikariConfig.validateNumerics)");
			cfg.setIdleTimeout(ms);
		}
		validation = null;
		if (pool.get("validation") != null) {
			validation = Driver.str(pool.get("validation"));
			cfg.setConnectionTestQuery(validation);
		}
		// read by HikariPool when it is made
		if (bypass != null)
			System.setProperty("com.zaxxer.hikari.aliveBypassWindowMs", bypass);
		else if (pool.get("pre_ping") == null)
			System.clearProperty("com.zaxxer.hikari.aliveBypassWindowMs");
		else
			System.setProperty("com.zaxxer.hikari.aliveBypassWindowMs",
				Boolean.TRUE.equals(pool.get("pre_ping")) ? "-1" : Long.toString(Long.MAX_VALUE / 4));
		ds = new HikariDataSource(cfg);
		return new LinkedHashMap<>();
	}

	// end-case: the pool closed (HikariDataSource.close() closes its
	// connections and shuts its executors down), then every thread it
	// made interrupted (a connection adder sleeping before a retry) and
	// waited for, and any connection it opened and did not close
	// aborted (one its adder finished after the close: HikariCP drops
	// it unclosed).  A thread still running after 10 s is an error: the
	// process is not kept.
	@Override
	public void endCase() throws Exception {
		try {
			try {
				shut();
			} catch (Exception e) {
				// the case's, not the driver's
			}
			long deadline = System.nanoTime() + 10_000_000_000L;
			List<Thread> ts;
			synchronized (threadsMade) {
				ts = new ArrayList<>(threadsMade);
			}
			for (Thread t : ts) {
				t.interrupt();
				long left = (deadline - System.nanoTime()) / 1_000_000;
				if (left > 0)
					t.join(left);
				if (t.isAlive())
					throw new IllegalStateException("a thread of HikariCP's did not end within 10 s of its pool's close: "
						+ Arrays.toString(t.getStackTrace()));
			}
			List<Connection> cs;
			synchronized (opened) {
				cs = new ArrayList<>(opened);
			}
			for (Connection c : cs) {
				try {
					if (!c.isClosed())
						c.abort(Runnable::run);
					c.close();
				} catch (Exception e) {
					// idem
				}
			}
		} finally {
			LOG.removeHandler(logHandler);
		}
	}

	void shut() {
		if (held != null) {
			try { held.close(); } catch (SQLException e) { }
			held = null;
		}
		if (ds != null)
			ds.close();
		ds = null;
	}

	// A connection opened in this borrow is no longer new after it.
	Connection borrow() throws SQLException {
		borrowing = true;
		try {
			return ds.getConnection();
		} finally {
			borrowing = false;
			synchronized (fresh) {
				fresh.clear();
			}
		}
	}

	static Map<String, Object> run(Connection c, String sql) throws SQLException {
		Map<String, Object> rep = new LinkedHashMap<>();
		try (Statement st = c.createStatement()) {
			if (st.execute(sql)) {
				try (ResultSet rs = st.getResultSet()) {
					if (rs.next())
						rep.put("value", Driver.text(rs));
				}
			}
		}
		return rep;
	}

	Map<String, Object> step(String step, Map<String, Object> r) throws Exception {
		if (!step.equals("connect") && ds == null)
			throw new Driver.NotConnected("no pool: no successful connect step before this one");
		switch (step) {
		case "connect":
			return connect(r);
		case "borrow":
			if (held != null)
				throw new Driver.NotConnected("a connection is borrowed already: return or evict it first");
			api = "HikariDataSource.getConnection";
			held = borrow();
			heldThread = threadOf(held);
			return new LinkedHashMap<>();
		case "return":
			if (held == null)
				throw new Driver.NotConnected("no borrowed connection to return");
			api = "Connection.close (back to the pool)";
			Connection c = held;
			held = null;
			c.close();
			return new LinkedHashMap<>();
		case "evict":
			if (held == null)
				throw new Driver.NotConnected("no borrowed connection to evict");
			api = "HikariDataSource.evictConnection";
			Connection e = held;
			held = null;
			add("discarded", heldThread, "evictConnection()");
			heldThread = 0;
			ds.evictConnection(e);
			return new LinkedHashMap<>();
		case "query":
			if (held != null) {
				api = "Statement.execute";
				return run(held, Driver.str(r.get("sql")));
			}
			api = "HikariDataSource.getConnection + Statement.execute";
			try (Connection one = borrow()) {
				heldThread = threadOf(one);
				return run(one, Driver.str(r.get("sql")));
			}
		case "ping":
			if (held == null)
				throw new Driver.Unsupported("HikariCP has no ping of its own (it checks what it lends): borrow, then ping");
			api = "Connection.isValid(0)";
			if (!held.isValid(0))
				throw new SQLException("isValid(0) answered false", "08000");
			return new LinkedHashMap<>();
		case "close":
			api = "HikariDataSource.close";
			shut();
			heldThread = 0;
			return new LinkedHashMap<>();
		default:
			throw new Driver.Unsupported("unknown step '" + step + "'");
		}
	}

	@Override
	public Map<String, Object> handle(Map<String, Object> r) {
		Map<String, Object> rep;
		String step = Driver.str(r.get("step"));
		if (!STEPS.contains(step) || UNSUPPORTED.containsKey(step)) {
			rep = new LinkedHashMap<>();
			rep.put("result", "unsupported");
			rep.put("message", UNSUPPORTED.containsKey(step) ? UNSUPPORTED.get(step) : "unknown step '" + step + "'");
			return rep;
		}
		api = step;
		long before = step.equals("connect") ? 0 : heldThread;
		long t0 = System.nanoTime();
		try {
			rep = step(step, r);
			rep.putIfAbsent("result", "ok");
		} catch (Driver.Unsupported e) {
			rep = new LinkedHashMap<>();
			rep.put("result", "unsupported");
			rep.put("message", e.getMessage());
			return rep;
		} catch (Driver.NotConnected e) {
			api = "driver";
			rep = new LinkedHashMap<>();
			rep.put("result", "error");
			rep.put("errno", 0);
			rep.put("message", e.getMessage());
			rep.put("error_class", "NotConnected");
		} catch (SQLException e) {
			rep = new LinkedHashMap<>();
			rep.put("result", "error");
			rep.put("errno", Math.max(e.getErrorCode(), 0));
			if (e.getSQLState() != null && e.getSQLState().matches("[0-9A-Za-z]{5}"))
				rep.put("sqlstate", e.getSQLState());
			rep.put("message", e.getMessage());
			rep.put("error_class", e.getClass().getSimpleName());
		} catch (Exception e) {
			e.printStackTrace();
			rep = new LinkedHashMap<>();
			rep.put("result", "error");
			rep.put("errno", 0);
			rep.put("message", String.valueOf(e.getMessage()));
			rep.put("error_class", e.getClass().getSimpleName());
		}
		rep.put("api", api);
		rep.put("elapsed_ms", Math.round((System.nanoTime() - t0) / 1000.0) / 1000.0);
		rep.put("thread_before", before);
		rep.put("thread_after", step.equals("evict") || step.equals("close") ? 0 : heldThread);
		rep.put("pool_events", takeEvents());
		return rep;
	}

	public static void main(String[] args) throws Exception {
		LOG.setLevel(Level.FINE);
		LOG.setUseParentHandlers(false);       // to stderr: ours
		Map<String, Object> g = new LinkedHashMap<>();
		g.put("hello", "goneaway-driver");
		g.put("protocol", 5);
		g.put("features", Arrays.asList("params", "fetch-pace", "driver-options", "pool", "local-infile", "cases"));
		g.put("driver", "hikaricp");
		g.put("library", "HikariCP " + VERSION + " over MariaDB Connector/J " +
		      org.mariadb.jdbc.internal.util.constant.Version.version);
		g.put("version", VERSION);
		g.put("runtime", "Java " + System.getProperty("java.version"));
		g.put("unsupported", UNSUPPORTED);
		Driver.serve(g, HikariDriver::new);
	}
}
