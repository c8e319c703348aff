// AdversaryDriver.java - for t0202-driver-pairs (issue 57): the shipped
// Connector/J driver (drivers/java/Driver.java: protocol 5, feature
// cases; a JVM cannot fork, so it is kept, never spawned), both a
// polluter and a canary, as adversary-driver.py is for Python.
//
// "SELECT 'adversary:CLASS'" leaves CLASS in the process (latesock-N,
// lateline-N, umask, env, receiver, globals, threads, children,
// rlimits, signals, locale, tz, syspath, files, pool, none); every
// connect (and every query: all but the descriptors) compares the
// process with what it was at its first case and fails the step
// (error_class Polluted, the classes that differ) when anything does.
// Run by adversary-java.sh, compiled with Driver.java.

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

public class AdversaryDriver extends Driver {
	static final List<Consumer<Connection>> RECEIVERS = new ArrayList<>();
	static final List<Object> HELD = new ArrayList<>();
	static final List<Object[]> ARMED = new ArrayList<>();
	static String global = "as at the greeting";
	static Map<String, String> base;
	Map<String, Object> last;

	static class Polluted extends Exception {
		Polluted(String m) { super(m); }
	}

	static Function libc(String name) {
		return NativeLibrary.getInstance("c").getFunction(name);
	}

	static String read(String path) {
		try {
			return new String(Files.readAllBytes(Paths.get(path)));
		} catch (Exception e) {
			return "?";
		}
	}

	static String fds() {
		TreeMap<Integer, String> m = new TreeMap<>();
		for (File f : new File("/proc/self/fd").listFiles()) {
			try {
				String t = Files.readSymbolicLink(f.toPath()).toString();
				// the JVM opens files as it goes (/dev/urandom
				// at the first login): sockets and pipes only
				if (t.startsWith("socket:") || t.startsWith("pipe:"))
					m.put(Integer.parseInt(f.getName()), t);
			} catch (Exception e) {
				// the listing's own descriptor
			}
		}
		return m.toString();
	}

	static Map<String, String> state() {
		Map<String, String> s = new LinkedHashMap<>();
		int m = libc("umask").invokeInt(new Object[] { 0 });
		libc("umask").invokeInt(new Object[] { m });
		s.put("umask", Integer.toOctalString(m));
		s.put("env", "MYSQL_PWD=" + libc("getenv").invokeString(new Object[] { "MYSQL_PWD" }, false)
		      + " TZ=" + libc("getenv").invokeString(new Object[] { "TZ" }, false));
		s.put("receiver", String.valueOf(RECEIVERS.size()));
		s.put("globals", global + ", loginTimeout " + java.sql.DriverManager.getLoginTimeout());
		TreeSet<String> th = new TreeSet<>();
		for (Thread t : Thread.getAllStackTraces().keySet())
			th.add(t.getName() + "#" + t.getId());
		s.put("threads", th.toString());
		StringBuilder kids = new StringBuilder();
		for (File t : new File("/proc/self/task").listFiles()) {
			String k = read(t + "/children");
			if (!k.equals("?"))     // a thread that ended meanwhile
				kids.append(k).append(' ');
		}
		s.put("children", kids.toString().trim());
		s.put("rlimits", read("/proc/self/limits"));
		StringBuilder sig = new StringBuilder();
		for (String l : read("/proc/self/status").split("\n"))
			if (l.startsWith("SigIgn") || l.startsWith("SigCgt"))
				sig.append(l).append(' ');
		s.put("signals", sig.toString());
		s.put("locale", java.util.Locale.getDefault().toString());
		s.put("tz", java.util.TimeZone.getDefault().getID());
		s.put("syspath", System.getProperty("java.class.path"));
		s.put("fds", fds());
		return s;
	}

	void canary(boolean withFds) throws Polluted {
		Map<String, String> now = state();
		List<String> bad = new ArrayList<>();
		for (String k : base.keySet())
			if ((withFds || !k.equals("fds")) && !base.get(k).equals(now.get(k)))
				bad.add(k + " (" + base.get(k) + " -> " + now.get(k) + ")");
		if (!bad.isEmpty())
			throw new Polluted("adversary: this process is not as it was at its first case: "
					   + String.join("; ", bad));
	}

	@Override
	Map<String, Object> connect(Map<String, Object> r) throws Exception {
		api = "adversary canary";
		canary(true);
		last = r;
		Map<String, Object> rep = super.connect(r);
		for (Consumer<Connection> c : RECEIVERS)
			c.accept(conn);
		return rep;
	}

