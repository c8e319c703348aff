<?php
/*
 * The doctrine driver (docs/driver-protocol.md, protocol 5 with the
 * features "pool" and "cases"): Doctrine DBAL 3.6's Connection over pdo_mysql
 * (mysqlnd), Debian's php-doctrine-dbal.
 *
 *     php drivers/php/doctrine.php
 *
 * DBAL has no pool: a Connection holds at most one connection, opened
 * when it is first used and dropped by close(), which DBAL calls itself
 * when a statement fails with ConnectionLost (error 2006: its MySQL
 * ExceptionConverter), so that the next statement opens a new one
 * (Connection::handleDriverException).  That is what a connection of a
 * pool (docs/scenario-format.md, "pool NAME ...") is here: connect makes
 * the Connection (DriverManager::getConnection, which opens nothing),
 * borrow takes its connection (getNativeConnection(): it opens one if it
 * holds none), return leaves it with DBAL (there is no pool to give it
 * back to), evict is close(), a query runs on it (executeQuery).  A plain
 * connection is the php-pdo driver's.
 *
 * Settings: size=1 is what DBAL holds; pre_ping (DBAL 3 removed
 * Connection::ping()), recycle, idle_timeout and validation are not
 * DBAL's: unsupported, and so is pre_ping=on (pre_ping=off is its way).
 *
 * Events, seen through a DBAL driver middleware (Driver\Middleware, its
 * own extension point) that passes every call on: a connection its
 * driver opens (opened; PDO keeps no connection id, so the middleware
 * asks the server once, SELECT CONNECTION_ID(), as the php-pdo driver's
 * connect does), and one DBAL lets go of (discarded: its object is
 * destroyed when DBAL's close() drops it).
 */

declare(strict_types=1);

require_once __DIR__ . '/driver.php';
require_once 'Doctrine/DBAL/autoload.php';

use Doctrine\DBAL\Configuration;
use Doctrine\DBAL\Connection;
use Doctrine\DBAL\Driver as DriverInterface;
use Doctrine\DBAL\Driver\Middleware;
use Doctrine\DBAL\Driver\Middleware\AbstractConnectionMiddleware;
use Doctrine\DBAL\Driver\Middleware\AbstractDriverMiddleware;
use Doctrine\DBAL\DriverManager;

const DBAL_VERSION = '3.6.1';   /* Debian's php-doctrine-dbal */

/* A connection DBAL's driver opened: dropped when DBAL lets it go. */
final class WatchedConnection extends AbstractConnectionMiddleware
{
	private DoctrineSession $s;
	private int $thread;

	public function __construct(DriverInterface\Connection $c,
				    DoctrineSession $s, int $thread)
	{
		parent::__construct($c);
		$this->s = $s;
		$this->thread = $thread;
	}

	public function __destruct()
	{
		$this->s->dropped($this->thread);
	}
}

final class WatchedDriver extends AbstractDriverMiddleware
{
	private DoctrineSession $s;

	public function __construct(DriverInterface $d, DoctrineSession $s)
	{
		parent::__construct($d);
		$this->s = $s;
	}

	public function connect(array $params)
	{
		$c = parent::connect($params);
		$thread = (int)$c->query('SELECT CONNECTION_ID()')->fetchOne();
		$this->s->opened($thread);
		return new WatchedConnection($c, $this->s, $thread);
	}
}

final class Watch implements Middleware
{
	private DoctrineSession $s;

	public function __construct(DoctrineSession $s) { $this->s = $s; }

	public function wrap(DriverInterface $d): DriverInterface
	{
		return new WatchedDriver($d, $this->s);
	}
}

final class DoctrineSession
{
	private ?Connection $conn = null;
	private bool $held = false;
	private int $thread = 0;        /* the connection DBAL holds, or the
					 * last one it held */
	private array $events = [];
	private string $api = '';
	private bool $closing = false;

