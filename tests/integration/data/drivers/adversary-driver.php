<?php
/* adversary-driver.php - for t0205-driver-pairs-scripts (issue 57): the
 * shipped PHP drivers that declare spawn (drivers/php/driver.php mysqli
 * or pdo, drivers/php/doctrine.php: protocol 5, features cases and
 * spawn, kept and spawned as the shipped ones are; its argument,
 * mysqli, pdo or doctrine, says which), both a polluter and a canary,
 * as adversary-driver.py is for PyMySQL.
 *
 * Polluter: "SELECT 'adversary:CLASS'" leaves one CLASS of state in the
 * process (then runs the query: its value is the marker):
 *   latesock-N  a process it forks opens a TCP connection to the case's
 *               server N ms after end-case, and holds it (PHP has no
 *               threads: the timer is a child)
 *   lateline-N  a process it forks writes a line on standard output N
 *               ms after end-case
 *   umask env receiver globals threads children rlimits signals locale
 *   tz syspath files pool   (see pollute() below)
 *   none        nothing (the control)
 * Canary: at every connect and query it compares the process with what
 * it was at its greeting (classes() below) and, when anything differs,
 * fails the step: errno 0, error_class Polluted, a message naming each
 * class that differs. */
require __DIR__ . '/../../../../drivers/php/driver.php';

class Polluted extends Exception {}

$RECEIVERS = [];        /* a framework's signal: run on every new connection */
$HELD = [];             /* what the polluter keeps alive */
$ARMED = [];            /* late classes, fired at end-case */
$BASE = [];

function slurp(string $p): string { return (string)@file_get_contents($p); }

function status_field(string $n): string
{
	return preg_match("/^$n:\\s*(\\S+)/m", slurp('/proc/self/status'), $m) ? $m[1] : '';
}

function own_fds(array $skip): array
{
	$fds = [];
	foreach (@scandir('/proc/self/fd') ?: [] as $fd) {
		if (!ctype_digit($fd) || in_array((int)$fd, $skip, true))
			continue;
		$l = @readlink("/proc/self/fd/$fd");
		if (is_string($l))
			$fds[(int)$fd] = str_replace(' (deleted)', '', $l);
	}
	ksort($fds);
	return $fds;
}

function kids(): array
{
	$k = [];
	foreach (@scandir('/proc/self/task') ?: [] as $t)
		if (ctype_digit($t))
			$k = array_merge($k, preg_split('/\s+/', trim(slurp("/proc/self/task/$t/children")), -1, PREG_SPLIT_NO_EMPTY));
	sort($k);
	return $k;
}

function classes(array $skip): array
{
	global $RECEIVERS;
	$env = getenv();
	ksort($env);
	return [
		'umask' => umask(),
		'env' => $env,
		'receiver' => count($RECEIVERS),
		'globals' => [ini_get('default_socket_timeout'), (new mysqli_driver())->report_mode],
		'threads' => count(glob('/proc/self/task/*')),
		'children' => kids(),
		'rlimits' => slurp('/proc/self/limits'),
		'signals' => status_field('SigIgn') . '/' . status_field('SigCgt'),
		'locale' => setlocale(LC_ALL, 0),
		'tz' => [getenv('TZ'), date_default_timezone_get()],
		'syspath' => get_include_path(),
		'fds' => own_fds($skip),
	];
}

function differs(array $skip): array
{
	global $BASE;
	$bad = [];
	foreach (classes($skip) as $k => $now)
		if ($now !== $BASE[$k])
			$bad[] = "$k (" . substr(json_encode($BASE[$k]), 0, 150) . ' -> ' . substr(json_encode($now), 0, 150) . ')';
	return $bad;
}

function late(string $kind, int $ms, string $host, int $port): void
{
	$pid = pcntl_fork();
	if ($pid !== 0)
		return;
	usleep($ms * 1000);
	if ($kind === 'latesock') {
		$s = @fsockopen($host, $port, $errno, $errstr, 5);
		if ($s === false)
			logmsg("adversary: late socket to $host:$port: $errstr");
		sleep(600);
	} else {
		fwrite(STDOUT, "{\"adversary\": \"a late line\"}\n");
		fflush(STDOUT);
	}
	posix_kill(posix_getpid(), SIGKILL);    /* no destructor of the parent's */
}

function other_locale(): string
{
	$now = strtolower((string)setlocale(LC_NUMERIC, 0));
	return in_array($now, ['c.utf8', 'c.utf-8'], true) ? 'C' : 'C.UTF-8';
}

