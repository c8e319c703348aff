// Command goneaway-driver-go is goneaway's driver (docs/driver-protocol.md)
// for Go's database/sql with go-sql-driver/mysql.
//
// Build (no module download: Debian's packaged source):
//
//	cd drivers/go && GO111MODULE=off GOPATH=/usr/share/gocode go build -o goneaway-driver-go .
//
// Needs Debian's golang-go and golang-github-go-sql-driver-mysql-dev.
//
// One driver process is one connection: without reconnect the steps run
// on one pinned *sql.Conn (db.Conn), which database/sql never replaces;
// with reconnect they run on a *sql.DB limited to one open connection,
// whose retry on driver.ErrBadConn is Go's automatic reconnect.
//
// go-sql-driver 1.5 keeps no connection id, and asking the server for it
// would add a query: the id is read from the server's handshake packet as
// it passes through the dialer (sniffConn), the driver itself unchanged.
//
// One process serves case after case (protocol 5, feature "cases":
// begin-case, end-case): what a case leaves in the process is either its
// session (a new one per case) or its caseState (a new one per case:
// the dialer's thread ids, keepalive times, the sockets it dialed, the
// files registered for LOAD DATA LOCAL, a pool's events), so nothing of
// one case reaches the next.  end-case closes the session's rows,
// statement, *sql.Conn and *sql.DB, closes any socket the case dialed
// that is still open, and checks that database/sql's goroutines ended.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"
)

const libraryVersion = "1.5.0" // Debian's golang-github-go-sql-driver-mysql-dev

var unsupportedSteps = map[string]string{
	"long-data":   "go-sql-driver sends long data by itself for large []byte arguments; there is no separate step",
	"fork":        "the Go runtime cannot fork a process that keeps its connections",
	"reset":       "go-sql-driver 1.5 has no COM_RESET_CONNECTION (database/sql's ResetSession never reaches the server)",
	"change-user": "go-sql-driver has no COM_CHANGE_USER",
	// a reply member, not a step (docs/driver-protocol.md)
	"sqlstate": "go-sql-driver 1.5's MySQLError has only Number and Message",
}

var steps = map[string]bool{"connect": true, "query": true, "ping": true,
	"close": true, "prepare": true, "execute": true, "long-data": true,
	"stream": true, "fetch": true, "fork": true, "reset": true,
	"change-user": true}

// ------------------------------------------------------- a case's state

// caseState is what a case leaves in the process besides its session:
// the dialer's and the pool's, which go-sql-driver's registered dialer
// and database/sql's goroutines reach.  Each case gets a new one
// (newCase); a socket keeps the one it was dialed in.
type caseState struct {
	// lastThread is the connection id of the newest connection's
	// handshake; usedThread the connection that ran the last statement
	// or ping of a pool (pool.go)
	lastThread uint32
	usedThread uint32
	// keepalive holds TCP keepalive's times for the dials of the
	// connection being made (connect's "keepalive"); count 0:
	// net.Dialer's own (15 s)
	keepalive struct{ idle, interval, count int }
	// the files registered for LOAD DATA LOCAL (registerInfile)
	infileNames []string
	// a pool's events since its last reply (pool.go)
	eventsMu sync.Mutex
	events   []poolEvent
	// the sockets the case dialed and has not closed yet
	connsMu sync.Mutex
	conns   map[*sniffConn]bool
}

var current atomic.Pointer[caseState]

// cs is the case's state.
func cs() *caseState { return current.Load() }

// newCase gives the next case a state of its own.
func newCase() {
	current.Store(&caseState{events: []poolEvent{}, conns: map[*sniffConn]bool{}})
}

// sockets: the sockets of the case still open.
func (st *caseState) sockets() []*sniffConn {
	st.connsMu.Lock()
	defer st.connsMu.Unlock()
	var out []*sniffConn
	for c := range st.conns {
		out = append(out, c)
	}
	return out
}

// ------------------------------------------------------------ the dialer