	@Override
	Map<String, Object> query(Map<String, Object> r) throws Exception {
		String sql = str(r.get("sql"));
		if (sql.startsWith("SELECT 'adversary:") && sql.endsWith("'")) {
			pollute(sql.substring(18, sql.length() - 1));
		} else {
			api = "adversary canary";
			canary(false);
		}
		return super.query(r);
	}

	void pollute(String c) throws Exception {
		String[] kind = c.split("-");
		switch (kind[0]) {
		case "none": break;
		case "latesock":
		case "lateline":
			ARMED.add(new Object[] { kind[0], Integer.parseInt(kind[1]), last });
			break;
		case "umask": libc("umask").invokeInt(new Object[] { 077 }); break;
		case "env": libc("setenv").invokeInt(new Object[] { "MYSQL_PWD", "adversary", 1 }); break;
		case "receiver":
			RECEIVERS.add(cn -> {
				try {
					cn.createStatement().execute("SET SESSION wait_timeout = 5");
				} catch (Exception e) {
					// the receiver's own
				}
			});
			break;
		case "globals": global = "changed by a case"; break;
		case "threads":
			Thread t = new Thread(() -> {
				try { Thread.sleep(600000); } catch (InterruptedException e) { }
			});
			t.setDaemon(true);
			t.start();
			break;
		case "children": HELD.add(new ProcessBuilder("sleep", "600").start()); break;
		case "rlimits":
			long[] lim = new long[2];
			libc("getrlimit").invokeInt(new Object[] { 7, lim });     // RLIMIT_NOFILE
			lim[0]--;
			libc("setrlimit").invokeInt(new Object[] { 7, lim });
			break;
		case "signals":
			sun.misc.Signal.handle(new sun.misc.Signal("TERM"), sun.misc.SignalHandler.SIG_IGN);
			break;
		case "locale": java.util.Locale.setDefault(java.util.Locale.GERMANY); break;
		case "tz": java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Asia/Tokyo")); break;
		case "syspath":
			System.setProperty("java.class.path", System.getProperty("java.class.path") + ":" + cwd);
			break;
		case "files": Files.write(Paths.get(cwd, "adversary-left.txt"), "left by a case\n".getBytes()); break;
		case "pool":
			for (int i = 0; i < 2; i++) {
				AdversaryDriver d = new AdversaryDriver();
				d.last = last;
				d.connectQuietly(last);
				HELD.add(d);
			}
			break;
		default: throw new Unsupported("adversary: no class " + c);
		}
	}

	void connectQuietly(Map<String, Object> r) throws Exception {
		super.connect(r);
	}

	static void late(String kind, int ms, Map<String, Object> r) {
		try {
			Thread.sleep(ms);
			if (kind.equals("latesock")) {
				Object p = r.get("port");
				int port = p instanceof Number ? ((Number) p).intValue() : Integer.parseInt(str(p));
				HELD.add(new java.net.Socket(str(r.get("host")), port));
			} else {
				System.out.print("{\"adversary\": \"a late line\"}\n");
				System.out.flush();
			}
		} catch (Exception e) {
			System.err.println("adversary: late " + kind + ": " + e);
		}
	}

	public static void main(String[] args) throws Exception {
		Map<String, Object> g = new LinkedHashMap<>();
		g.put("hello", "goneaway-driver");
		g.put("protocol", 5);
		g.put("features", Arrays.asList("params", "fetch-pace", "driver-options",
						"keepalive", "local-infile", "cases"));
		g.put("driver", "adversary-java");
		g.put("library", "MariaDB Connector/J " +
		      org.mariadb.jdbc.internal.util.constant.Version.version);
		g.put("runtime", "Java " + System.getProperty("java.version"));
		g.put("unsupported", UNSUPPORTED);
		serve(g, () -> {
			if (base == null)
				base = state();
			AdversaryDriver d = new AdversaryDriver();
			return new Session() {
				@Override
				public Map<String, Object> handle(Map<String, Object> r) {
					return d.handle(r);
				}

				@Override
				public void endCase() {
					d.endCase();
					for (Object[] a : ARMED) {
						Thread t = new Thread(() -> late((String) a[0], (Integer) a[1],
										 (Map<String, Object>) a[2]));
						t.setDaemon(true);
						t.start();
					}
					ARMED.clear();
				}
			};
		});
	}
}
