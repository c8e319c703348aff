// Node.js driver for goneaway (docs/driver-protocol.md): mysql2, the
// MariaDB connector or mysqljs (npm's "mysql"), from npm.
//
//     node drivers/node/driver.mjs mysql2 [--connector-version X.Y.Z]
//     node drivers/node/driver.mjs mariadb [--connector-version X.Y.Z]
//     node drivers/node/driver.mjs mysql [--connector-version X.Y.Z]
//     node drivers/node/driver.mjs mysql-pool [--connector-version X.Y.Z]
//
// Needs Node.js >= 18 and `npm ci` in this directory (drivers/install-deps.sh).
// With --connector-version (goneaway run --client mysql2@X.Y.Z) the
// connector comes from versions/PKG@X.Y.Z/node_modules, which
// drivers/node/install-version.sh PKG X.Y.Z installs from npm.
//
// Protocol 5 with the feature "cases": one process serves case after
// case, each framed by begin-case and end-case (docs/driver-protocol.md,
// "Cases"); every case has a new session object, and end-case closes
// every socket and clears every timer the case made ("cases" below).

import { createHook } from 'node:async_hooks';
import dc from 'node:diagnostics_channel';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import {
  closeSync, constants as FS, createReadStream, existsSync, fstatSync, lstatSync, openSync,
  readFileSync, readlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';

const STEPS = ['connect', 'query', 'ping', 'close', 'prepare', 'execute',
  'long-data', 'stream', 'fetch', 'fork', 'reset', 'change-user',
  'borrow', 'return', 'evict'];

class Unsupported extends Error {}
class NotConnected extends Error {}

const truthy = (v) => v === true || v === 1 || v === 'on';
const text = (v) => {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return String(v);
};
const log = (m) => process.stderr.write(String(m).replace(/\n$/, '') + '\n');

// Where the connector PKG is loaded from: this directory's node_modules,
// or versions/PKG@VERSION/node_modules for --connector-version VERSION.
const HERE = fileURLToPath(new URL('.', import.meta.url));
const prefix = (pkg, ver) => (ver ? join(HERE, 'versions', `${pkg}@${ver}`) : HERE);
const pkgDir = (pkg, ver) => join(prefix(pkg, ver), 'node_modules', pkg);
const requireFrom = (pkg, ver) => createRequire(join(prefix(pkg, ver), 'package.json'));
const version = (pkg, ver) => JSON.parse(readFileSync(join(pkgDir(pkg, ver), 'package.json'))).version;

// A driver option's value (a string, as written) as the connector's
// configuration wants it: "true"/"false" a boolean, a number a Number,
// a JSON object or array parsed, anything else the string itself.
const optionValue = (v) => {
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (/^[[{]/.test(v)) { try { return JSON.parse(v); } catch (e) { /* text */ } }
  return v;
};

// The connection's driver options over cfg: a key the connection's own
// options set (taken) is refused, and so is one known() says the
// connector does not have: never ignored.
const applyDriverOptions = (cfg, opts, taken, known, what) => {
  for (const [k, v] of Object.entries(opts || {})) {
    if (taken.includes(k)) throw new Unsupported(`driver option ${k} is what the connection's own options set`);
    const why = known(k);
    if (why) throw new Unsupported(`${what} has no connection option ${k}: ${why}`);
    cfg[k] = optionValue(String(v));
  }
};

// LOAD DATA LOCAL: the server names the file it wants, whatever the
// statement said.  connect's "local_infile" is the directories the
// connection's LOAD DATA LOCAL may read beneath ([]: none); every
// connector's file request goes through openBeneath (mysql2's and the
// MariaDB connector's infileStreamFactory, mysqljs's file sender
// replaced), set last on every connection, so no driver option widens it.
const infileDirs = (o) => {
  const d = o.local_infile ?? [];
  if (!Array.isArray(d) || !d.every((x) => typeof x === 'string' && x.startsWith('/') && x.length > 1)) {
    throw new Unsupported(`local_infile is not a list of absolute directories: ${JSON.stringify(d)}`);
  }
  return d.map((x) => x.replace(/\/+$/, ''));
};

class LocalInfileRefused extends Error {
  constructor(m) { super(m); this.name = 'LocalInfileRefused'; this.code = 'LocalInfileRefused'; }
}

// The file name opened for reading when it is a regular file beneath one
// of dirs (a relative name beneath the first, the driver's working
// directory), reached without ".." and without a symlink on the way, and
// what the kernel opened (/proc/self/fd) is beneath it too; else
// LocalInfileRefused says why.  Node has no openat: the walk looks,
// the open does not follow a last symlink, and the check after the open
// is what holds.
const openBeneath = (dirs, name) => {
  const why = `LOAD DATA LOCAL INFILE refused: '${name}': `;
  if (!dirs.length) throw new LocalInfileRefused(`${why}the connection does not declare local_infile (goneaway reads no file for the server unless the scenario says so)`);
  if (!name || name.includes('\0')) throw new LocalInfileRefused(`${why}not a file name`);
  if (name.split('/').includes('..')) throw new LocalInfileRefused(`${why}'..' is not followed (only files beneath ${dirs[0]} are read)`);
  let base = dirs[0];
  let rel = name;
  if (name.startsWith('/')) {
    base = dirs.find((d) => name.startsWith(`${d}/`));
    if (!base) throw new LocalInfileRefused(`${why}outside ${dirs[0]}`);
    rel = name.slice(base.length + 1);
  }
  const comps = rel.split('/').filter((c) => c && c !== '.');
  if (!comps.length) throw new LocalInfileRefused(`${why}not a file beneath ${base}`);
  let path = base;
  let fd;
  try {
    for (const c of comps) {
      path = `${path}/${c}`;
      if (lstatSync(path).isSymbolicLink()) throw new LocalInfileRefused(`${why}a symlink on the way, not followed (only files beneath ${base} are read)`);
    }
    fd = openSync(path, FS.O_RDONLY | FS.O_NOFOLLOW | FS.O_NONBLOCK | FS.O_NOCTTY);
  } catch (e) {
    if (e instanceof LocalInfileRefused) throw e;
    throw new LocalInfileRefused(`${why}${e.code || e.message} (beneath ${base})`);
  }
  const real = readlinkSync(`/proc/self/fd/${fd}`);
  if (!real.startsWith(`${base}/`) || !fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new LocalInfileRefused(`${why}not a regular file beneath ${base}`);
  }
  return createReadStream(null, { fd, autoClose: true });
};

// openBeneath as an infileStreamFactory: a refusal is a stream that
// fails, which the connector reports as the statement's error (and it
// still ends the file request with an empty packet).
const boundedStreamFactory = (dirs) => (name) => {
  try {
    return openBeneath(dirs, name);
  } catch (e) {
    const r = new Readable({ read() {} });
    process.nextTick(() => r.destroy(e));
    return r;
  }
};

// A slow reader's pacing: after every batch rows, pause(), wait
// every_ms (the session's timer: later), resume().  Returns the
// function to call on each row.
const pacer = (req, pause, resume, later) => {
  const batch = Number(req.batch || 0);
  const every = Number(req.every_ms || 0);
  let n = 0;
  return () => {
    n++;
    if (every > 0 && batch > 0 && n % batch === 0) {
      pause();
      later(resume, every);
    }
  };
};

// An execute's values: the blob (bytes of x) first, then the params.
const executeParams = (req) => {
  const p = req.blob > 0 ? [Buffer.alloc(req.blob, 'x')] : [];
  return p.concat(Array.isArray(req.params) ? req.params : []);
};
// The leading X[.Y[.Z]] of a version ("3.24.6" of "3.24.6-beta"), as
// the greeting's "version" wants it, or undefined.
const versionNumber = (v) => (/^\d+(\.\d+){0,2}/.exec(String(v ?? '')) || [])[0];

// Every value as the server's text: what the C client's value is.
const RAW = (field, next) => {
  if (field.type === 'GEOMETRY') return next();
  return field.string();
};

// A MySQL error number (server's, or the connector's own), never Node's
// negative system errno (ECONNRESET is -104): that one is in error_class.
const mysqlErrno = (e) => (typeof e.errno === 'number' && e.errno > 0 ? e.errno : 0);

// A Node system error the connector passed on as it was (write ECONNRESET).
const systemError = (e) => ({ errno: 0, message: e.message, error_class: e.code });

// TCP keepalive (connect's "keepalive"): both connectors call the
// socket's setKeepAlive(true, idle), which sets TCP_KEEPIDLE; Node.js's
// libuv (1.46.0 in Node.js 20.20, seen with strace) sets TCP_KEEPINTVL to
// 1 s and TCP_KEEPCNT to 10 with it, and nothing sets them otherwise.  So
// a connection's keepalive is taken when it asks for those two; any
// other is unsupported.  Returns the idle time in ms, or undefined for
// none ({}).
const keepaliveIdleMs = (o, what) => {
  const ka = o.keepalive;
  if (!ka || !ka.count) return undefined;
  const [maj, min] = String(process.versions.uv).split('.').map(Number);
  if (maj < 1 || (maj === 1 && min < 46) || ka.interval !== 1 || ka.count !== 10) {
    throw new Unsupported(`${what} sets keepalive's idle time only: Node.js's libuv ${process.versions.uv} sets the interval to 1 s and the count to 10 with it, not ${ka.interval} s and ${ka.count}`);
  }
  return ka.idle * 1000;
};

// -------------------------------------------------------------- cases

// Every socket the process opens, until its 'close': each connector
// connects through net.connect (TCP and unix sockets; TLS goes over
// that socket), which publishes it on 'net.client.socket'.  end-case
// destroys those still open, whatever object of the connector's holds
// them (a pool's, a connector's own KILL connection, a closed one).
const openSockets = new Set();
dc.subscribe('net.client.socket', ({ socket }) => {
  openSockets.add(socket);
  socket.once('close', () => openSockets.delete(socket));
});

// Every timer made since the last end-case (the connector's own too:
// mysql2 leaves a query's inactivity timer running when the query
// fails on a dead socket), which end-case clears: seen as the event
// loop makes it (async_hooks' init of a 'Timeout'), as openSockets.
let caseTimers = new Set();
createHook({
  init(id, type, trigger, resource) { if (type === 'Timeout') caseTimers.add(resource); },
}).enable();

// One case's connection (docs/driver-protocol.md, "Cases"): a new
// session for every case, so that all its state (the connection, the
// closed one, statements, streams, options, a pool's events) goes with
// the old object.  What the session starts that the event loop keeps
// is its timers (later()) and the connector's objects: endCase() clears
// the one and quits the other (the connector's own close, COM_QUIT
// where the socket still takes it, never waited for: the sockets are
// destroyed after it).
class Session {
  constructor() {
    this.conn = null;
    this.closed = null; // after a close step (handle())
    this.timers = new Set();
  }

  later(fn, ms) {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, ms);
    this.timers.add(t);
  }

  endCase() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const x of new Set([this.conn, this.closed])) {
      if (!x) continue;
      try { this.quit(x); } catch (e) { /* goneaway may have cut it */ }
    }
    this.conn = null;
    this.closed = null;
  }
}

