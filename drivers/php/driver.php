<?php
/*
 * PHP driver for goneaway (docs/driver-protocol.md): mysqli or PDO_mysql,
 * both over mysqlnd.
 *
 *     php drivers/php/driver.php mysqli     (reports as "php-mysqli")
 *     php drivers/php/driver.php pdo        (reports as "php-pdo")
 *
 * Needs Debian's php-cli and php-mysql (mysqli, pdo_mysql, mysqlnd; pcntl
 * and posix are built into Debian's php-cli).
 *
 * Protocol 5 with the feature "cases" (docs/driver-protocol.md, "Cases"):
 * one process serves case after case, each a new session object;
 * end-case (serve(), end_case()) closes what the case opened, destroys
 * its session, and sets the ini settings and mysqli's report mode back
 * to what they were at the greeting.
 *
 * With pcntl, posix and FFI (open, dup2, close, _exit: PHP has no
 * function for them), it declares "spawn" too (docs/driver-protocol.md,
 * "Spawn"): started once as a zygote, it forks a copy of itself for each
 * process goneaway asks for (spawn()), and goneaway gives every case a
 * fresh copy.  doctrine.php, which serves through serve(), with it.
 */

declare(strict_types=1);

ini_set('display_errors', 'stderr');    /* never a warning on stdout */
ini_set('memory_limit', '-1');          /* a statement can be 64 MiB */
error_reporting(E_ALL);

const STEPS = ['connect', 'query', 'ping', 'close', 'prepare', 'execute',
	       'long-data', 'stream', 'fetch', 'fork', 'reset', 'change-user'];

class Unsupported extends Exception {}
class NotConnected extends Exception {}

function truthy($v): bool
{
	return $v === true || $v === 1 || $v === 'on';
}

function text($v): ?string
{
	return $v === null ? null : (string)$v;
}

function logmsg(string $m): void
{
	fwrite(STDERR, rtrim($m) . "\n");
}

/* A driver option's value (a string as written) as PHP wants it: a
 * whole number an int, "true"/"false" a bool, anything else the string. */
function option_value(string $v)
{
	if (preg_match('/^-?[0-9]+$/', $v))
		return (int)$v;
	if ($v === 'true' || $v === 'false')
		return $v === 'true';
	return $v;
}

/* connect's "local_infile": the directories LOAD DATA LOCAL may read
 * beneath (the connection's local_infile), [] for none.  mysqlnd keeps a
 * file request within one directory of its own (mysqli's
 * MYSQLI_OPT_LOAD_DATA_LOCAL_DIR, PDO's MYSQL_ATTR_LOCAL_INFILE_DIRECTORY:
 * the file's realpath() must be beneath it, so neither ".." nor a
 * symlink leads out) when its local infile is off. */
function infile_dir(array $o): ?string
{
	$dirs = $o['local_infile'] ?? [];
	if (!is_array($dirs) || count($dirs) > 1)
		throw new Unsupported('mysqlnd keeps LOAD DATA LOCAL within one '
			. 'directory, not ' . json_encode($dirs));
	if (!$dirs)
		return null;
	$d = (string)$dirs[0];
	if ($d === '' || $d[0] !== '/')
		throw new Unsupported("local_infile: '$d' is not absolute");
	return $d;
}

/* A slow reader: $fetch() returns a row or false; every_ms > 0 waits
 * that long after each batch rows.  $n counts the rows read. */
function slow_fetch(callable $fetch, array $req, int &$n): void
{
	$batch = (int)($req['batch'] ?? 0);
	$every = (int)($req['every_ms'] ?? 0);
	while ($fetch()) {
		$n++;
		if ($every > 0 && $batch > 0 && $n % $batch === 0)
			usleep($every * 1000);
	}
}

/* What mysqli and PDO share: the loop, timing, fork. */
abstract class Session
{
	public string $api = '';
	public string $query_api = '';
	public ?int $rows = null;       /* rows a fetch read: a failed one
					 * reports them */

	abstract public function name(): string;
	abstract public function library(): string;
	abstract public function unsupported(): array;
	abstract public function connected(): bool;
	abstract public function tid(): int;
	/* Reply members for a connector error, or null: not the connector's. */
	abstract public function error_fields(Throwable $e): ?array;
	abstract public function query_value(string $sql): ?string;
	abstract public function close_in_child(): void;
	/* After a close step: makes the connector's closed connection the
	 * one the next step uses (a use after close: the connector defines
	 * what its closed object does), or throws Unsupported with why
	 * there is none; forget(): the step is over. */
	abstract public function use_closed(): void;
	abstract public function forget_closed(bool $connect): void;
	abstract public function was_closed(): bool;

	/* the processes do_fork made that it has not reaped yet */
	private array $children = [];

	/* end-case (serve()): the connector's own close, where it cannot
	 * block (the sockets are cut after it), and every child reaped.  A
	 * session extends it; its objects go with it. */
	public function end_case(): void
	{
		foreach (array_keys($this->children) as $pid) {
			if (pcntl_waitpid($pid, $status, WNOHANG) === 0) {
				posix_kill($pid, SIGKILL);
				pcntl_waitpid($pid, $status);
			}
			unset($this->children[$pid]);
		}
	}

	public function greeting(): array
	{
		return ['hello' => 'goneaway-driver', 'protocol' => 5,
			'features' => ['params', 'fetch-pace', 'driver-options',
				       'keepalive', 'local-infile', 'cases'],
			'driver' => $this->name(), 'library' => $this->library(),
			'runtime' => 'PHP ' . PHP_VERSION,
			'unsupported' => (object)$this->unsupported()];
	}