// sniffConn reads the connection id from the server's first packet: a
// 4-byte header, the protocol version, the NUL-terminated server version,
// then the id (4 bytes, little-endian).
type sniffConn struct {
	net.Conn
	st   *caseState
	head []byte
	done bool
}

// Close forgets the socket as its case's.
func (c *sniffConn) Close() error {
	c.st.connsMu.Lock()
	delete(c.st.conns, c)
	c.st.connsMu.Unlock()
	return c.Conn.Close()
}

func (c *sniffConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if !c.done && n > 0 {
		c.head = append(c.head, b[:n]...)
		if len(c.head) > 5 {
			if i := indexByte(c.head[5:], 0); i >= 0 {
				p := 5 + i + 1
				if len(c.head) >= p+4 {
					atomic.StoreUint32(&c.st.lastThread, binary.LittleEndian.Uint32(c.head[p:p+4]))
					c.done, c.head = true, nil
				}
			}
		}
		if len(c.head) > 4096 { // not a handshake: give up
			c.done, c.head = true, nil
		}
	}
	return n, err
}

// SyscallConn keeps the driver's liveness check (conncheck.go) working.
func (c *sniffConn) SyscallConn() (syscall.RawConn, error) {
	if sc, ok := c.Conn.(syscall.Conn); ok {
		return sc.SyscallConn()
	}
	return nil, errors.New("not a syscall.Conn")
}

func indexByte(b []byte, x byte) int {
	for i, v := range b {
		if v == x {
			return i
		}
	}
	return -1
}

// keepaliveControl sets the three times, and SO_KEEPALIVE, on the socket
// before it connects (net.Dialer.Control), as an application that needs
// other times than net.Dialer's KeepAlive (one period for the idle time
// and the interval, the kernel's count) does.
func keepaliveControl(idle, interval, count int) func(string, string, syscall.RawConn) error {
	return func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			for _, o := range [...]struct{ level, name, v int }{
				{syscall.SOL_SOCKET, syscall.SO_KEEPALIVE, 1},
				{syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE, idle},
				{syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL, interval},
				{syscall.IPPROTO_TCP, syscall.TCP_KEEPCNT, count},
			} {
				if serr == nil {
					serr = syscall.SetsockoptInt(int(fd), o.level, o.name, o.v)
				}
			}
		})
		if err != nil {
			return err
		}
		return serr
	}
}

func dialer(network string) mysql.DialContextFunc {
	return func(ctx context.Context, addr string) (net.Conn, error) {
		st := cs()
		var d net.Dialer
		if ka := st.keepalive; ka.count > 0 && network == "tcp" {
			d.KeepAlive = -1 // its own period would replace ours
			d.Control = keepaliveControl(ka.idle, ka.interval, ka.count)
		}
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if tc, ok := c.(*net.TCPConn); ok { // as the driver does itself
			tc.SetKeepAlive(true)
		}
		atomic.StoreUint32(&st.lastThread, 0)
		sc := &sniffConn{Conn: c, st: st}
		st.connsMu.Lock()
		st.conns[sc] = true
		st.connsMu.Unlock()
		return sc, nil
	}
}

// ------------------------------------------------------------ requests

type request struct {
	ID      json.RawMessage        `json:"id"`
	Step    string                 `json:"step"`
	Host    string                 `json:"host"`
	Port    int                    `json:"port"`
	Socket  string                 `json:"socket"`
	User    string                 `json:"user"`
	Pass    string                 `json:"password"`
	DB      string                 `json:"database"`
	Options map[string]interface{} `json:"options"`
	SQL     string                 `json:"sql"`
	Blob    int64                  `json:"blob"`
	Params  []json.RawMessage      `json:"params"`
	Batch   int64                  `json:"batch"`
	EveryMs int64                  `json:"every_ms"`
	Pool    map[string]interface{} `json:"pool"` // a pool's connect (pool.go)
	Dir     string                 `json:"dir"`  // begin-case's
}

type reply map[string]interface{}

type unsupported struct{ why string }

func (u unsupported) Error() string { return u.why }

type notConnected struct{ why string }

func (n notConnected) Error() string { return n.why }