const COMMON_UNSUPPORTED = {
  'long-data': 'Node connectors have no separate mysql_stmt_send_long_data step',
  fork: 'Node.js cannot fork a process that keeps its open sockets',
};

// -------------------------------------------------------------- mysql2

class Mysql2 extends Session {
  // pkg: mysql2, or mysql for the Mysqljs class below, which shares
  // these calls
  constructor(ver, pkg = 'mysql2') {
    super();
    this.m = requireFrom(pkg, ver)(pkg);
    this.name = 'mysql2';
    this.library = `mysql2 ${version(pkg, ver)}`;
    this.version = versionNumber(version(pkg, ver));
    this.unsupported = { ...COMMON_UNSUPPORTED };
    this.queryTimeout = 0;
    this.endTakesCallback = true; // end(cb), not a promise
  }

  // end-case: COM_QUIT queued (behind a streamed query, which the
  // sockets' end ends), its error ignored
  quit(c) { c.end(() => {}); }

  tid() { return this.conn?.threadId ?? 0; }

  // mysql2: code is the symbolic name (ER_NO_SUCH_TABLE,
  // PROTOCOL_CONNECTION_LOST), errno only for server and some client errors
  errorFields(e) {
    if (!e || (e.code === undefined && e.errno === undefined && e.fatal === undefined)) return null;
    const f = {
      errno: mysqlErrno(e),
      message: e.sqlMessage || e.message || String(e),
      error_class: e.code || e.name || 'Error',
    };
    if (e.sqlState) f.sqlstate = e.sqlState;
    if (f.errno && e.code) f.error_name = e.code;
    return f;
  }