function pollute(string $cls, array $req): void
{
	global $RECEIVERS, $HELD, $ARMED;
	$host = (string)($req['host'] ?? '127.0.0.1');
	$port = (int)($req['port'] ?? 3306);
	if ($cls === 'none') {
	} elseif ($cls === 'files') {
		file_put_contents('adversary-left.txt', "left by a case\n");
	} elseif ($cls === 'umask') {
		umask(0077);
	} elseif ($cls === 'env') {
		putenv('MYSQL_PWD=adversary');
	} elseif ($cls === 'receiver') {
		$RECEIVERS[] = fn() => logmsg('adversary: a receiver ran');
	} elseif ($cls === 'globals') {
		ini_set('default_socket_timeout', '7');
	} elseif ($cls === 'threads') {
		throw new Unsupported('adversary: this php-cli has no threads');
	} elseif ($cls === 'children') {
		if (pcntl_fork() === 0) {
			sleep(600);
			posix_kill(posix_getpid(), SIGKILL);
		}
	} elseif ($cls === 'rlimits') {
		$l = posix_getrlimit();
		posix_setrlimit(POSIX_RLIMIT_NOFILE, (int)$l['soft openfiles'] - 1, (int)$l['hard openfiles']);
	} elseif ($cls === 'signals') {
		pcntl_signal(SIGTERM, SIG_IGN);
	} elseif ($cls === 'locale') {
		setlocale(LC_NUMERIC, other_locale());
	} elseif ($cls === 'tz') {
		date_default_timezone_set('Asia/Tokyo');
	} elseif ($cls === 'syspath') {
		set_include_path(getcwd() . PATH_SEPARATOR . get_include_path());
	} elseif ($cls === 'pool') {
		for ($i = 0; $i < 2; $i++)
			$HELD[] = new mysqli($host, (string)($req['user'] ?? ''), (string)($req['password'] ?? ''), '', $port);
	} elseif (preg_match('/^(latesock|lateline)-(\d+)$/', $cls, $m)) {
		$ARMED[] = [$m[1], (int)$m[2], $host, $port];
	} else {
		throw new Unsupported("adversary: no class '$cls'");
	}
}

/* The adversary's part of a session, over any of the shipped sessions:
 * their handle() (public, as the protocol's loop calls it) wrapped, the
 * canary before the step, the polluter in place of the canary. */
trait Adversary
{
	private array $last = [];
	private array $mine = [];       /* the descriptors its connect opened */

	public function greeting(): array
	{
		global $BASE;
		$BASE = classes([]);
		return parent::greeting();
	}

	public function handle(array $req): array
	{
		global $RECEIVERS, $BASE;
		$step = $req['step'] ?? '';
		$sql = $req['sql'] ?? '';
		if ($step === 'query' && preg_match("/^SELECT 'adversary:(.*)'$/", $sql, $m)) {
			try {
				pollute($m[1], $this->last);
			} catch (Unsupported $e) {
				return ['result' => 'unsupported', 'message' => $e->getMessage()];
			}
			return parent::handle($req);
		}
		if ($step === 'connect' || $step === 'query') {
			if ($step === 'connect')
				$this->mine = [];
			$bad = differs($this->mine);
			if ($bad)
				return ['result' => 'error', 'errno' => 0,
					'error_class' => 'Polluted',
					'message' => 'adversary: this process is not as '
						. 'it was at its greeting: ' . implode('; ', $bad),
					'api' => 'adversary canary', 'elapsed_ms' => 0.0,
					'thread_before' => 0, 'thread_after' => 0];
		}
		$rep = parent::handle($req);
		if ($step === 'connect') {
			$this->last = $req;
			$this->mine = array_keys(array_diff_key(own_fds([]), $BASE['fds']));
			foreach ($RECEIVERS as $r)     /* the connection is private */
				$r();
		}
		return $rep;
	}

	public function end_case(): void
	{
		global $ARMED;
		parent::end_case();
		foreach ($ARMED as $a)
			late(...$a);
		$ARMED = [];
	}
}

/* doctrine.php's text, less its last line (exit(serve(...))) and its
 * session's "final", run here: its session is then extended as the
 * others are. */
function load_doctrine(): void
{
	$f = realpath(__DIR__ . '/../../../../drivers/php/doctrine.php');
	$t = file_get_contents($f);
	$t = preg_replace('/^<\?php\s*/', '', $t, 1, $n1);
	$t = preg_replace('/__DIR__/', var_export(dirname($f), true), $t);
	$t = preg_replace('/^final class DoctrineSession$/m', 'class DoctrineSession', $t, 1, $n2);
	$t = preg_replace('/^exit\(serve\(fn\(\) => new DoctrineSession\(\)\)\);\s*\z/m', '', $t, 1, $n3);
	if ($n1 + $n2 + $n3 !== 3) {
		logmsg("adversary: $f does not read as it did");
		exit(2);
	}
	eval($t);
}

$mode = $argv[1] ?? 'mysqli';
if ($mode === 'mysqli') {
	class AdversaryMysqli extends MysqliSession { use Adversary; }
	exit(serve(fn() => new AdversaryMysqli()));
}
if ($mode === 'pdo') {
	class AdversaryPdo extends PdoSession { use Adversary; }
	exit(serve(fn() => new AdversaryPdo()));
}
if ($mode === 'doctrine') {
	load_doctrine();
	eval('class AdversaryDoctrine extends DoctrineSession { use Adversary; }');
	exit(serve(fn() => new AdversaryDoctrine()));
}
logmsg('usage: php adversary-driver.php mysqli|pdo|doctrine');
exit(2);