	public function handle(array $req): array
	{
		$step = $req['step'] ?? null;
		if (!in_array($step, STEPS, true))
			return ['result' => 'unsupported',
				'message' => 'unknown step ' . json_encode($step)];
		$uns = $this->unsupported();
		if (isset($uns[$step]))
			return ['result' => 'unsupported', 'message' => $uns[$step]];
		$method = 'do_' . str_replace('-', '_', $step);
		$this->api = $step;
		$this->rows = null;
		$after_close = $step !== 'connect' && !$this->connected() &&
			$this->was_closed();
		if ($after_close) {
			try {
				$this->use_closed();
			} catch (Unsupported $e) {
				return ['result' => 'unsupported',
					'message' => $e->getMessage()];
			}
		}
		$before = $step === 'connect' || $after_close ? 0 : $this->tid();
		$t0 = hrtime(true);
		try {
			if ($step !== 'connect' && !$this->connected())
				throw new NotConnected('no connection: no successful '
						       . 'connect step before this one');
			$rep = $this->$method($req);
			if (!isset($rep['result']))
				$rep['result'] = 'ok';
		} catch (Unsupported $e) {
			if ($after_close)
				$this->forget_closed(false);
			return ['result' => 'unsupported', 'message' => $e->getMessage()];
		} catch (NotConnected $e) {
			$this->api = 'driver';
			$rep = ['result' => 'error', 'errno' => 0,
				'message' => $e->getMessage(),
				'error_class' => 'NotConnected'];
		} catch (Throwable $e) {
			$f = $this->error_fields($e);
			if ($f === null) {
				logmsg((string)$e);
				$f = ['errno' => 0, 'message' => $e->getMessage(),
				      'error_class' => get_class($e)];
			}
			$rep = ['result' => 'error'] + $f;
			/* a failed fetch or stream: how far it got */
			if ($this->rows !== null &&
			    ($step === 'fetch' || $step === 'stream'))
				$rep['rows'] = $this->rows;
		}
		if ($after_close)
			$this->forget_closed(false);
		elseif ($step === 'connect')
			$this->forget_closed(true);
		$rep['api'] = $this->api;
		$rep['elapsed_ms'] = round((hrtime(true) - $t0) / 1e6, 3);
		$rep['thread_before'] = $before;
		$rep['thread_after'] = $after_close ? 0 : $this->tid();
		return $rep;
	}

	/* SELECT 'who:i' count times; stops at the first error. */
	private function tally(string $who, int $count): array
	{
		$t = ['ok' => 0, 'wrong' => 0, 'errors' => 0];
		for ($i = 0; $i < $count; $i++) {
			$want = "$who:$i";
			try {
				$got = $this->query_value("SELECT '$want'");
			} catch (Throwable $e) {
				$t['errors']++;
				$t['error'] = $this->error_fields($e) ??
					['errno' => 0, 'message' => $e->getMessage(),
					 'error_class' => get_class($e)];
				break;
			}
			if ($got !== $want) {
				$t['wrong']++;
				$t['first_wrong'] ??= "asked '$want', got " .
					($got === null ? 'NULL' : "'$got'");
			} else {
				$t['ok']++;
			}
		}
		return $t;
	}

	/* Ends the child without PHP's shutdown (which would close the
	 * connection): exec replaces the process, as _exit would. */
	private static function vanish(): void
	{
		@pcntl_exec('/bin/true');
		posix_kill(posix_getpid(), SIGKILL);
	}