type session struct {
	db     *sql.DB
	conn   *sql.Conn // nil with reconnect: the pool is used
	stmt   *sql.Stmt
	rows   *sql.Rows // a stream's
	api    string
	ctx    context.Context
	active bool
	// after a close step: the closed *sql.Conn (or, with reconnect, the
	// closed *sql.DB), which a step after it uses: a use after close,
	// which database/sql defines (sql.ErrConnDone, "sql: database is
	// closed")
	closed     queryer
	afterClose bool
	// interpolateParams=true: the connector puts parameters into the
	// text itself, so prepare keeps the statement (no COM_STMT_PREPARE)
	// and execute runs ExecContext(sql, args...), one COM_QUERY
	interpolate bool
	prepared    string
	hasPrepared bool
}

// The DSN parameters go-sql-driver 1.5.0 reads into its Config (dsn.go's
// parseDSNParams) that a driver option may name; the others it would send
// as session variables (SET), which are not its options.
var dsnParams = map[string]bool{
	"allowCleartextPasswords": true, "allowNativePasswords": true,
	"allowOldPasswords": true, "checkConnLiveness": true,
	"clientFoundRows": true, "collation": true, "columnsWithAlias": true,
	"compress": true, "interpolateParams": true, "loc": true,
	"multiStatements": true, "parseTime": true, "rejectReadOnly": true,
	"serverPubKey": true}

// ... and those the connection's own options set (allowAllFiles: its
// local_infile).
var takenParams = map[string]bool{"timeout": true, "readTimeout": true,
	"writeTimeout": true, "tls": true, "maxAllowedPacket": true,
	"allowAllFiles": true}

// driverOptions sets the connection's driver options (DSN parameters) on
// cfg, each read by go-sql-driver's own ParseDSN.  One it does not read
// into its Config, or whose value it refuses, is unsupported.
func driverOptions(cfg *mysql.Config, o map[string]interface{}) error {
	opts, _ := o["driver_options"].(map[string]interface{})
	q := url.Values{}
	for k, v := range opts {
		sv, _ := v.(string)
		if takenParams[k] {
			return unsupported{"driver option " + k + " is what the connection's own options set"}
		}
		if k == "strict" {
			return unsupported{"go-sql-driver " + libraryVersion + " removed the DSN parameter strict (its ParseDSN panics)"}
		}
		if !dsnParams[k] {
			return unsupported{"go-sql-driver " + libraryVersion + " has no DSN parameter " + k + " (any other name would be sent as a session variable)"}
		}
		q.Set(k, sv)
	}
	if len(q) == 0 {
		return nil
	}
	parsed, err := mysql.ParseDSN("/?" + q.Encode())
	if err != nil {
		return unsupported{"go-sql-driver " + libraryVersion + "'s ParseDSN refuses the driver options: " + err.Error()}
	}
	for k := range q {
		switch k {
		case "allowCleartextPasswords":
			cfg.AllowCleartextPasswords = parsed.AllowCleartextPasswords
		case "allowNativePasswords":
			cfg.AllowNativePasswords = parsed.AllowNativePasswords
		case "allowOldPasswords":
			cfg.AllowOldPasswords = parsed.AllowOldPasswords
		case "checkConnLiveness":
			cfg.CheckConnLiveness = parsed.CheckConnLiveness
		case "clientFoundRows":
			cfg.ClientFoundRows = parsed.ClientFoundRows
		case "collation":
			cfg.Collation = parsed.Collation
		case "columnsWithAlias":
			cfg.ColumnsWithAlias = parsed.ColumnsWithAlias
		case "interpolateParams":
			cfg.InterpolateParams = parsed.InterpolateParams
		case "loc":
			cfg.Loc = parsed.Loc
		case "multiStatements":
			cfg.MultiStatements = parsed.MultiStatements
		case "parseTime":
			cfg.ParseTime = parsed.ParseTime
		case "rejectReadOnly":
			cfg.RejectReadOnly = parsed.RejectReadOnly
		case "serverPubKey":
			cfg.ServerPubKey = parsed.ServerPubKey
		}
	}
	return nil
}