  async connect(req, o, s) {
    if (truthy(o.reconnect)) throw new Unsupported('mysql2 has no automatic reconnect (only pools replace connections)');
    if (o.write_timeout) throw new Unsupported('mysql2 has no write timeout');
    if (o.max_allowed_packet) throw new Unsupported("mysql2 has no option for the client's max_allowed_packet");
    const keepIdle = keepaliveIdleMs(o, "mysql2's enableKeepAlive and keepAliveInitialDelay");
    const cfg = {
      user: req.user, password: req.password ?? '', database: req.database || undefined,
      typeCast: RAW, multipleStatements: false,
    };
    if (o.transport === 'socket') cfg.socketPath = req.socket;
    else { cfg.host = req.host; cfg.port = Number(req.port || 3306); }
    if (o.connect_timeout) cfg.connectTimeout = Number(o.connect_timeout) * 1000;
    if (truthy(o.interactive)) cfg.flags = ['INTERACTIVE'];
    if (keepIdle !== undefined) {
      cfg.enableKeepAlive = true;
      cfg.keepAliveInitialDelay = keepIdle;
    }
    const tls = o.tls ?? 'off';
    if (tls === 'required') cfg.ssl = { rejectUnauthorized: false };
    else if (tls !== 'off') throw new Unsupported(`tls=${tls}`);
    // tls=off: mysql2 uses TLS only when given an ssl option
    applyDriverOptions(cfg, o.driver_options,
      ['user', 'password', 'database', 'host', 'port', 'socketPath', 'connectTimeout', 'ssl', 'typeCast', 'rowsAsArray', 'infileStreamFactory'],
      (k) => this.unknownOption(k), this.library);
    // last: every file request through openBeneath, within the
    // connection's directories (none: every request refused); each
    // query carries it too (q()), for a mysql2 whose configuration has
    // no infileStreamFactory
    this.infileFactory = boundedStreamFactory(infileDirs(o));
    cfg.infileStreamFactory = this.infileFactory;
    // read_timeout: mysql2's per-query inactivity timeout, the nearest it has
    this.queryTimeout = o.read_timeout ? Number(o.read_timeout) * 1000 : 0;
    s.api = 'mysql2.createConnection';
    const conn = this.m.createConnection(cfg);
    this.watch(conn, 'mysql2');
    await new Promise((resolve, reject) => conn.connect((e) => (e ? reject(e) : resolve())));
    this.conn = conn;
    this.stmt = null;
    this.streamed = null;
  }

  // The connection's 'error' event: a streamed query has no callback,
  // and mysql2 reports the loss of its connection on the connection,
  // where the query never ends.
  watch(conn, what) {
    conn.on('error', (e) => {
      log(`${what} connection error event: ${e.code} ${e.message}`);
      const st = this.openStream;
      if (st && !st.done) {
        st.error = e;
        st.done = true;
        st.api = "connection 'error' event (streamed rows)";
        if (st.first) { st.first = false; this.openStream = null; st.reject(e); } else if (st.waiter) st.waiter();
      }
    });
  }

  // Why mysql2 would ignore option k ("Ignoring invalid configuration
  // option ..." from its own ConnectionConfig, which only warns), or
  // null: it takes it.
  unknownOption(k) {
    const CC = this.m.ConnectionConfig;
    if (!CC || !String(CC).includes('Ignoring invalid configuration option')) return 'this mysql2 cannot tell an option it does not know, so none is passed';
    const said = [];
    const orig = console.error;
    console.error = (...a) => said.push(a.join(' '));
    try { new CC({ host: 'localhost', [k]: true }); } catch (e) { /* a value it refuses: the connect says */ } finally { console.error = orig; }
    const w = said.find((x) => x.includes('Ignoring invalid configuration option'));
    return w ? `it says "${w.replace(/\. This is currently.*$/, '')}"` : null;
  }

  q(sql) { // eslint-disable-line no-unused-vars
    const opts = { sql, rowsAsArray: true, infileStreamFactory: this.infileFactory };
    if (this.queryTimeout) opts.timeout = this.queryTimeout;
    return opts;
  }

  query(req, s) {
    s.api = 'connection.query';
    return new Promise((resolve, reject) => {
      this.conn.query(this.q(req.sql ?? ''), (e, rows) => {
        if (e) return reject(e);
        if (Array.isArray(rows) && rows.length) resolve({ value: text(rows[0][0]) });
        else resolve({});
      });
    });
  }

  ping(req, s) {
    s.api = 'connection.ping';
    return new Promise((resolve, reject) => this.conn.ping((e) => (e ? reject(e) : resolve({}))));
  }

  close(req, s) {
    s.api = 'connection.end';
    const c = this.conn;
    this.conn = null;
    return new Promise((resolve, reject) => c.end((e) => (e ? reject(e) : resolve({}))));
  }

  reset(req, s) {
    s.api = 'connection.reset';
    return new Promise((resolve, reject) => this.conn.reset((e) => (e ? reject(e) : resolve({}))));
  }

  'change-user'(req, s) {
    s.api = 'connection.changeUser';
    const opts = { user: req.user, password: req.password ?? '', database: req.database || undefined };
    return new Promise((resolve, reject) => this.conn.changeUser(opts, (e) => (e ? reject(e) : resolve({}))));
  }

  // The first row arrives, then the socket is paused: the rest stays on
  // the wire until fetch resumes it.
  stream(req, s) {
    s.api = 'connection.query (streamed rows, connection.pause)';
    return new Promise((resolve, reject) => {
      const st = { rows: 0, done: false, error: null, waiter: null, first: true };
      this.streamed = st;
      st.reject = reject;
      this.openStream = st;
      const q = this.conn.query(this.q(req.sql ?? '', st));
      q.on('error', (e) => {
        st.error = e;
        st.done = true;
        if (st.first) { st.first = false; reject(e); } else if (st.waiter) st.waiter();
      });
      q.on('result', (row) => {
        if (st.first) {
          st.first = false;
          this.conn.pause();
          resolve({ value: this.firstValue(row, st) });
        } else {
          st.rows++;
          if (st.onRow) st.onRow();
        }
      });
      q.on('end', () => {
        st.done = true;
        if (st.first) { st.first = false; resolve({}); } else if (st.waiter) st.waiter();
      });
    });
  }

  fetch(req, s) {
    const st = this.streamed;
    if (!st) throw new NotConnected('no stream step before fetch');
    this.streamed = null;
    s.api = 'connection.resume (streamed rows)';
    if (req.every_ms > 0) s.api = `connection.pause/resume every ${req.batch} rows, ${req.every_ms} ms (streamed rows)`;
    const conn = this.conn;
    st.onRow = pacer(req, () => conn.pause(), () => { if (!st.done) conn.resume(); }, (f, ms) => this.later(f, ms));
    return new Promise((resolve, reject) => {
      const finish = () => {
        this.openStream = null;
        if (st.api) s.api = st.api;
        s.rows = st.rows; // a failure reports how far it got
        return st.error ? reject(st.error) : resolve({ value: String(st.rows) });
      };
      if (st.done) return finish();
      st.waiter = finish;
      conn.resume();
    });
  }

  prepare(req, s) {
    s.api = 'connection.prepare';
    if (this.stmt) { this.stmt.close(); this.stmt = null; }
    return new Promise((resolve, reject) => this.conn.prepare(req.sql ?? '', (e, st) => {
      if (e) return reject(e);
      this.stmt = st;
      resolve({});
    }));
  }