	private const RUNS = 'the doctrine driver runs connect, query, borrow, '
		. 'return, evict and close on a pool\'s connection';
	private const STEPS = ['connect', 'query', 'ping', 'close', 'prepare',
		'execute', 'long-data', 'stream', 'fetch', 'fork', 'reset',
		'change-user', 'borrow', 'return', 'evict'];

	public function unsupported(): array
	{
		return [
			'ping' => 'Doctrine DBAL 3 has no ping (Connection::ping() '
				. 'was removed in 3.0)',
			'prepare' => self::RUNS . '; a prepared statement is the '
				. 'php-pdo driver\'s',
			'execute' => self::RUNS . '; a prepared statement is the '
				. 'php-pdo driver\'s',
			'long-data' => 'PDO_mysql has no mysql_stmt_send_long_data',
			'stream' => self::RUNS . '; a streamed result is the '
				. 'php-pdo driver\'s',
			'fetch' => self::RUNS . '; a streamed result is the '
				. 'php-pdo driver\'s',
			'fork' => self::RUNS . '; fork is the php-pdo driver\'s',
			'reset' => 'PDO has no COM_RESET_CONNECTION',
			'change-user' => 'PDO has no COM_CHANGE_USER',
		];
	}

	public function greeting(): array
	{
		return ['hello' => 'goneaway-driver', 'protocol' => 5,
			'features' => ['params', 'fetch-pace', 'driver-options',
				       'pool', 'local-infile', 'cases'],
			'driver' => 'doctrine', 'version' => DBAL_VERSION,
			'library' => 'Doctrine DBAL ' . DBAL_VERSION .
				' over PDO_mysql ' . phpversion('pdo_mysql') . ' (' .
				(new ReflectionExtension('mysqlnd'))->getVersion() .
				')',
			'runtime' => 'PHP ' . PHP_VERSION,
			'unsupported' => (object)$this->unsupported()];
	}

	public function opened(int $thread): void
	{
		$this->thread = $thread;
		$this->events[] = ['event' => 'opened', 'thread' => $thread];
	}

	public function dropped(int $thread): void
	{
		if ($this->closing)
			return;
		$e = ['event' => 'discarded', 'detail' => 'DBAL let its '
		      . 'connection go (Connection::close())'];
		if ($thread > 0)
			$e['thread'] = $thread;
		$this->events[] = $e;
	}

	/* pdo_mysql's parameters from the php-pdo driver's DSN. */
	private static function params(array $req): array
	{
		[$dsn, $attr] = PdoSession::connect_args($req);
		$p = ['driver' => 'pdo_mysql', 'user' => $req['user'] ?? '',
		      'password' => $req['password'] ?? '',
		      'driverOptions' => $attr];
		foreach (explode(';', substr($dsn, strlen('mysql:'))) as $kv) {
			[$k, $v] = explode('=', $kv, 2);
			$p[$k === 'unix_socket' ? 'unix_socket' : $k] =
				$k === 'port' ? (int)$v : $v;
		}
		return $p;
	}

	private function do_connect(array $req): array
	{
		$pool = $req['pool'] ?? null;
		if (!is_array($pool))
			throw new Unsupported('doctrine is Doctrine DBAL\'s '
				. 'Connection: a plain connection (no pool=) is the '
				. 'php-pdo driver\'s (--client php-pdo)');
		if (($pool['size'] ?? null) !== null && $pool['size'] !== 1)
			throw new Unsupported('a Doctrine DBAL Connection holds one '
				. 'connection: size=1 or none');
		if (($pool['pre_ping'] ?? null) === true)
			throw new Unsupported('Doctrine DBAL 3 checks no connection '
				. 'before it uses it (Connection::ping() was removed '
				. 'in 3.0)');
		if (($pool['recycle_ms'] ?? null) !== null)
			throw new Unsupported('Doctrine DBAL has no age limit of a '
				. 'connection');
		if (($pool['idle_timeout_ms'] ?? null) !== null)
			throw new Unsupported('Doctrine DBAL has no idle timeout');
		if (($pool['validation'] ?? null) !== null)
			throw new Unsupported('Doctrine DBAL runs no validation '
				. 'query');
		$this->shut();
		$config = new Configuration();
		$config->setMiddlewares([new Watch($this)]);
		$this->api = 'DriverManager::getConnection (pdo_mysql)';
		$this->conn = DriverManager::getConnection(self::params($req),
							   $config);
		$this->thread = 0;
		return [];
	}