// args: an execute's values, the blob (bytes of x) first, then the params
// as JSON gave them: an integer, a string or null.
func args(r *request) ([]interface{}, error) {
	var a []interface{}
	if r.Blob > 0 {
		b := make([]byte, r.Blob)
		for i := range b {
			b[i] = 'x'
		}
		a = append(a, b)
	}
	for _, raw := range r.Params {
		var v interface{}
		d := json.NewDecoder(strings.NewReader(string(raw)))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			return nil, err
		}
		switch x := v.(type) {
		case json.Number:
			n, err := x.Int64()
			if err != nil {
				return nil, err
			}
			a = append(a, n)
		case string, nil:
			a = append(a, x)
		default:
			return nil, fmt.Errorf("a parameter that is no integer, string or null: %s", raw)
		}
	}
	return a, nil
}

// queryer is what *sql.Conn and *sql.DB share.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...interface{}) (*sql.Rows, error)
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
	PingContext(ctx context.Context) error
}

// execer is what *sql.Conn and *sql.DB share for a statement with
// arguments outside a prepared one.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...interface{}) (sql.Result, error)
}

func (s *session) q() queryer {
	if s.afterClose {
		return s.closed
	}
	if s.conn != nil {
		return s.conn
	}
	return s.db
}

func optNum(o map[string]interface{}, k string) int64 {
	if v, ok := o[k].(float64); ok {
		return int64(v)
	}
	return 0
}

func optOn(o map[string]interface{}, k string) bool {
	switch v := o[k].(type) {
	case bool:
		return v
	case float64:
		return v == 1
	case string:
		return v == "on"
	}
	return false
}

func (s *session) shut() {
	if s.rows != nil {
		s.rows.Close()
		s.rows = nil
	}
	if s.stmt != nil {
		s.stmt.Close()
		s.stmt = nil
	}
	s.closed = nil
	if s.conn != nil {
		s.conn.Close() // back to the pool ...
		s.closed = s.conn
		s.conn = nil
	}
	if s.db != nil {
		s.db.Close() // ... which closes it: COM_QUIT
		if s.closed == nil {
			s.closed = s.db
		}
		s.db = nil
	}
	s.active = false
}

// config: the go-sql-driver configuration of a connect request r, its
// options o: the address, the account, the timeouts, TLS and the driver
// options.
func config(r *request, o map[string]interface{}) (*mysql.Config, error) {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.DBName = r.User, r.Pass, r.DB
	if t, _ := o["transport"].(string); t == "socket" {
		// registered under go-sql-driver's own name "unix": it sends
		// caching_sha2_password's full authentication in clear text on
		// a unix socket only when cfg.Net says "unix" (auth.go); under
		// another name it asked the server for its RSA key there, and
		// 1.5.0 then dereferenced a nil PEM block (a panic, seen with
		// MySQL 9.7, skip-networking.gw)
		cfg.Net, cfg.Addr = "unix", r.Socket
	} else {
		port := r.Port
		if port == 0 {
			port = 3306
		}
		cfg.Net, cfg.Addr = "goneaway-tcp", net.JoinHostPort(r.Host, fmt.Sprint(port))
	}
	cfg.Timeout = time.Duration(optNum(o, "connect_timeout")) * time.Second
	cfg.ReadTimeout = time.Duration(optNum(o, "read_timeout")) * time.Second
	cfg.WriteTimeout = time.Duration(optNum(o, "write_timeout")) * time.Second
	if n := optNum(o, "max_allowed_packet"); n > 0 {
		cfg.MaxAllowedPacket = int(n)
	}
	switch tls, _ := o["tls"].(string); tls {
	case "", "off":
		cfg.TLSConfig = "false"
	case "required":
		cfg.TLSConfig = "skip-verify"
	default:
		return nil, unsupported{"tls=" + tls}
	}
	if err := driverOptions(cfg, o); err != nil {
		return nil, err
	}
	// last: go-sql-driver sends only the files registered, never any
	// (AllowAllFiles), whatever an option above said
	cfg.AllowAllFiles = false
	if err := registerInfile(o); err != nil {
		return nil, err
	}
	return cfg, nil
}