  execute(req, s) {
    if (!this.stmt) throw new NotConnected('no prepare step before execute');
    s.api = 'statement.execute';
    const params = executeParams(req);
    return new Promise((resolve, reject) => this.stmt.execute(params, (e) => (e ? reject(e) : resolve({}))));
  }

  queryValue(sql) { return this.query({ sql }, {}).then((r) => r.value); }

  // a streamed row's first column (rowsAsArray)
  firstValue(row) { return text(Array.isArray(row) ? row[0] : undefined); }
}

// -------------------------------------------------------------- mysqljs

// mysqljs (npm's "mysql"), the connector mysql2 took its API from: the
// same callbacks and events, so it shares mysql2's ping, close,
// changeUser and paused stream, but it has no prepared statements and
// no COM_RESET_CONNECTION, and its rows are objects keyed by column name
// (a repeated name keeps the last value): the value of a query is the
// first one its typeCast is asked for, the first column of the first row.
class Mysqljs extends Mysql2 {
  constructor(ver) {
    super(ver, 'mysql');
    this.name = 'mysqljs'; // [client=mysql] would read as the server
    this.library = `mysqljs ${version('mysql', ver)}`;
    this.ConnectionConfig = requireFrom('mysql', ver)('mysql/lib/ConnectionConfig');
    this.flagNames = requireFrom('mysql', ver)('mysql/lib/protocol/constants/client');
    this.Query = requireFrom('mysql', ver)('mysql/lib/protocol/sequences/Query');
    this.Packets = requireFrom('mysql', ver)('mysql/lib/protocol/packets');
    this.known = Mysqljs.knownOptions(this.ConnectionConfig);
    this.installInfile();
    this.unsupported = {
      ...COMMON_UNSUPPORTED,
      prepare: 'mysqljs has no prepared statements (it escapes values into the SQL text)',
      execute: 'mysqljs has no prepared statements (it escapes values into the SQL text)',
      reset: 'mysqljs has no COM_RESET_CONNECTION',
    };
  }

  // The options mysqljs reads: its ConnectionConfig constructor, run
  // once on a Proxy that records every name it asks for (it ignores the
  // others silently, so the driver must know them).
  static knownOptions(CC) {
    const seen = new Set();
    try {
      // eslint-disable-next-line no-new
      new CC(new Proxy({}, { get: (t, k) => { if (typeof k === 'string') seen.add(k); return undefined; } }));
    } catch (e) { /* it read what it reads before the throw */ }
    return seen;
  }

  unknownOption(k) {
    // debug prints every packet on standard output, the protocol's
    // channel; queryFormat and pool are functions and objects of the
    // application's, not text
    if (['debug', 'queryFormat', 'pool'].includes(k)) return 'the driver cannot pass it (it is not a value, or it writes on the protocol\'s standard output)';
    return this.known.has(k) ? null : `its ConnectionConfig never reads "${k}"`;
  }

  // A flag list as mysqljs reads it ("INTERACTIVE,-FOUND_ROWS"): every
  // name must be one of its CLIENT_ constants (it ignores the others),
  // and not LOCAL_FILES, the connection's local_infile.
  checkFlags(v) {
    for (const f of String(v).split(/\s*,+\s*/)) {
      const n = f.replace(/^[-+]/, '').toUpperCase();
      if (n && this.flagNames[`CLIENT_${n}`] === undefined) throw new Unsupported(`mysqljs has no client flag ${n} (flags=${v})`);
      if (n === 'LOCAL_FILES') throw new Unsupported(`flags=${v}: LOCAL_FILES is what the connection's own local_infile sets`);
    }
  }

  // mysqljs's file sender, which opens whatever the server names,
  // replaced by one through openBeneath (sendBounded), before the
  // greeting; the directories it reads beneath are the process's
  // (Mysqljs.infile): none until a connect says (boundInfile), and none
  // again for every new session, the next case's.
  installInfile() {
    Mysqljs.infile = [];
    if (this.Query.prototype._sendLocalDataFile === Mysqljs.sendBounded) return;
    this.Query.prototype._sendLocalDataFile = Mysqljs.sendBounded;
    Mysqljs.EmptyPacket = this.Packets.EmptyPacket;
    Mysqljs.DataPacket = this.Packets.LocalDataFilePacket;
  }

  // Last: mysqljs's LOCAL_FILES flag as the connection says (its
  // localInfile), and sendBounded's directories: every connection of
  // the process (a pool's too) reads only beneath the last connect's.
  boundInfile(cfg, o) {
    const dirs = infileDirs(o);
    cfg.localInfile = dirs.length > 0;
    Mysqljs.infile = dirs;
  }

  // mysqljs's Query#_sendLocalDataFile, the stream opened by
  // openBeneath: a refusal is the query's error (_loadError) and the
  // file request is ended with an empty packet, as mysqljs does for a
  // file it cannot read.
  static sendBounded(path) {
    let stream;
    try {
      stream = openBeneath(Mysqljs.infile, path);
    } catch (e) {
      this._loadError = e;
      this.emit('packet', new Mysqljs.EmptyPacket());
      return;
    }
    this.on('pause', () => stream.pause());
    this.on('resume', () => stream.resume());
    stream.on('data', (data) => this.emit('packet', new Mysqljs.DataPacket(data)));
    stream.on('error', (err) => { this._loadError = err; stream.emit('end'); });
    stream.on('end', () => this.emit('packet', new Mysqljs.EmptyPacket()));
  }

  async connect(req, o, s) {
    if (truthy(o.reconnect)) throw new Unsupported('mysqljs has no automatic reconnect (only pools replace connections)');
    if (o.write_timeout) throw new Unsupported('mysqljs has no write timeout');
    if (o.max_allowed_packet) throw new Unsupported("mysqljs has no option for the client's max_allowed_packet");
    if (o.keepalive && o.keepalive.count) throw new Unsupported('mysqljs has no keepalive option (its socket keeps the kernel\'s default: none)');
    const cfg = {
      user: req.user, password: req.password ?? '', database: req.database || undefined,
    };
    if (o.transport === 'socket') cfg.socketPath = req.socket;
    else { cfg.host = req.host; cfg.port = Number(req.port || 3306); }
    if (o.connect_timeout) cfg.connectTimeout = Number(o.connect_timeout) * 1000;
    const tls = o.tls ?? 'off';
    if (tls === 'required') cfg.ssl = { rejectUnauthorized: false };
    else if (tls !== 'off') throw new Unsupported(`tls=${tls}`);
    // tls=off: mysqljs uses TLS only when given an ssl option
    applyDriverOptions(cfg, o.driver_options,
      ['user', 'password', 'database', 'host', 'port', 'socketPath', 'connectTimeout', 'ssl', 'typeCast', 'localInfile'],
      (k) => this.unknownOption(k), this.library);
    if (cfg.flags !== undefined) this.checkFlags(cfg.flags);
    if (truthy(o.interactive)) cfg.flags = cfg.flags ? `${cfg.flags},INTERACTIVE` : 'INTERACTIVE';
    this.boundInfile(cfg, o);
    // read_timeout: mysqljs's per-query inactivity timeout, the nearest it has
    this.queryTimeout = o.read_timeout ? Number(o.read_timeout) * 1000 : 0;
    s.api = 'mysql.createConnection';
    let conn;
    try {
      conn = this.m.createConnection(cfg);
    } catch (e) {
      // a value mysqljs refuses (charset: "Unknown charset") throws here
      throw new Unsupported(`mysqljs refuses the configuration: ${e.message}`);
    }
    this.watch(conn, 'mysqljs');
    s.api = 'connection.connect';
    await new Promise((resolve, reject) => conn.connect((e) => (e ? reject(e) : resolve())));
    this.conn = conn;
    this.streamed = null;
  }