	/* end-case (driver.php's serve()): DBAL lets its connection go
	 * (PDO's COM_QUIT); the session goes with its Connection. */
	public function end_case(): void
	{
		$this->shut();
	}

	private function shut(): void
	{
		$this->closing = true;
		if ($this->conn !== null)
			$this->conn->close();
		$this->conn = null;
		$this->held = false;
		$this->closing = false;
	}

	private function do_borrow(array $req): array
	{
		if ($this->held)
			throw new NotConnected('a connection is borrowed already: '
					       . 'return or evict it first');
		$this->api = 'Connection::getNativeConnection';
		$this->conn->getNativeConnection();
		$this->held = true;
		return [];
	}

	private function do_return(array $req): array
	{
		if (!$this->held)
			throw new NotConnected('no borrowed connection to return');
		$this->api = 'none: DBAL keeps its one connection';
		$this->held = false;
		return [];
	}

	private function do_evict(array $req): array
	{
		if (!$this->held)
			throw new NotConnected('no borrowed connection to evict');
		$this->api = 'Connection::close';
		$this->held = false;
		$this->conn->close();
		return [];
	}

	private function do_query(array $req): array
	{
		$this->api = 'Connection::executeQuery';
		$r = $this->conn->executeQuery($req['sql'] ?? '');
		$rep = [];
		if ($r->columnCount() > 0) {
			$v = $r->fetchOne();
			if ($v !== false)
				$rep['value'] = text($v);
		}
		$r->free();
		return $rep;
	}

	private function do_close(array $req): array
	{
		$this->api = 'Connection::close';
		$this->shut();
		return [];
	}

	private function error_fields(Throwable $e): ?array
	{
		if ($e instanceof \Doctrine\DBAL\Exception\DriverException) {
			$f = ['errno' => max(0, (int)$e->getCode()),
			      'message' => $e->getMessage(),
			      'error_class' => get_class($e)];
			$st = $e->getSQLState();
			if (is_string($st) && preg_match('/^[0-9A-Za-z]{5}$/', $st))
				$f['sqlstate'] = $st;
			return $f;
		}
		if ($e instanceof \Doctrine\DBAL\Exception)
			return ['errno' => 0, 'message' => $e->getMessage(),
				'error_class' => get_class($e)];
		return null;
	}

	public function handle(array $req): array
	{
		$step = $req['step'] ?? null;
		if (!in_array($step, self::STEPS, true))
			return ['result' => 'unsupported',
				'message' => 'unknown step ' . json_encode($step)];
		$uns = $this->unsupported();
		if (isset($uns[$step]))
			return ['result' => 'unsupported', 'message' => $uns[$step]];
		$this->api = $step;
		$before = $step === 'connect' ? 0 : $this->thread;
		$t0 = hrtime(true);
		try {
			if ($step !== 'connect' && $this->conn === null)
				throw new NotConnected('no connection: no successful '
						       . 'connect step before this one');
			$rep = $this->{'do_' . $step}($req);
			$rep['result'] = 'ok';
		} catch (Unsupported $e) {
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
		}
		/* a connection DBAL let go of is destroyed by now */
		gc_collect_cycles();
		$rep['api'] = $this->api;
		$rep['elapsed_ms'] = round((hrtime(true) - $t0) / 1e6, 3);
		$rep['thread_before'] = $before;
		$rep['thread_after'] = in_array($step, ['evict', 'close'], true) ?
			0 : $this->thread;
		$rep['pool_events'] = $this->events;
		$this->events = [];
		return $rep;
	}
}

exit(serve(fn() => new DoctrineSession()));