	public function do_fork(array $req): array
	{
		if (!function_exists('pcntl_fork'))
			throw new Unsupported('this php-cli has no pcntl');
		$mode = $req['mode'] ?? '';
		$count = (int)($req['count'] ?? 0);
		if (!in_array($mode, ['close', 'exit', 'share'], true))
			throw new Unsupported("fork mode '$mode'");
		$this->api = 'pcntl_fork';
		$pair = $gate = null;
		if ($mode === 'share') {
			$pair = stream_socket_pair(STREAM_PF_UNIX,
						   STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
			/* the child's "ready": both start together */
			$gate = stream_socket_pair(STREAM_PF_UNIX,
						   STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
		}
		fflush(STDOUT);
		$pid = pcntl_fork();
		if ($pid < 0)
			throw new RuntimeException('fork: ' . pcntl_strerror(pcntl_get_last_error()));
		if ($pid > 0)
			$this->children[$pid] = true;
		if ($pid === 0) {
			try {
				if ($mode === 'close') {
					$this->close_in_child();
				} elseif ($mode === 'share') {
					fclose($pair[0]);
					fclose($gate[0]);
					fwrite($gate[1], 'r');  /* ready: the parent starts too */
					fclose($gate[1]);
					fwrite($pair[1], json_encode($this->tally('child', $count)));
					fclose($pair[1]);
				}
			} catch (Throwable $e) {
				logmsg((string)$e);
			}
			self::vanish();
		}
		if ($mode !== 'share') {
			pcntl_waitpid($pid, $status);
			unset($this->children[$pid]);
			return ['message' => $mode === 'close' ?
				'child closed the connection and exited' : 'child exited'];
		}
		fclose($pair[1]);
		$this->api = $this->query_api . ' (parent and child)';
		/* Start when the child is ready to: a child scheduled late on a
		 * busy machine otherwise found the parent's queries all done,
		 * and the run was ok, not the race.  EOF (the child died
		 * first) starts the parent all the same. */
		fclose($gate[1]);
		fread($gate[0], 1);
		fclose($gate[0]);
		$mine = $this->tally('parent', $count);
		$data = stream_get_contents($pair[0]);
		fclose($pair[0]);
		pcntl_waitpid($pid, $status);
		unset($this->children[$pid]);
		$theirs = $data === '' ? null : json_decode($data, true);
		return self::share_outcome($mine, $theirs);
	}

	private static function share_outcome(array $p, ?array $c): array
	{
		$part = function (string $who, ?array $t): string {
			if ($t === null)
				return "$who: died without a tally";
			$s = "$who: {$t['ok']} ok, {$t['wrong']} wrong";
			if (isset($t['error']))
				$s .= ', error ' . $t['error']['message'];
			return $s;
		};
		$msg = $part('parent', $p) . '; ' . $part('child', $c);
		$c ??= ['ok' => 0, 'wrong' => 0, 'errors' => 0];
		if ($p['wrong'] || $c['wrong'])
			return ['result' => 'wrong-result', 'message' => $msg,
				'value' => $p['first_wrong'] ?? $c['first_wrong']];
		$err = $p['error'] ?? $c['error'] ?? null;
		if ($err !== null) {
			$rep = ['result' => 'error'] + $err;
			$rep['message'] = $err['message'] . " ($msg)";
			return $rep;
		}
		return ['message' => $msg];
	}
}

class MysqliSession extends Session
{
	private ?mysqli $m = null;
	private ?mysqli $closed = null;         /* after a close step */
	private ?mysqli_result $stream = null;
	private ?mysqli_stmt $stmt = null;
	private $long_null = null;              /* bound by reference */
	public string $query_api = 'mysqli::query';

	public function name(): string { return 'php-mysqli'; }

	public function library(): string
	{
		return 'mysqli ' . mysqli_get_client_info();
	}

	public function unsupported(): array
	{
		$u = ['reset' => 'mysqli has no COM_RESET_CONNECTION '
			 . '(mysqli::change_user is its reset)'];
		if (!function_exists('pcntl_fork'))
			$u['fork'] = 'this php-cli has no pcntl';
		return $u;
	}

	public function connected(): bool { return $this->m !== null; }

	public function was_closed(): bool { return $this->closed !== null; }

	/* mysqli::close: COM_QUIT on an idle connection, a plain close of
	 * the socket in the middle of a result (mysqlnd reads nothing);
	 * the closed one's throws, ignored.  Its statement and result go
	 * with the session, over a closed connection. */
	public function end_case(): void
	{
		parent::end_case();
		foreach ([$this->m, $this->closed] as $c) {
			if ($c === null)
				continue;
			try { $c->close(); } catch (Throwable $e) {}
		}
	}

	/* mysqli defines it: a closed mysqli object throws Error ("mysqli
	 * object is already closed") from every method. */
	public function use_closed(): void { $this->m = $this->closed; }

	public function forget_closed(bool $connect): void
	{
		if ($connect)
			$this->closed = null;
		elseif ($this->m === $this->closed)
			$this->m = null;
	}

	public function tid(): int
	{
		try {
			return $this->m ? (int)$this->m->thread_id : 0;
		} catch (Throwable $e) {
			return 0;
		}
	}

	public function error_fields(Throwable $e): ?array
	{
		if (!$e instanceof mysqli_sql_exception)
			return null;
		return ['errno' => $e->getCode(), 'sqlstate' => $e->getSqlState(),
			'message' => $e->getMessage(),
			'error_class' => 'mysqli_sql_exception'];
	}

	/* A false return without an exception (ping): the handle's error. */
	private function handle_error(string $what): array
	{
		return ['result' => 'error', 'errno' => $this->m->errno,
			'sqlstate' => $this->m->sqlstate,
			'message' => $this->m->error !== '' ? $this->m->error :
				"$what returned false",
			'error_class' => 'mysqli'];
	}

	public function do_connect(array $req): array
	{
		$o = $req['options'] ?? [];
		if ($this->m !== null) {
			try { $this->m->close(); } catch (Throwable $e) {}
			$this->m = null;
		}
		$this->stream = null;
		$this->stmt = null;
		if (truthy($o['reconnect'] ?? false))
			throw new Unsupported('mysqlnd has no automatic reconnect');
		if (!empty($o['write_timeout']))
			throw new Unsupported('mysqli has no write timeout option');
		if (!empty($o['max_allowed_packet']))
			throw new Unsupported('mysqli cannot set the client\'s '
					      . 'max_allowed_packet');
		if (!empty($o['keepalive']['count']))
			throw new Unsupported('mysqlnd has no option for TCP '
					      . 'keepalive');
		mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
		$m = mysqli_init();
		if (!empty($o['connect_timeout']))
			$m->options(MYSQLI_OPT_CONNECT_TIMEOUT, (int)$o['connect_timeout']);
		if (!empty($o['read_timeout']))
			$m->options(MYSQLI_OPT_READ_TIMEOUT, (int)$o['read_timeout']);
		$this->driver_options($m, $o['driver_options'] ?? []);
		/* last: mysqlnd's local infile off, and with local_infile
		 * only the directory's files (php.ini's mysqli.* settings and
		 * any option above overridden) */
		$dir = infile_dir($o);
		$m->options(MYSQLI_OPT_LOCAL_INFILE, false);
		if ($dir !== null)
			$m->options(MYSQLI_OPT_LOAD_DATA_LOCAL_DIR, $dir);
		$flags = 0;
		if (truthy($o['interactive'] ?? false))
			$flags |= MYSQLI_CLIENT_INTERACTIVE;
		$tls = $o['tls'] ?? 'off';
		if ($tls === 'required') {
			$m->ssl_set(null, null, null, null, null);
			$flags |= MYSQLI_CLIENT_SSL |
				  MYSQLI_CLIENT_SSL_DONT_VERIFY_SERVER_CERT;
		} elseif ($tls !== 'off') {
			throw new Unsupported("tls=$tls");
		}
		/* tls=off: mysqlnd uses TLS only with MYSQLI_CLIENT_SSL */
		$socket = ($o['transport'] ?? 'tcp') === 'socket';
		$this->api = 'mysqli::real_connect';
		$m->real_connect($socket ? 'localhost' : $req['host'],
				 $req['user'] ?? '', $req['password'] ?? '',
				 $req['database'] ?? '',
				 $socket ? 0 : (int)($req['port'] ?? 3306),
				 $socket ? $req['socket'] : '', $flags);
		$this->m = $m;
		return [];
	}

	/* driver_options: mysqli::options() by the constant's name
	 * (MYSQLI_INIT_COMMAND, MYSQLI_OPT_INT_AND_FLOAT_NATIVE ...); one
	 * mysqli does not take is unsupported, never ignored. */
	private function driver_options(mysqli $m, array $opts): void
	{
		$taken = ['MYSQLI_OPT_CONNECT_TIMEOUT', 'MYSQLI_OPT_READ_TIMEOUT',
			  'MYSQLI_OPT_LOCAL_INFILE',
			  'MYSQLI_OPT_LOAD_DATA_LOCAL_DIR'];
		foreach ($opts as $k => $v) {
			$k = (string)$k;
			if (in_array($k, $taken, true))
				throw new Unsupported("driver option $k is what the "
					. "connection's own options set");
			if (!str_starts_with($k, 'MYSQLI_') || !defined($k))
				throw new Unsupported("mysqli has no option $k "
					. "(a MYSQLI_* constant of "
					. "mysqli::options(), e.g. "
					. "MYSQLI_INIT_COMMAND)");
			$ok = false;
			try {
				$ok = $m->options(constant($k), option_value((string)$v));
			} catch (Throwable $e) {
				throw new Unsupported("mysqli::options($k): "
					. $e->getMessage());
			}
			if (!$ok)
				throw new Unsupported("mysqli::options($k) refused "
					. "'$v'");
		}
	}

	public function query_value(string $sql): ?string
	{
		$r = $this->m->query($sql);
		if (!$r instanceof mysqli_result)
			return null;
		$row = $r->fetch_row();
		$r->free();
		return $row ? text($row[0]) : null;
	}

	public function do_query(array $req): array
	{
		$this->api = 'mysqli::query';
		$r = $this->m->query($req['sql'] ?? '');
		if (!$r instanceof mysqli_result)
			return [];
		$this->api = 'mysqli_result::fetch_row';
		$row = $r->fetch_row();
		$r->free();
		return $row ? ['value' => text($row[0])] : [];
	}

	public function do_ping(array $req): array
	{
		$this->api = 'mysqli::ping';
		if (!$this->m->ping())
			return $this->handle_error('mysqli::ping');
		return [];
	}

	public function do_close(array $req): array
	{
		$this->api = 'mysqli::close';
		$m = $this->m;
		$this->m = null;
		$this->stream = null;
		$this->stmt = null;
		$this->closed = $m;
		$m->close();
		return [];
	}

	public function do_change_user(array $req): array
	{
		$this->api = 'mysqli::change_user';
		$db = $req['database'] ?? null;
		if (!$this->m->change_user($req['user'] ?? '',
					   $req['password'] ?? '',
					   $db === '' ? null : $db))
			return $this->handle_error('mysqli::change_user');
		return [];
	}

	public function close_in_child(): void
	{
		$this->m->close();
	}

	public function do_stream(array $req): array
	{
		$this->api = 'mysqli::real_query';
		$this->rows = 0;        /* none before the first */
		$this->m->real_query($req['sql'] ?? '');
		$this->api = 'mysqli::use_result';
		$this->stream = $this->m->use_result() ?: null;
		if ($this->stream === null)
			return [];
		$this->api = 'mysqli_result::fetch_row';
		$row = $this->stream->fetch_row();
		return $row ? ['value' => text($row[0])] : [];
	}

	public function do_fetch(array $req): array
	{
		if ($this->stream === null)
			throw new NotConnected('no stream step before fetch');
		$r = $this->stream;
		$this->stream = null;
		$this->api = 'mysqli_result::fetch_row';
		$this->rows = 0;
		slow_fetch(fn() => $r->fetch_row(), $req, $this->rows);
		$r->free();
		return ['value' => (string)$this->rows];
	}

	public function do_prepare(array $req): array
	{
		$this->api = 'mysqli::prepare';
		if ($this->stmt !== null) {
			try { $this->stmt->close(); } catch (Throwable $e) {}
			$this->stmt = null;
		}
		$this->stmt = $this->m->prepare($req['sql'] ?? '') ?: null;
		return [];
	}

	public function do_execute(array $req): array
	{
		if ($this->stmt === null)
			throw new NotConnected('no prepare step before execute');
		$blob = (int)($req['blob'] ?? 0);
		$types = '';
		$vals = [];
		if ($blob > 0) {
			$types .= 's';
			$vals[] = str_repeat('x', $blob);
		}
		foreach ($req['params'] ?? [] as $v) {
			$types .= is_int($v) ? 'i' : 's';       /* null: NULL */
			$vals[] = $v;
		}
		if ($vals) {
			$this->api = 'mysqli_stmt::bind_param';
			$this->stmt->bind_param($types, ...$vals);
		}
		$this->api = 'mysqli_stmt::execute';
		$this->stmt->execute();
		$this->api = 'mysqli_stmt::store_result';
		$this->stmt->store_result();
		$this->stmt->free_result();
		$this->api = 'mysqli_stmt::execute';
		return [];
	}

	public function do_long_data(array $req): array
	{
		if ($this->stmt === null)
			throw new NotConnected('no prepare step before long-data');
		$size = (int)($req['size'] ?? 0);
		$chunk = max(1, (int)($req['chunk'] ?? 65536));
		$this->api = 'mysqli_stmt::bind_param';
		$this->long_null = null;
		$this->stmt->bind_param('b', $this->long_null);
		$this->api = 'mysqli_stmt::send_long_data';
		$piece = str_repeat('x', $chunk);
		$sent = $n = 0;
		while ($sent < $size) {
			$len = min($chunk, $size - $sent);
			if (!$this->stmt->send_long_data(0, $len === $chunk ? $piece :
							 substr($piece, 0, $len))) {
				return ['result' => 'error',
					'errno' => $this->stmt->errno,
					'sqlstate' => $this->stmt->sqlstate,
					'message' => $this->stmt->error,
					'error_class' => 'mysqli_stmt',
					'value' => (string)$n];
			}
			$sent += $len;
			$n++;
		}
		return ['value' => (string)$n];
	}
}

class PdoSession extends Session
{
	private ?PDO $pdo = null;
	private ?PDOStatement $stream = null;
	private ?PDOStatement $stmt = null;
	public string $query_api = 'PDO::query';

	public function name(): string { return 'php-pdo'; }

	public function library(): string
	{
		return 'PDO_mysql ' . phpversion('pdo_mysql') . ' (' .
			(new ReflectionExtension('mysqlnd'))->getVersion() . ')';
	}

	public function unsupported(): array
	{
		$u = ['ping' => 'PDO has no ping',
		      'long-data' => 'PDO_mysql has no mysql_stmt_send_long_data',
		      'reset' => 'PDO has no COM_RESET_CONNECTION',
		      'change-user' => 'PDO has no COM_CHANGE_USER'];
		if (!function_exists('pcntl_fork'))
			$u['fork'] = 'this php-cli has no pcntl';
		return $u;
	}

	public function connected(): bool { return $this->pdo !== null; }

	public function was_closed(): bool { return $this->closed; }

	/* PDO closes when its object is destroyed (COM_QUIT when idle): its
	 * statements first, which hold it.  A result still streaming
	 * (unbuffered) would be read to its end by its destruction: that
	 * one is destroyed with the session, after serve() cut the sockets. */
	public function end_case(): void
	{
		parent::end_case();
		if ($this->stream !== null)
			return;
		$this->stmt = null;
		$this->pdo = null;
	}

	private bool $closed = false;

	public function use_closed(): void
	{
		throw new Unsupported('PDO has no close: a connection closes '
				      . 'when its object is destroyed ($pdo = '
				      . 'null), and nothing is left to call');
	}

	public function forget_closed(bool $connect): void
	{
		if ($connect)
			$this->closed = false;
	}

	/* PDO exposes no connection id: connect asks the server once
	 * (SELECT CONNECTION_ID()), so the harness can KILL the connection. */
	private int $thread = 0;

	public function tid(): int { return $this->pdo ? $this->thread : 0; }

	public function error_fields(Throwable $e): ?array
	{
		if (!$e instanceof PDOException)
			return null;
		$info = $e->errorInfo;
		$f = ['errno' => 0, 'message' => $e->getMessage(),
		      'error_class' => 'PDOException'];
		if (is_array($info) && isset($info[1])) {
			$f['errno'] = (int)$info[1];
			$f['sqlstate'] = (string)$info[0];
			if (isset($info[2]))
				$f['message'] = (string)$info[2];
		} elseif (is_int($e->getCode())) {
			$f['errno'] = $e->getCode();    /* the constructor's */
		}
		return $f;
	}

	/* A connect request's PDO_mysql DSN and attributes (and mysqlnd's
	 * read timeout, an ini setting read at connect): what PdoSession
	 * connects with, and Doctrine DBAL's pdo_mysql driver
	 * (drivers/php/doctrine.php). */
	public static function connect_args(array $req): array
	{
		$o = $req['options'] ?? [];
		if (truthy($o['reconnect'] ?? false))
			throw new Unsupported('mysqlnd has no automatic reconnect');
		if (!empty($o['write_timeout']))
			throw new Unsupported('PDO_mysql has no write timeout option');
		if (!empty($o['max_allowed_packet']))
			throw new Unsupported('PDO_mysql over mysqlnd cannot set the '
					      . 'client\'s max_allowed_packet');
		if (!empty($o['keepalive']['count']))
			throw new Unsupported('mysqlnd has no option for TCP '
					      . 'keepalive');
		if (truthy($o['interactive'] ?? false))
			throw new Unsupported('PDO_mysql has no CLIENT_INTERACTIVE');
		$attr = [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION];
		if (!empty($o['connect_timeout']))
			$attr[PDO::ATTR_TIMEOUT] = (int)$o['connect_timeout'];
		/* mysqlnd's read timeout is an ini setting, read at connect */
		ini_set('mysqlnd.net_read_timeout',
			(string)(empty($o['read_timeout']) ? 86400 :
				 (int)$o['read_timeout']));
		$tls = $o['tls'] ?? 'off';
		if ($tls === 'required') {
			$attr[PDO::MYSQL_ATTR_SSL_CIPHER] = 'DEFAULT';
			$attr[PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT] = false;
		} elseif ($tls !== 'off') {
			throw new Unsupported("tls=$tls");
		}
		$attr += self::driver_options($o['driver_options'] ?? []);
		/* last: mysqlnd's local infile off, and with local_infile
		 * only the directory's files */
		$dir = infile_dir($o);
		$attr[PDO::MYSQL_ATTR_LOCAL_INFILE] = false;
		if ($dir !== null)
			$attr[PDO::MYSQL_ATTR_LOCAL_INFILE_DIRECTORY] = $dir;
		if (($o['transport'] ?? 'tcp') === 'socket')
			$dsn = 'mysql:unix_socket=' . $req['socket'];
		else
			$dsn = 'mysql:host=' . $req['host'] . ';port=' .
				(int)($req['port'] ?? 3306);
		/* the DSN is KEY=VALUE;...: a ';' in the database would add
		 * keys of the scenario's to it */
		if (str_contains((string)($req['database'] ?? ''), ';'))
			throw new Unsupported('PDO_mysql\'s DSN cannot carry a '
				. 'database name with \';\' (it would end the name '
				. 'and begin another key)');
		if (!empty($req['database']))
			$dsn .= ';dbname=' . $req['database'];
		return [$dsn, $attr];
	}

	public function do_connect(array $req): array
	{
		$this->pdo = null;              /* COM_QUIT, if one was open */
		$this->stream = null;
		$this->stmt = null;
		[$dsn, $attr] = self::connect_args($req);
		$this->api = 'new PDO';
		$this->thread = 0;
		$pdo = new PDO($dsn, $req['user'] ?? '', $req['password'] ?? '',
			       $attr);
		$this->api = 'new PDO + SELECT CONNECTION_ID()';
		$this->thread = (int)$pdo->query('SELECT CONNECTION_ID()')
			->fetchColumn();
		$this->pdo = $pdo;
		return [];
	}

	/* The driver options PDO_mysql takes at connect (by their name
	 * without "PDO::"); it ignores others silently, so only these. */
	private const OPTIONS = ['MYSQL_ATTR_INIT_COMMAND',
		'MYSQL_ATTR_COMPRESS', 'MYSQL_ATTR_FOUND_ROWS',
		'MYSQL_ATTR_IGNORE_SPACE', 'MYSQL_ATTR_MULTI_STATEMENTS', 'MYSQL_ATTR_DIRECT_QUERY',
		'MYSQL_ATTR_SERVER_PUBLIC_KEY', 'ATTR_EMULATE_PREPARES',
		'ATTR_STRINGIFY_FETCHES'];

	private static function driver_options(array $opts): array
	{
		$attr = [];
		foreach ($opts as $k => $v) {
			$k = (string)$k;
			if (!in_array($k, self::OPTIONS, true) ||
			    !defined("PDO::$k"))
				throw new Unsupported("PDO_mysql takes no driver "
					. "option $k here (it takes: "
					. implode(', ', self::OPTIONS) . ')');
			$attr[constant("PDO::$k")] = option_value((string)$v);
		}
		return $attr;
	}

	public function query_value(string $sql): ?string
	{
		$st = $this->pdo->query($sql);
		$row = $st->columnCount() ? $st->fetch(PDO::FETCH_NUM) : false;
		$st->closeCursor();
		return $row ? text($row[0]) : null;
	}

	public function do_query(array $req): array
	{
		$this->api = 'PDO::query';
		$st = $this->pdo->query($req['sql'] ?? '');
		if (!$st->columnCount())
			return [];
		$this->api = 'PDOStatement::fetch';
		$row = $st->fetch(PDO::FETCH_NUM);
		$st->closeCursor();
		return $row ? ['value' => text($row[0])] : [];
	}

	public function do_close(array $req): array
	{
		$this->api = 'PDO destruction ($pdo = null)';
		$this->stream = null;
		$this->stmt = null;
		$this->pdo = null;
		$this->closed = true;
		return [];
	}

	public function close_in_child(): void
	{
		$this->stream = null;
		$this->stmt = null;
		$this->pdo = null;
	}

	public function do_stream(array $req): array
	{
		$this->api = 'PDO::query (MYSQL_ATTR_USE_BUFFERED_QUERY off)';
		$this->rows = 0;        /* none before the first */
		$this->pdo->setAttribute(PDO::MYSQL_ATTR_USE_BUFFERED_QUERY, false);
		try {
			$this->stream = $this->pdo->query($req['sql'] ?? '');
		} finally {
			$this->pdo->setAttribute(PDO::MYSQL_ATTR_USE_BUFFERED_QUERY, true);
		}
		$this->api = 'PDOStatement::fetch';
		$row = $this->stream->fetch(PDO::FETCH_NUM);
		return $row ? ['value' => text($row[0])] : [];
	}

	public function do_fetch(array $req): array
	{
		if ($this->stream === null)
			throw new NotConnected('no stream step before fetch');
		$st = $this->stream;
		$this->stream = null;
		$this->api = 'PDOStatement::fetch';
		$this->rows = 0;
		slow_fetch(fn() => $st->fetch(PDO::FETCH_NUM) !== false, $req,
			   $this->rows);
		$st->closeCursor();
		return ['value' => (string)$this->rows];
	}

	public function do_prepare(array $req): array
	{
		$this->api = 'PDO::prepare (ATTR_EMULATE_PREPARES off)';
		$this->stmt = null;
		/* The connection's attribute, not the statement's: pdo_mysql
		 * (PHP 8.2) takes ATTR_EMULATE_PREPARES among prepare()'s
		 * options and still emulates (the server's Com_stmt_prepare
		 * did not move: drivers/conformance/06-prepared.gw).  Set back
		 * after, so that a query step stays a text query. */
		$was = $this->pdo->getAttribute(PDO::ATTR_EMULATE_PREPARES);
		$this->pdo->setAttribute(PDO::ATTR_EMULATE_PREPARES, false);
		try {
			$this->stmt = $this->pdo->prepare($req['sql'] ?? '');
		} finally {
			$this->pdo->setAttribute(PDO::ATTR_EMULATE_PREPARES, $was);
		}
		return [];
	}

	public function do_execute(array $req): array
	{
		if ($this->stmt === null)
			throw new NotConnected('no prepare step before execute');
		$blob = (int)($req['blob'] ?? 0);
		$i = 1;
		if ($blob > 0)
			$this->stmt->bindValue($i++, str_repeat('x', $blob), PDO::PARAM_LOB);
		foreach ($req['params'] ?? [] as $v)
			$this->stmt->bindValue($i++, $v, $v === null ? PDO::PARAM_NULL :
					       (is_int($v) ? PDO::PARAM_INT : PDO::PARAM_STR));
		$this->api = 'PDOStatement::execute';
		$this->stmt->execute();
		$this->stmt->closeCursor();
		return [];
	}
}

/* ---- cases ------------------------------------------------------------- */

/* The process's sockets: file descriptor => its inode ("socket:[N]"). */
function sockets_now(): array
{
	$fds = [];
	foreach (@scandir('/proc/self/fd') ?: [] as $fd) {
		$l = @readlink("/proc/self/fd/$fd");
		if (is_string($l) && str_starts_with($l, 'socket:'))
			$fds[(int)$fd] = $l;
	}
	return $fds;
}

/* What end-case sets back: every ini setting (mysqlnd's read timeout,
 * which PdoSession::connect_args sets, among them) and mysqli's report
 * mode (mysqli_report(), process-wide), and the sockets held then. */
function process_state(): array
{
	return ['ini' => ini_get_all(null, false),
		'report' => extension_loaded('mysqli') ?
			(new mysqli_driver())->report_mode : null,
		'sockets' => sockets_now()];
}

function restore_state(array $was): void
{
	$now = ini_get_all(null, false);
	foreach ($was['ini'] as $k => $v)
		if (array_key_exists($k, $now) && $now[$k] !== $v &&
		    @ini_set($k, (string)$v) === false)
			logmsg("end-case: ini setting $k cannot be set back to '$v'");
	if ($was['report'] !== null)
		mysqli_report($was['report']);
}

/* The sockets opened since $was, shut down (both ways: a read of the
 * connector's returns at once, as after goneaway's cut) through a
 * duplicate of each descriptor (php://fd): what the session still
 * holds can then be destroyed without waiting on the network. */
function cut_sockets(array $was): void
{
	if (!function_exists('socket_import_stream'))
		return;
	foreach (sockets_now() as $fd => $ino) {
		if (($was[$fd] ?? null) === $ino)
			continue;
		$f = @fopen("php://fd/$fd", 'r+');
		if ($f === false)
			continue;
		$sock = @socket_import_stream($f);
		if ($sock !== false && $sock !== null)
			@socket_shutdown($sock, 2);
		unset($sock);
		fclose($f);
	}
}

/* begin-case: the case's directory becomes the working directory. */
function begin_case(array $req): array
{
	$d = $req['dir'] ?? null;
	if (!is_string($d) || $d === '' || $d[0] !== '/')
		return ['result' => 'error', 'errno' => 0,
			'error_class' => 'BadRequest',
			'message' => 'begin-case without an absolute dir'];
	if (!@chdir($d))
		return ['result' => 'error', 'errno' => 0,
			'error_class' => 'BadRequest',
			'message' => "begin-case: cannot chdir to $d"];
	return ['result' => 'ok'];
}

/* end-case: the session's own close (end_case()), the case's sockets
 * cut, the session destroyed (every object of the case with it: its
 * cycles collected), the process's settings set back; then a new
 * session for the next case.  A socket of the case still open after
 * that is an error (goneaway ends the process). */
function end_case(&$s, callable $make, array $was): array
{
	try {
		$s->end_case();
	} catch (Throwable $e) {
		logmsg('end-case: ' . $e);
	}
	cut_sockets($was['sockets']);
	$s = null;
	gc_collect_cycles();
	restore_state($was);
	$s = $make();
	$left = array_diff_assoc(sockets_now(), $was['sockets']);
	if ($left)
		return ['result' => 'error', 'errno' => 0,
			'error_class' => 'EndCase',
			'message' => count($left) . ' socket(s) of the case still '
				. 'open after its session was destroyed'];
	return ['result' => 'ok'];
}

/* ---- spawn -------------------------------------------------------------- */

/* The libc calls a copy needs that PHP has no function for (open to a
 * descriptor of its own, dup2, close of a descriptor no stream holds,
 * _exit), through FFI; null where this PHP cannot fork or has no FFI
 * (ffi.enable off): the driver then does not declare "spawn" (docs/
 * driver-protocol.md, "Spawn"). */
function spawn_libc(): ?FFI
{
	static $libc = false;
	if ($libc !== false)
		return $libc;
	$libc = null;
	if (!function_exists('pcntl_fork') || !function_exists('posix_setpgid') ||
	    !class_exists('FFI'))
		return null;
	try {
		$libc = FFI::cdef('int open(const char *path, int flags, ...);
			int dup2(int oldfd, int newfd); int close(int fd);
			void _exit(int status);');
	} catch (Throwable $e) {
		logmsg('spawn: no FFI: ' . $e->getMessage());
	}
	return $libc;
}

const O_RDONLY = 0, O_WRONLY = 1, O_APPEND = 02000;   /* Linux's */

/* Every descriptor but 0 to 2 closed: those /proc/self/fd names, read
 * whole first (scandir's own descriptor is closed before any). */
function close_others(FFI $libc): void
{
	foreach (scandir('/proc/self/fd') ?: [] as $fd)
		if (ctype_digit($fd) && (int)$fd > 2)
			$libc->close((int)$fd);  /* scandir's own: EBADF */
}

/* In a copy just forked (spawn() below): a process group of its own,
 * the named pipes $paths[0] and [1] its standard input and output
 * (STDIN and STDOUT, descriptors 0 and 1, then read and write them),
 * [2] its standard error appended to, every other descriptor closed,
 * then a driver just started serving them (serve(), a new session).
 * Never returns. */
function become_copy(FFI $libc, array $paths, callable $make): never
{
	$rc = 2;
	try {
		if (!posix_setpgid(0, 0))
			throw new RuntimeException('setpgid: ' .
				posix_strerror(posix_get_last_error()));
		$flags = [O_RDONLY, O_WRONLY, O_WRONLY | O_APPEND];
		$fds = [];
		foreach ($paths as $i => $path) {
			$fds[$i] = $libc->open($path, $flags[$i]);
			if ($fds[$i] < 0)
				throw new RuntimeException("cannot open $path");
		}
		foreach ($fds as $i => $fd)
			if ($libc->dup2($fd, $i) < 0)
				throw new RuntimeException("dup2 $fd $i failed");
		close_others($libc);
		/* STDIN read nothing ahead past the spawn request (goneaway
		 * sends the zygote nothing before its answer) */
		$ahead = stream_get_meta_data(STDIN)['unread_bytes'];
		if ($ahead !== 0)
			throw new RuntimeException("STDIN holds $ahead bytes of the zygote's");
		$rc = serve($make);
	} catch (Throwable $e) {
		logmsg('spawn: ' . $e);
	}
	/* _exit, as the Python drivers' copy: PHP's shutdown would close
	 * the descriptor of the script it holds (closed above), which may
	 * be another file by then */
	fflush(STDOUT);
	fflush(STDERR);
	$libc->_exit($rc);
}

/* spawn: a copy of this process, forked now, serves the named pipes
 * "stdin" and "stdout" (its standard error appended to "stderr") as a
 * driver just started would.  goneaway sends it only to a process that
 * has served no case.  It is forked through a process that exits at
 * once (_exit: no shutdown of PHP's), so that its parent is the
 * namespace's init, which reaps it and tells goneaway how it ended;
 * this process waits for that one alone. */
function spawn(FFI $libc, array $req, callable $make): array
{
	$paths = [$req['stdin'] ?? null, $req['stdout'] ?? null,
		  $req['stderr'] ?? null];
	foreach ($paths as $p)
		if (!is_string($p) || $p === '' || $p[0] !== '/')
			return ['result' => 'error', 'errno' => 0,
				'error_class' => 'BadRequest',
				'message' => 'spawn needs absolute stdin, stdout and stderr'];
	fflush(STDOUT);
	fflush(STDERR);
	$mid = pcntl_fork();
	if ($mid < 0)
		return ['result' => 'error', 'errno' => 0, 'error_class' => 'fork',
			'message' => 'fork: ' . pcntl_strerror(pcntl_get_last_error())];
	if ($mid === 0) {
		$pid = pcntl_fork();
		if ($pid !== 0)
			$libc->_exit($pid < 0 ? 2 : 0);
		become_copy($libc, $paths, $make);
	}
	pcntl_waitpid($mid, $status);
	return ['result' => 'ok'];
}

/* The protocol's loop: a session ($make() makes one), its greeting,
 * then a reply to each request line until EOF; a new session for every
 * case.  doctrine.php runs its sessions here too. */
function serve(callable $make): int
{
	$flags = JSON_INVALID_UTF8_SUBSTITUTE | JSON_UNESCAPED_SLASHES |
		 JSON_PRESERVE_ZERO_FRACTION;
	$s = $make();
	$hello = $s->greeting();
	if (in_array('cases', $hello['features'], true) && spawn_libc())
		$hello['features'][] = 'spawn';
	fwrite(STDOUT, json_encode($hello, $flags) . "\n");
	fflush(STDOUT);
	$was = process_state();
	while (($line = fgets(STDIN)) !== false) {
		if (trim($line) === '')
			continue;
		$req = json_decode($line, true);
		if (!is_array($req)) {
			logmsg('not a JSON request: ' . json_last_error_msg());
			return 2;
		}
		$step = $req['step'] ?? null;
		if ($step === 'begin-case' || $step === 'end-case' ||
		    ($step === 'spawn' && spawn_libc())) {
			$t0 = hrtime(true);
			$rep = $step === 'begin-case' ? begin_case($req) :
				($step === 'spawn' ? spawn(spawn_libc(), $req, $make) :
				 end_case($s, $make, $was));
			$rep['api'] = $step === 'spawn' ? 'pcntl_fork' : 'driver';
			$rep['elapsed_ms'] = round((hrtime(true) - $t0) / 1e6, 3);
		} else {
			$rep = $s->handle($req);
		}
		$rep['id'] = $req['id'] ?? null;
		$out = json_encode($rep, $flags);
		if ($out === false) {
			logmsg('cannot encode a reply: ' . json_last_error_msg());
			return 2;
		}
		fwrite(STDOUT, $out . "\n");
		fflush(STDOUT);
	}
	return 0;
}

function main(array $argv): int
{
	$mode = $argv[1] ?? '';
	if ($mode === 'mysqli')
		return serve(fn() => new MysqliSession());
	if ($mode === 'pdo')
		return serve(fn() => new PdoSession());
	logmsg('usage: php driver.php mysqli|pdo');
	return 2;
}

/* drivers/php/doctrine.php takes the sessions and helpers from here */
if (realpath($_SERVER['SCRIPT_FILENAME'] ?? '') === __FILE__)
	exit(main($argv));