  // A query's options: the timeout, and a typeCast that hands every
  // value over as the server's text and keeps the first one (rows are
  // objects: a column name given twice would hide it).
  q(sql, st) {
    const opts = {
      sql,
      typeCast: (field) => {
        const v = field.string();
        if (st && !st.hasV0) { st.hasV0 = true; st.v0 = v; }
        return v;
      },
    };
    if (this.queryTimeout) opts.timeout = this.queryTimeout;
    return opts;
  }

  query(req, s) {
    s.api = 'connection.query';
    const st = { hasV0: false };
    return new Promise((resolve, reject) => {
      this.conn.query(this.q(req.sql ?? '', st), (e) => {
        if (e) return reject(e);
        resolve(st.hasV0 ? { value: text(st.v0) } : {});
      });
    });
  }

  firstValue(row, st) { return text(st.v0); }
}

// ------------------------------------------------------- mysqljs's pool

// mysqljs's own pool (mysql.createPool), for a connection of a pool
// (docs/scenario-format.md, "pool NAME ..."): connect makes it (it opens
// nothing), borrow is pool.getConnection, return connection.release(),
// evict connection.destroy(), a query with nothing borrowed
// pool.query(), close pool.end().  A plain connection is the mysqljs
// driver's.  size is connectionLimit; the pool pings every free
// connection it lends (Pool#acquireConnection), always: pre_ping=off is
// unsupported, and so are recycle, idle_timeout and a validation query,
// which mysqljs 2.18 does not have.  What it did is seen where it says
// it: its 'connection' event (opened), the ping it sends before lending
// a free connection (revalidated when it answered), its
// _purgeConnection (discarded: after a failed ping, an 'end' or a fatal
// 'error' of a connection it holds) and a pooled connection's 'error'
// event (error: PROTOCOL_CONNECTION_LOST when the server closes an idle
// one), each passed on unchanged.
const POOL_RUNS = 'the mysqljs-pool driver runs connect, query, ping, borrow, return, evict and close on a pool\'s connection';

class MysqljsPool extends Mysqljs {
  constructor(ver) {
    super(ver);
    this.name = 'mysqljs-pool';
    this.library = `mysqljs ${version('mysql', ver)} (its Pool)`;
    this.pooled = true;
    this.held = null;
    this.heldThread = 0;
    this.events = [];
    this.unsupported = {
      ...this.unsupported,
      stream: `${POOL_RUNS}; a streamed result is the mysqljs driver's`,
      fetch: `${POOL_RUNS}; a streamed result is the mysqljs driver's`,
      'change-user': `${POOL_RUNS}; changeUser is the mysqljs driver's`,
    };
  }

  add(event, conn, detail) {
    const e = { event };
    if (conn && conn.threadId) e.thread = conn.threadId;
    if (detail) e.detail = String(detail).slice(0, 200);
    this.events.push(e);
  }

  poolEvents() { const e = this.events; this.events = []; return e; }

  tid() { return this.heldThread; }

  async connect(req, o, s) {
    const p = req.pool;
    if (!p) throw new Unsupported('mysqljs-pool is mysqljs\'s Pool: a plain connection (no pool=) is the mysqljs driver\'s (--client mysqljs)');
    if (p.pre_ping === false) throw new Unsupported('mysqljs 2.18\'s pool pings every free connection it lends (Pool#acquireConnection): it cannot lend one unchecked');
    if (p.recycle_ms !== null && p.recycle_ms !== undefined) throw new Unsupported('mysqljs 2.18\'s pool has no age limit (no maxLifetime)');
    if (p.idle_timeout_ms !== null && p.idle_timeout_ms !== undefined) throw new Unsupported('mysqljs 2.18\'s pool has no idle timeout');
    if (p.validation !== null && p.validation !== undefined) throw new Unsupported('mysqljs 2.18\'s pool checks with COM_PING, no query of one\'s own');
    if (truthy(o.reconnect)) throw new Unsupported('mysqljs has no automatic reconnect (only pools replace connections)');
    if (o.write_timeout) throw new Unsupported('mysqljs has no write timeout');
    if (o.max_allowed_packet) throw new Unsupported("mysqljs has no option for the client's max_allowed_packet");
    const cfg = { user: req.user, password: req.password ?? '', database: req.database || undefined };
    if (o.transport === 'socket') cfg.socketPath = req.socket;
    else { cfg.host = req.host; cfg.port = Number(req.port || 3306); }
    if (o.connect_timeout) cfg.connectTimeout = Number(o.connect_timeout) * 1000;
    const tls = o.tls ?? 'off';
    if (tls === 'required') cfg.ssl = { rejectUnauthorized: false };
    else if (tls !== 'off') throw new Unsupported(`tls=${tls}`);
    applyDriverOptions(cfg, o.driver_options,
      ['user', 'password', 'database', 'host', 'port', 'socketPath', 'connectTimeout', 'ssl', 'typeCast', 'connectionLimit', 'localInfile'],
      (k) => this.unknownOption(k), this.library);
    if (cfg.flags !== undefined) this.checkFlags(cfg.flags);
    if (truthy(o.interactive)) cfg.flags = cfg.flags ? `${cfg.flags},INTERACTIVE` : 'INTERACTIVE';
    this.boundInfile(cfg, o);
    this.queryTimeout = o.read_timeout ? Number(o.read_timeout) * 1000 : 0;
    s.api = 'mysql.createPool';
    if (p.size !== null && p.size !== undefined) {
      cfg.connectionLimit = Number(p.size);
      s.api += ' (connectionLimit)';
    }
    let pool;
    try {
      pool = this.m.createPool(cfg);
    } catch (e) {
      throw new Unsupported(`mysqljs refuses the configuration: ${e.message}`);
    }
    pool.on('connection', (c) => {
      this.add('opened', c);
      c.on('error', (e) => {
        log(`mysqljs pooled connection error event: ${e.code} ${e.message}`);
        this.add('error', c, `'error' event: ${e.code}`);
        c.goneawayError = e.code;
      });
    });
    pool.on('acquire', (c) => { this.acquired = c; });
    // the ping before a free connection is lent, passed on
    const acquire = pool.acquireConnection;
    pool.acquireConnection = (conn, cb) => {
      const ping = conn.ping;
      conn.ping = (opts, done) => ping.call(conn, opts, (e) => {
        conn.ping = ping;
        if (!e) this.add('revalidated', conn, 'COM_PING before lending it');
        else this.pingError = e;
        done(e);
      });
      return acquire.call(pool, conn, cb);
    };
    const purge = pool._purgeConnection;
    pool._purgeConnection = (conn, ...rest) => {
      const why = this.pingError ? `its ping failed: ${this.pingError.code}`
        : conn.goneawayError ? `after its 'error' event (${conn.goneawayError})`
          : conn === this.evicting ? 'destroy()' : 'its connection ended';
      this.pingError = null;
      this.add('discarded', conn, why);
      return purge.call(pool, conn, ...rest);
    };
    this.conn = pool;
    this.held = null;
    this.heldThread = 0;
  }