// The bounds of a directory's walk: how deep, how many files.
const infileDepth, infileFiles = 4, 256

// The files registered for LOAD DATA LOCAL are the case's infileNames
// (mysql.RegisterLocalFile is the process's; a driver process has one
// connection, or one pool, at a time).

// registerInfile registers, for connect's "local_infile" (the
// directories of the connection's local_infile; none: nothing), the
// regular files beneath them as go-sql-driver's allow-list, by their
// absolute names and by their names relative to the first (the
// driver's working directory), as a statement writes them: a
// directory reached through a symlink is not walked, a symlink not
// registered, so nothing outside is ever sent.  What a previous connect
// registered is dropped first.
func registerInfile(o map[string]interface{}) error {
	st := cs()
	deregisterInfile(st)
	raw, _ := o["local_infile"].([]interface{})
	for i, d := range raw {
		dir, _ := d.(string)
		if !filepath.IsAbs(dir) || filepath.Clean(dir) != dir || dir == "/" {
			return unsupported{fmt.Sprintf("local_infile: %q is not an absolute directory", dir)}
		}
		files := 0
		err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() && strings.Count(strings.TrimPrefix(path, dir), "/") > infileDepth {
				return filepath.SkipDir
			}
			if !e.Type().IsRegular() {
				return nil
			}
			if files++; files > infileFiles {
				return fmt.Errorf("more than %d files beneath %s", infileFiles, dir)
			}
			st.infileNames = append(st.infileNames, path)
			if i == 0 {
				st.infileNames = append(st.infileNames, strings.TrimPrefix(path, dir+"/"))
			}
			return nil
		})
		if err != nil {
			return unsupported{"local_infile: " + err.Error()}
		}
	}
	for _, n := range st.infileNames {
		mysql.RegisterLocalFile(n)
	}
	return nil
}

// deregisterInfile drops the files a connect of the case registered.
func deregisterInfile(st *caseState) {
	for _, n := range st.infileNames {
		mysql.DeregisterLocalFile(n)
	}
	st.infileNames = nil
}

func (s *session) connect(r *request) error {
	o := r.Options
	if o == nil {
		o = map[string]interface{}{}
	}
	s.shut()
	s.interpolate, s.hasPrepared = false, false
	s.closed = nil
	if optOn(o, "interactive") {
		return unsupported{"go-sql-driver cannot set CLIENT_INTERACTIVE"}
	}
	cfg, err := config(r, o)
	if err != nil {
		return err
	}
	// keepalive: {} or absent is go's own
	st := cs()
	st.keepalive.idle, st.keepalive.interval, st.keepalive.count = 0, 0, 0
	if ka, ok := o["keepalive"].(map[string]interface{}); ok {
		st.keepalive.idle = int(optNum(ka, "idle"))
		st.keepalive.interval = int(optNum(ka, "interval"))
		st.keepalive.count = int(optNum(ka, "count"))
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return err
	}
	s.api = "sql.OpenDB + DB.Conn"
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	conn, err := db.Conn(s.ctx) // dials and logs in
	if err != nil {
		db.Close()
		return err
	}
	s.db, s.active = db, true
	s.interpolate = cfg.InterpolateParams
	if optOn(o, "reconnect") {
		s.api = "sql.OpenDB + DB.Conn (pool of one)"
		conn.Close() // idle in the pool, used by every step
	} else {
		s.conn = conn
	}
	return nil
}