  borrow(req, s) {
    if (this.held) throw new NotConnected('a connection is borrowed already: return or evict it first');
    s.api = 'pool.getConnection';
    return new Promise((resolve, reject) => this.conn.getConnection((e, c) => {
      if (e) return reject(e);
      this.held = c;
      this.heldThread = c.threadId || 0;
      resolve({});
    }));
  }

  return(req, s) {
    if (!this.held) throw new NotConnected('no borrowed connection to return');
    s.api = 'connection.release';
    const c = this.held;
    this.held = null;
    c.release();
    return {};
  }

  evict(req, s) {
    if (!this.held) throw new NotConnected('no borrowed connection to evict');
    s.api = 'connection.destroy';
    const c = this.held;
    this.held = null;
    this.heldThread = 0;
    this.evicting = c;
    c.destroy();
    this.evicting = null;
    return {};
  }

  query(req, s) {
    const st = { hasV0: false };
    if (this.held) {
      s.api = 'connection.query';
      return new Promise((resolve, reject) => this.held.query(this.q(req.sql ?? '', st), (e) => {
        if (e) return reject(e);
        resolve(st.hasV0 ? { value: text(st.v0) } : {});
      }));
    }
    s.api = 'pool.query';
    this.acquired = null;
    return new Promise((resolve, reject) => this.conn.query(this.q(req.sql ?? '', st), (e) => {
      if (this.acquired && this.acquired.threadId) this.heldThread = this.acquired.threadId;
      if (e) return reject(e);
      resolve(st.hasV0 ? { value: text(st.v0) } : {});
    }));
  }

  ping(req, s) {
    if (!this.held) throw new Unsupported('mysqljs\'s pool has no ping of its own (it pings what it lends): borrow, then ping');
    s.api = 'connection.ping';
    return new Promise((resolve, reject) => this.held.ping((e) => (e ? reject(e) : resolve({}))));
  }

  close(req, s) {
    s.api = 'pool.end';
    const p = this.conn;
    this.conn = null;
    this.held = null;
    this.heldThread = 0;
    return new Promise((resolve, reject) => p.end((e) => (e ? reject(e) : resolve({}))));
  }
}

// -------------------------------------------------------------- mariadb

class MariaDB extends Session {
  async init(ver) {
    this.m = await import(pathToFileURL(requireFrom('mariadb', ver).resolve('mariadb')).href);
    this.name = 'mariadb-node'; // as in drivers.list: [client=mariadb] would read as the server
    this.library = `mariadb (Node.js) ${version('mariadb', ver)}`;
    this.version = versionNumber(version('mariadb', ver));
    // read once (a new session for every case asks again)
    MariaDB.knownCache ??= await MariaDB.knownOptions(pkgDir('mariadb', ver));
    this.known = MariaDB.knownCache;
    this.unsupported = { ...COMMON_UNSUPPORTED };
  }

  // end-case: end() (COM_QUIT queued, its error ignored), never
  // destroy(), which opens a connection of its own to KILL a command
  // still running
  quit(c) { c.end().catch(() => {}); }

  tid() { return this.conn?.threadId ?? 0; }

  // The options the connector reads: its ConnectionOptions constructor,
  // run once on a Proxy that records every name it asks for (it ignores
  // the others silently, so the driver must know them).  null when this
  // version has no such file.
  static async knownOptions(dir) {
    const file = join(dir, 'lib', 'config', 'connection-options.js');
    if (!existsSync(file)) return null;
    const CO = (await import(pathToFileURL(file).href)).default;
    const seen = new Set();
    try {
      // eslint-disable-next-line no-new
      new CO(new Proxy({}, { get: (t, k) => { if (typeof k === 'string') seen.add(k); return undefined; } }));
    } catch (e) { /* it read what it reads before the throw */ }
    return seen;
  }

  // SqlError: errno is the server's, or the connector's own 45xxx
  errorFields(e) {
    if (e && e.name !== 'SqlError' && typeof e.code === 'string') return systemError(e);
    if (!e || e.name !== 'SqlError') return null;
    const f = {
      errno: mysqlErrno(e),
      message: e.sqlMessage || e.message,
      error_class: e.code || 'SqlError',
    };
    if (e.sqlState) f.sqlstate = e.sqlState;
    if (e.code) f.error_name = e.code;
    return f;
  }

  async connect(req, o, s) {
    if (truthy(o.reconnect)) throw new Unsupported('the MariaDB Node.js connector has no automatic reconnect');
    if (o.write_timeout) throw new Unsupported('the MariaDB Node.js connector has no write timeout');
    if (truthy(o.interactive)) throw new Unsupported('the MariaDB Node.js connector cannot set CLIENT_INTERACTIVE');
    const cfg = {
      user: req.user, password: req.password ?? '', database: req.database || undefined,
      rowsAsArray: true, typeCast: RAW, bigIntAsNumber: false,
    };
    if (o.transport === 'socket') cfg.socketPath = req.socket;
    else { cfg.host = req.host; cfg.port = Number(req.port || 3306); }
    if (o.connect_timeout) cfg.connectTimeout = Number(o.connect_timeout) * 1000;
    // read_timeout: socketTimeout, the socket's inactivity timeout
    if (o.read_timeout) cfg.socketTimeout = Number(o.read_timeout) * 1000;
    if (o.max_allowed_packet) cfg.maxAllowedPacket = Number(o.max_allowed_packet);
    const keepIdle = keepaliveIdleMs(o, "the MariaDB connector's keepAliveDelay");
    if (keepIdle !== undefined) cfg.keepAliveDelay = keepIdle;
    const tls = o.tls ?? 'off';
    if (tls === 'required') cfg.ssl = { rejectUnauthorized: false };
    else if (tls === 'off') cfg.ssl = false;
    else throw new Unsupported(`tls=${tls}`);
    // MySQL 8+'s caching_sha2_password over plain TCP sends the password
    // RSA-encrypted with the server's key when its cache is cold (after
    // every start): fetch the key, as libmysqlclient's
    // MYSQL_OPT_GET_SERVER_PUBLIC_KEY does (the lab is private)
    cfg.allowPublicKeyRetrieval = true;
    applyDriverOptions(cfg, o.driver_options,
      ['user', 'password', 'database', 'host', 'port', 'socketPath', 'connectTimeout', 'socketTimeout', 'maxAllowedPacket', 'ssl', 'typeCast', 'rowsAsArray', 'permitLocalInfile', 'infileStreamFactory'],
      (k) => (!this.known ? 'this version\'s options cannot be listed, so none is passed'
        : this.known.has(k) ? null : `its ConnectionOptions never read "${k}"`),
      this.library);
    // last: LOAD DATA LOCAL as the connection says, every file request
    // through openBeneath (the connector also checks the name against
    // the statement's)
    const dirs = infileDirs(o);
    cfg.permitLocalInfile = dirs.length > 0;
    cfg.infileStreamFactory = boundedStreamFactory(dirs);
    if (dirs.length && this.known && !this.known.has('infileStreamFactory')) {
      throw new Unsupported(`${this.library} has no infileStreamFactory: it would read any file a statement names`);
    }
    s.api = 'mariadb.createConnection';
    this.conn = await this.m.createConnection(cfg);
    this.conn.on('error', (e) => log(`mariadb connection error event: ${e.code} ${e.message}`));
    this.stmt = null;
    this.streamed = null;
  }

  async query(req, s) {
    s.api = 'connection.query';
    const rows = await this.conn.query(req.sql ?? '');
    if (Array.isArray(rows) && rows.length) return { value: text(rows[0][0]) };
    return {};
  }

  async ping(req, s) {
    s.api = 'connection.ping';
    await this.conn.ping();
    return {};
  }

  async close(req, s) {
    s.api = 'connection.end';
    const c = this.conn;
    this.conn = null;
    await c.end();
    return {};
  }

  async reset(req, s) {
    s.api = 'connection.reset';
    await this.conn.reset();
    return {};
  }

  async 'change-user'(req, s) {
    s.api = 'connection.changeUser';
    await this.conn.changeUser({ user: req.user, password: req.password ?? '', database: req.database || undefined });
    return {};
  }

  stream(req, s) {
    s.api = 'connection.queryStream';
    return new Promise((resolve, reject) => {
      const st = { rows: 0, done: false, error: null, waiter: null, first: true };
      this.streamed = st;
      const q = this.conn.queryStream(req.sql ?? '');
      st.q = q;
      q.on('error', (e) => {
        st.error = e;
        st.done = true;
        if (st.first) { st.first = false; reject(e); } else if (st.waiter) st.waiter();
      });
      q.on('data', (row) => {
        if (st.first) {
          st.first = false;
          q.pause();
          resolve({ value: text(Array.isArray(row) ? row[0] : undefined) });
        } else {
          st.rows++;
          if (st.onRow) st.onRow();
        }
      });
      q.on('end', () => {
        st.done = true;
        if (st.first) { st.first = false; resolve({}); } else if (st.waiter) st.waiter();
      });
    });
  }

  fetch(req, s) {
    const st = this.streamed;
    if (!st) throw new NotConnected('no stream step before fetch');
    this.streamed = null;
    s.api = 'queryStream resume';
    if (req.every_ms > 0) s.api = `queryStream pause/resume every ${req.batch} rows, ${req.every_ms} ms`;
    st.onRow = pacer(req, () => st.q.pause(), () => { if (!st.done) st.q.resume(); }, (f, ms) => this.later(f, ms));
    return new Promise((resolve, reject) => {
      const finish = () => {
        s.rows = st.rows; // a failure reports how far it got
        return st.error ? reject(st.error) : resolve({ value: String(st.rows) });
      };
      if (st.done) return finish();
      st.waiter = finish;
      st.q.resume();
    });
  }

  async prepare(req, s) {
    s.api = 'connection.prepare';
    if (this.stmt) { this.stmt.close(); this.stmt = null; }
    this.stmt = await this.conn.prepare(req.sql ?? '');
    return {};
  }

  async execute(req, s) {
    if (!this.stmt) throw new NotConnected('no prepare step before execute');
    s.api = 'statement.execute';
    await this.stmt.execute(executeParams(req));
    return {};
  }
}

// -------------------------------------------------------------- the loop

async function handle(c, req) {
  const step = req.step;
  if (!STEPS.includes(step)) return { result: 'unsupported', message: `unknown step ${JSON.stringify(step)}` };
  if (c.unsupported[step]) return { result: 'unsupported', message: c.unsupported[step] };
  const s = { api: step };
  // After a close step, a step on the connector's closed connection
  // object: a use after close, which the connector defines.
  const afterClose = step !== 'connect' && !c.conn && c.closed;
  if (afterClose) c.conn = c.closed;
  const before = step === 'connect' || afterClose ? 0 : c.tid();
  const t0 = process.hrtime.bigint();
  const open = c.conn;
  let rep;
  try {
    if (step !== 'connect' && !c.conn) throw new NotConnected('no connection: no successful connect step before this one');
    if (step === 'connect') {
      const o = req.options || {};
      if (c.pooled && c.conn) {
        const old = c.conn;
        c.conn = null;
        try { await new Promise((r) => old.end(() => r())); } catch (e) { /* gone */ }
      }
      if (c.conn) {
        const old = c.conn;
        c.conn = null;
        try { await (c.endTakesCallback ? new Promise((r) => old.end(() => r())) : old.end()); } catch (e) { /* gone */ }
      }
      await c.connect(req, o, s);
      rep = {};
    } else {
      rep = await c[step](req, s);
    }
    rep.result = rep.result || 'ok';
  } catch (e) {
    if (e instanceof Unsupported) rep = { result: 'unsupported', message: e.message };
    else if (e instanceof NotConnected) {
      s.api = 'driver';
      rep = { result: 'error', errno: 0, message: e.message, error_class: 'NotConnected' };
    } else {
      let f = c.errorFields(e);
      if (!f) {
        log(e && e.stack ? e.stack : String(e));
        f = { errno: 0, message: e && e.message ? e.message : String(e), error_class: (e && e.name) || 'Error' };
      }
      rep = { result: 'error', ...f };
      if (s.rows !== undefined && step === 'fetch') rep.rows = s.rows;
    }
  } finally {
    if (afterClose) c.conn = null;
    else if (step === 'close') c.closed = open;
    else if (step === 'connect') c.closed = null;
  }
  if (rep.result === 'unsupported') return rep;
  rep.api = s.api;
  rep.elapsed_ms = Math.round(Number(process.hrtime.bigint() - t0) / 1e3) / 1e3;
  rep.thread_before = before;
  rep.thread_after = c.tid();
  if (c.pooled) rep.pool_events = c.poolEvents();
  return rep;
}