func text(b []byte, null bool) interface{} {
	if null {
		return nil
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func (s *session) query(r *request, rep reply) error {
	s.api = "QueryContext"
	rows, err := s.q().QueryContext(s.ctx, r.SQL)
	if err != nil {
		return err
	}
	defer rows.Close()
	s.api = "Rows.Next"
	if rows.Next() {
		s.api = "Rows.Scan"
		v, err := scanFirst(rows)
		if err != nil {
			return err
		}
		rep["value"] = v
	}
	s.api = "Rows.Close"
	if err := rows.Close(); err != nil {
		return err
	}
	s.api = "QueryContext"
	return rows.Err()
}

func scanFirst(rows *sql.Rows) (interface{}, error) {
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	vs := make([]interface{}, len(cols))
	var first sql.RawBytes
	vs[0] = &first
	for i := 1; i < len(vs); i++ {
		vs[i] = new(sql.RawBytes)
	}
	if err := rows.Scan(vs...); err != nil {
		return nil, err
	}
	return text(first, first == nil), nil
}

func (s *session) stream(r *request, rep reply) error {
	if s.rows != nil {
		s.rows.Close()
		s.rows = nil
	}
	s.api = "QueryContext (rows read as they come)"
	rows, err := s.q().QueryContext(s.ctx, r.SQL)
	if err != nil {
		return err
	}
	s.api = "Rows.Next"
	if !rows.Next() {
		err := rows.Err()
		rows.Close()
		return err
	}
	v, err := scanFirst(rows)
	if err != nil {
		rows.Close()
		return err
	}
	rep["value"] = v
	s.rows = rows
	return nil
}

func (s *session) fetch(r *request, rep reply) error {
	if s.rows == nil {
		return notConnected{"no stream step before fetch"}
	}
	rows := s.rows
	s.rows = nil
	s.api = "Rows.Next"
	if r.EveryMs > 0 && r.Batch > 0 {
		s.api = fmt.Sprintf("Rows.Next, a pause of %d ms every %d rows", r.EveryMs, r.Batch)
	}
	n := 0
	for rows.Next() {
		n++
		if r.EveryMs > 0 && r.Batch > 0 && int64(n)%r.Batch == 0 {
			time.Sleep(time.Duration(r.EveryMs) * time.Millisecond)
		}
	}
	err := rows.Err()
	rows.Close()
	if err != nil {
		rep["rows"] = n // how far it got
	} else {
		rep["value"] = fmt.Sprint(n)
	}
	return err
}

func (s *session) handle(r *request) reply {
	if !steps[r.Step] {
		return reply{"result": "unsupported", "message": fmt.Sprintf("unknown step %q", r.Step)}
	}
	if why, ok := unsupportedSteps[r.Step]; ok {
		return reply{"result": "unsupported", "message": why}
	}
	rep := reply{}
	s.api = r.Step
	before := atomic.LoadUint32(&cs().lastThread)
	if r.Step == "connect" || !s.active {
		before = 0
	}
	t0 := time.Now()
	var err error
	s.afterClose = r.Step != "connect" && !s.active && s.closed != nil
	if r.Step != "connect" && !s.active && !s.afterClose {
		s.api = "driver"
		err = notConnected{"no connection: no successful connect step before this one"}
	} else {
		switch r.Step {
		case "connect":
			err = s.connect(r)
		case "query":
			err = s.query(r, rep)
		case "ping":
			s.api = "PingContext"
			err = s.q().PingContext(s.ctx)
		case "close":
			s.api = "Conn.Close + DB.Close"
			if s.afterClose {
				err = s.closed.(io.Closer).Close()
				break
			}
			s.shut()
		case "stream":
			err = s.stream(r, rep)
		case "fetch":
			err = s.fetch(r, rep)
		case "prepare":
			if s.stmt != nil {
				s.stmt.Close()
				s.stmt = nil
			}
			if s.interpolate {
				// the connector prepares nothing on the server
				s.api = "none (interpolateParams=true: ExecContext interpolates)"
				s.prepared, s.hasPrepared = r.SQL, true
				break
			}
			s.api = "PrepareContext"
			s.stmt, err = s.q().PrepareContext(s.ctx, r.SQL)
		case "execute":
			a, aerr := args(r)
			switch {
			case aerr != nil:
				s.api, err = "driver", aerr
			case s.interpolate && s.hasPrepared:
				s.api = "ExecContext (interpolateParams=true)"
				_, err = s.q().(execer).ExecContext(s.ctx, s.prepared, a...)
			case s.stmt == nil:
				s.api = "driver"
				err = notConnected{"no prepare step before execute"}
			default:
				s.api = "Stmt.ExecContext"
				_, err = s.stmt.ExecContext(s.ctx, a...)
			}
		}
	}
	elapsed := time.Since(t0)
	s.afterClose = false
	var u unsupported
	if errors.As(err, &u) {
		return reply{"result": "unsupported", "message": u.why}
	}
	if err != nil {
		for k, v := range errorFields(err) {
			rep[k] = v
		}
		rep["result"] = "error"
	} else {
		rep["result"] = "ok"
	}
	after := uint32(0)
	if s.active {
		after = atomic.LoadUint32(&cs().lastThread)
	}
	rep["api"] = s.api
	rep["elapsed_ms"] = float64(elapsed.Microseconds()) / 1000.0
	rep["thread_before"] = before
	rep["thread_after"] = after
	return rep
}

var sentinels = []struct {
	err  error
	name string
}{
	{driver.ErrBadConn, "driver.ErrBadConn"},
	{sql.ErrConnDone, "sql.ErrConnDone"},
	{sql.ErrTxDone, "sql.ErrTxDone"},
	{mysql.ErrInvalidConn, "mysql.ErrInvalidConn"},
	{mysql.ErrMalformPkt, "mysql.ErrMalformPkt"},
	{mysql.ErrPktSync, "mysql.ErrPktSync"},
	{mysql.ErrPktSyncMul, "mysql.ErrPktSyncMul"},
	{mysql.ErrPktTooLarge, "mysql.ErrPktTooLarge"},
	{mysql.ErrBusyBuffer, "mysql.ErrBusyBuffer"},
	{mysql.ErrNoTLS, "mysql.ErrNoTLS"},
	{io.EOF, "io.EOF"},
	{io.ErrUnexpectedEOF, "io.ErrUnexpectedEOF"},
	{context.DeadlineExceeded, "context.DeadlineExceeded"},
	{context.Canceled, "context.Canceled"},
}

func errorFields(err error) reply {
	f := reply{"errno": 0, "message": err.Error()}
	var me *mysql.MySQLError
	var nc notConnected
	switch {
	case errors.As(err, &me):
		f["errno"] = int(me.Number)
		f["error_class"] = "MySQLError"
		f["message"] = me.Message
	case errors.As(err, &nc):
		f["error_class"] = "NotConnected"
	default:
		// the type's name as one word a scenario can expect
		// (net.OpError, not *net.OpError); the message tells a
		// timeout from a refusal
		f["error_class"] = strings.TrimPrefix(fmt.Sprintf("%T", err), "*")
		for _, s := range sentinels {
			if errors.Is(err, s.err) {
				f["error_class"] = s.name
				break
			}
		}
	}
	return f
}

// ------------------------------------------------------------ cases

// beginCase: the case's directory becomes the working directory.
func beginCase(r *request) error {
	if !filepath.IsAbs(r.Dir) {
		return errors.New("begin-case without an absolute dir")
	}
	return os.Chdir(r.Dir)
}

// endCase closes what the case opened (shut: the session's own close,
// which closes its rows, statement, *sql.Conn and *sql.DB), then any
// socket the case dialed that is still open, drops the files it
// registered for LOAD DATA LOCAL and gives the next case a new state.
// goneaway may have cut the sockets: errors of the closes are not the
// case's.  A read or a write the closes would wait on (a streamed
// result read to its end on a unix socket) ends within a second.  Then
// the goroutines of database/sql and go-sql-driver (a connection's
// watcher, a pool's opener and cleaner) must have ended: goroutines is
// how many ran after the greeting.
func endCase(shut func(), goroutines int) error {
	st := cs()
	soon := time.Now().Add(time.Second)
	for _, c := range st.sockets() {
		c.SetDeadline(soon)
	}
	shut()
	left := st.sockets()
	for _, c := range left {
		c.Close()
	}
	deregisterInfile(st)
	newCase()
	if len(left) > 0 {
		fmt.Fprintf(os.Stderr, "end-case: %d socket(s) of the case left open by database/sql, closed by the driver\n", len(left))
	}
	for wait := 0; runtime.NumGoroutine() > goroutines; wait++ {
		if wait == 200 {
			buf := make([]byte, 1<<16)
			fmt.Fprintf(os.Stderr, "end-case: goroutines left:\n%s\n", buf[:runtime.Stack(buf, true)])
			return fmt.Errorf("%d goroutine(s) of the case still running 2 s after its close", runtime.NumGoroutine()-goroutines)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil
}

func main() {
	newCase()
	mysql.RegisterDialContext("goneaway-tcp", dialer("tcp"))
	mysql.RegisterDialContext("unix", dialer("unix"))
	out := bufio.NewWriter(os.Stdout)
	write := func(v interface{}) {
		b, err := json.Marshal(v)
		if err != nil {
			fmt.Fprintf(os.Stderr, "cannot encode a reply: %v\n", err)
			os.Exit(2)
		}
		out.Write(b)
		out.WriteByte('\n')
		out.Flush()
	}
	// go-sql-driver logs some failures ("packets.go:36: unexpected EOF") on
	// its own logger: to stderr, the evidence
	mysql.SetLogger(logger{})
	// --pool: the go-pool driver, database/sql's pool (pool.go)
	pooled := len(os.Args) > 1 && os.Args[1] == "--pool"
	if pooled {
		write(reply{"hello": "goneaway-driver", "protocol": 5,
			"driver":      "go-pool",
			"features":    []string{"params", "fetch-pace", "driver-options", "pool", "local-infile", "cases"},
			"library":     "go-sql-driver/mysql " + libraryVersion + ", the pool of Go's " + poolName,
			"version":     libraryVersion,
			"runtime":     "Go " + strings.TrimPrefix(runtime.Version(), "go"),
			"unsupported": poolUnsupported})
	} else {
		write(reply{"hello": "goneaway-driver", "protocol": 5, "driver": "go",
			"features":    []string{"params", "fetch-pace", "driver-options", "keepalive", "local-infile", "cases"},
			"library":     "go-sql-driver/mysql " + libraryVersion,
			"version":     libraryVersion,
			"runtime":     "Go " + strings.TrimPrefix(runtime.Version(), "go"),
			"unsupported": unsupportedSteps})
	}
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	s := &session{ctx: context.Background()}
	p := &poolSession{ctx: context.Background()}
	goroutines := runtime.NumGoroutine()
	for {
		line, err := in.ReadBytes('\n')
		if len(strings.TrimSpace(string(line))) > 0 {
			var r request
			if jerr := json.Unmarshal(line, &r); jerr != nil {
				fmt.Fprintf(os.Stderr, "not a JSON request: %v\n", jerr)
				os.Exit(2)
			}
			var rep reply
			switch {
			case r.Step == "begin-case" || r.Step == "end-case":
				t0 := time.Now()
				var err error
				if r.Step == "begin-case" {
					err = beginCase(&r)
				} else if pooled {
					err = endCase(p.shut, goroutines)
					p = &poolSession{ctx: context.Background()}
				} else {
					err = endCase(s.shut, goroutines)
					s = &session{ctx: context.Background()}
				}
				rep = reply{"result": "ok"}
				if err != nil {
					fmt.Fprintf(os.Stderr, "%s: %v\n", r.Step, err)
					rep = reply{"result": "error", "errno": 0, "error_class": "driver", "message": err.Error()}
				}
				rep["api"] = "driver"
				rep["elapsed_ms"] = float64(time.Since(t0).Microseconds()) / 1000.0
			case pooled:
				rep = p.handle(&r, r.Pool)
			default:
				rep = s.handle(&r)
			}
			rep["id"] = r.ID
			write(rep)
		}
		if err != nil {
			break
		}
	}
	os.Exit(0)
}

type logger struct{}

func (logger) Print(v ...interface{}) { fmt.Fprintln(os.Stderr, v...) }