// The event loop's resources (process.getActiveResourcesInfo(): a
// socket, a timer, a file request) that were not there at the
// baseline, as "Timeout x2, TCPSocketWrap", or ''.
const extraResources = (baseline) => {
  const left = new Map();
  for (const r of baseline) left.set(r, (left.get(r) || 0) + 1);
  const extra = new Map();
  for (const r of process.getActiveResourcesInfo()) {
    if (left.get(r)) left.set(r, left.get(r) - 1);
    else extra.set(r, (extra.get(r) || 0) + 1);
  }
  return [...extra].map(([r, n]) => (n > 1 ? `${r} x${n}` : r)).join(', ');
};

const turn = () => new Promise((r) => setImmediate(r));

// begin-case: the case's directory becomes the working directory.
const beginCase = (req) => {
  const d = req.dir;
  if (typeof d !== 'string' || !d.startsWith('/')) {
    return { result: 'error', errno: 0, error_class: 'BadRequest', message: 'begin-case without an absolute dir' };
  }
  try {
    process.chdir(d);
  } catch (e) {
    return { result: 'error', errno: 0, error_class: e.code || 'Error', message: `begin-case: ${e.message}` };
  }
  return { result: 'ok' };
};

// end-case: the session's end (its timers, the connector's own close),
// then every socket still open destroyed and its 'close' seen, then
// the event loop left to run what that set off (a connector's error
// events and callbacks: their log lines are this case's), until it
// holds nothing the baseline did not (a connector's timer: said in the
// log, not an error).  A socket that does not close is an error: the
// process is not kept.
async function endCase(c, baseline) {
  try { c.endCase(); } catch (e) { log(`end-case: ${e && e.stack ? e.stack : e}`); }
  await turn(); // a COM_QUIT sent on the next tick goes out
  const left = [...openSockets];
  let bound;
  const closed = await Promise.race([
    Promise.all(left.map((sock) => new Promise((r) => {
      if (sock.closed) return r();
      sock.once('close', r);
      sock.destroy();
    }))).then(() => true),
    new Promise((r) => { bound = setTimeout(() => r(false), 2000); }),
  ]);
  clearTimeout(bound);
  if (!closed) {
    return { result: 'error', errno: 0, error_class: 'EndCase', message: `${openSockets.size} socket(s) of the case did not close within 2 s of destroy()` };
  }
  await turn();
  let pending = 0;
  for (const t of caseTimers) {
    // eslint-disable-next-line no-underscore-dangle
    if (!t._destroyed) pending++;
    clearTimeout(t);
  }
  caseTimers = new Set();
  if (pending) log(`end-case: ${pending} timer(s) of the case still pending, cleared (the connector's)`);
  let extra = '';
  for (let i = 0; i < 50; i++) {
    await turn();
    extra = extraResources(baseline);
    if (!extra) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  caseTimers = new Set(); // the waits above, over
  if (extra) log(`end-case: the event loop still holds ${extra} (the connector's)`);
  return { result: 'ok' };
}

async function main() {
  const mode = process.argv[2];
  const vi = process.argv.indexOf('--connector-version');
  const ver = vi > 0 ? process.argv[vi + 1] : undefined;
  const pkg = mode === 'mysql-pool' ? 'mysql' : mode;
  if (!['mysql2', 'mariadb', 'mysql', 'mysql-pool'].includes(mode) || (vi > 0 && !/^\d+\.\d+\.\d+([-+.][0-9A-Za-z.-]+)?$/.test(ver || ''))) {
    log('usage: node driver.mjs mysql2|mariadb|mysql|mysql-pool [--connector-version X.Y.Z]');
    process.exit(2);
  }
  if (ver && !existsSync(join(pkgDir(pkg, ver), 'package.json'))) {
    log(`${pkg} ${ver} is not installed in ${prefix(pkg, ver)}: sh drivers/node/install-version.sh ${pkg} ${ver}`);
    process.exit(2);
  }
  // a new session: the first one, then one for every case
  const session = async () => {
    if (mode === 'mysql2') return new Mysql2(ver);
    if (mode === 'mysql') return new Mysqljs(ver);
    if (mode === 'mysql-pool') return new MysqljsPool(ver);
    const m = new MariaDB();
    await m.init(ver);
    return m;
  };
  let c = await session();
  process.stdout.write(JSON.stringify({
    hello: 'goneaway-driver', protocol: 5,
    // a pool's connections (mysqljs-pool) take no keepalive; cases: one
    // process serves case after case (begin-case, end-case)
    features: ['params', 'fetch-pace', 'driver-options', 'local-infile', 'cases'].concat(c.pooled ? ['pool'] : ['keepalive']),
    driver: c.name, library: c.library,
    version: c.version, runtime: `Node.js ${process.version}`, unsupported: c.unsupported,
  }) + '\n');
  // a connection that dies between requests must not end the process
  process.on('uncaughtException', (e) => log(`uncaught: ${e && e.stack ? e.stack : e}`));
  process.on('unhandledRejection', (e) => log(`unhandled rejection: ${e && e.stack ? e.stack : e}`));
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let baseline = null; // the event loop's resources between cases
  for await (const line of rl) {
    if (!line.trim()) continue;
    let req;
    try { req = JSON.parse(line); } catch (e) {
      log(`not a JSON request: ${e.message}`);
      process.exit(2);
    }
    let rep;
    if (req.step === 'begin-case' || req.step === 'end-case') {
      const t0 = process.hrtime.bigint();
      baseline ??= process.getActiveResourcesInfo();
      if (req.step === 'begin-case') rep = beginCase(req);
      else {
        rep = await endCase(c, baseline);
        if (rep.result === 'ok') c = await session();
      }
      rep.api = 'driver';
      rep.elapsed_ms = Math.round(Number(process.hrtime.bigint() - t0) / 1e3) / 1e3;
    } else rep = await handle(c, req);
    rep.id = req.id;
    process.stdout.write(JSON.stringify(rep) + '\n');
  }
  process.exit(0);
}

main();
