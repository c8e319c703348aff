// pool.go - the go-pool driver (drivers.list: goneaway-driver-go --pool):
// database/sql's own connection pool, the one every Go program that
// calls sql.Open uses, over go-sql-driver/mysql.
//
// A connection of a pool (docs/scenario-format.md, "pool NAME ...") is a
// *sql.DB: connect makes it (sql.OpenDB, which opens nothing), borrow is
// DB.Conn (a *sql.Conn pinned to one connection until return: Conn.Close),
// evict gives it back through Conn.Raw returning driver.ErrBadConn, which
// database/sql answers by closing it, and a query with nothing borrowed
// runs on the DB itself: DB.QueryContext, with database/sql's retry on
// driver.ErrBadConn (maxBadConnRetries, then a new connection).
//
// The pool's settings: size is SetMaxOpenConns and SetMaxIdleConns,
// recycle SetConnMaxLifetime, idle_timeout SetConnMaxIdleTime.
// database/sql checks no connection before it lends it (pre_ping=on and
// a validation query are unsupported; pre_ping=off is what it does).
//
// What the pool did is seen at the driver's boundary, where database/sql
// meets go-sql-driver: every connection it opens comes through our
// driver.Connector (opened), every one it closes through our
// driver.Conn's Close.  A close after the connection answered
// driver.ErrBadConn (or was evicted) is "discarded"; one that
// db.Stats() counts in MaxLifetimeClosed or MaxIdleTimeClosed is
// "expired".  Nothing of go-sql-driver is changed: each call is passed
// on as it came.
package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
)

const poolName = "database/sql"

var poolUnsupported = map[string]string{
	"prepare":     "go-pool runs connect, query, ping, borrow, return, evict and close on a pool's connection; a prepared statement is the go driver's (--client go)",
	"execute":     "go-pool runs connect, query, ping, borrow, return, evict and close on a pool's connection; a prepared statement is the go driver's (--client go)",
	"long-data":   "go-sql-driver sends long data by itself for large []byte arguments; there is no separate step",
	"stream":      "go-pool reads whole results; a streamed one is the go driver's (--client go)",
	"fetch":       "go-pool reads whole results; a streamed one is the go driver's (--client go)",
	"fork":        "the Go runtime cannot fork a process that keeps its connections",
	"reset":       "go-sql-driver 1.5 has no COM_RESET_CONNECTION (database/sql's ResetSession never reaches the server)",
	"change-user": "go-sql-driver has no COM_CHANGE_USER",
	"sqlstate":    "go-sql-driver 1.5's MySQLError has only Number and Message",
}

// ------------------------------------------------------- the events

type poolEvent struct {
	Event  string `json:"event"`
	Thread uint32 `json:"thread,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// events (the case's, main.go's caseState): what the pool did since the
// last reply; database/sql's own goroutines (its connection cleaner) add
// to it too.
func (st *caseState) addEvent(e poolEvent) {
	st.eventsMu.Lock()
	st.events = append(st.events, e)
	st.eventsMu.Unlock()
}

func (st *caseState) takeEvents() []poolEvent {
	st.eventsMu.Lock()
	defer st.eventsMu.Unlock()
	e := st.events
	st.events = []poolEvent{}
	return e
}

// ------------------------------------------------ the driver's boundary

type watchedConnector struct {
	inner driver.Connector
	pool  *poolSession
}

func (w *watchedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	c, err := w.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	st := w.pool.st
	t := atomic.LoadUint32(&st.lastThread)
	st.addEvent(poolEvent{Event: "opened", Thread: t})
	return &watchedConn{inner: c, thread: t, pool: w.pool}, nil
}

func (w *watchedConnector) Driver() driver.Driver { return w.inner.Driver() }

// watchedConn passes every call to go-sql-driver's connection, and notes
// the ones that answered driver.ErrBadConn (database/sql then closes it)
// and which connection ran the last statement.
type watchedConn struct {
	inner  driver.Conn
	thread uint32
	pool   *poolSession
	bad    string // why it is broken: its ErrBadConn, or an eviction
}

func (c *watchedConn) note(err error, what string) error {
	if errors.Is(err, driver.ErrBadConn) && c.bad == "" {
		c.bad = what + ": driver.ErrBadConn"
	}
	return err
}

func (c *watchedConn) Prepare(q string) (driver.Stmt, error) {
	s, err := c.inner.Prepare(q)
	return s, c.note(err, "Prepare")
}

func (c *watchedConn) Begin() (driver.Tx, error) {
	//lint:ignore SA1019 passed on as database/sql would call it
	t, err := c.inner.Begin() //nolint
	return t, c.note(err, "Begin")
}

func (c *watchedConn) Close() error {
	c.pool.closed(c)
	return c.inner.Close()
}

func (c *watchedConn) BeginTx(ctx context.Context, o driver.TxOptions) (driver.Tx, error) {
	t, err := c.inner.(driver.ConnBeginTx).BeginTx(ctx, o)
	return t, c.note(err, "BeginTx")
}

func (c *watchedConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	s, err := c.inner.(driver.ConnPrepareContext).PrepareContext(ctx, q)
	return s, c.note(err, "PrepareContext")
}

func (c *watchedConn) QueryContext(ctx context.Context, q string, a []driver.NamedValue) (driver.Rows, error) {
	atomic.StoreUint32(&c.pool.st.usedThread, c.thread)
	r, err := c.inner.(driver.QueryerContext).QueryContext(ctx, q, a)
	return r, c.note(err, "QueryContext")
}

func (c *watchedConn) ExecContext(ctx context.Context, q string, a []driver.NamedValue) (driver.Result, error) {
	atomic.StoreUint32(&c.pool.st.usedThread, c.thread)
	r, err := c.inner.(driver.ExecerContext).ExecContext(ctx, q, a)
	return r, c.note(err, "ExecContext")
}

func (c *watchedConn) Ping(ctx context.Context) error {
	atomic.StoreUint32(&c.pool.st.usedThread, c.thread)
	return c.note(c.inner.(driver.Pinger).Ping(ctx), "Ping")
}

func (c *watchedConn) CheckNamedValue(nv *driver.NamedValue) error {
	return c.inner.(driver.NamedValueChecker).CheckNamedValue(nv)
}

func (c *watchedConn) ResetSession(ctx context.Context) error {
	return c.note(c.inner.(driver.SessionResetter).ResetSession(ctx), "ResetSession")
}

// ------------------------------------------------------- the session

type poolSession struct {
	ctx     context.Context
	st      *caseState // the case's (main.go)
	db      *sql.DB
	conn    *sql.Conn // borrowed, or nil
	held    uint32    // the thread of the connection borrowed last
	api     string
	closing bool // the close step closes every connection: no event
	statsMu sync.Mutex
	expired int64 // MaxLifetimeClosed + MaxIdleTimeClosed seen so far
}

// closed: database/sql closes c.  Why is told by what c answered, or by
// the pool's counters of closes for age.
func (p *poolSession) closed(c *watchedConn) {
	if p.closing {
		return
	}
	if c.bad != "" {
		p.st.addEvent(poolEvent{Event: "discarded", Thread: c.thread, Detail: c.bad})
		return
	}
	// database/sql counts a close for age before it makes it
	// (connectionCleaner, DB.conn): the counters already say so
	p.statsMu.Lock()
	defer p.statsMu.Unlock()
	if p.db != nil {
		st := p.db.Stats()
		n := st.MaxLifetimeClosed + st.MaxIdleTimeClosed
		if n > p.expired {
			p.expired = n
			why := "SetConnMaxLifetime"
			if st.MaxIdleTimeClosed > 0 && st.MaxLifetimeClosed == 0 {
				why = "SetConnMaxIdleTime"
			}
			p.st.addEvent(poolEvent{Event: "expired", Thread: c.thread, Detail: why})
			return
		}
	}
	p.st.addEvent(poolEvent{Event: "discarded", Thread: c.thread, Detail: "closed by database/sql"})
}

func (p *poolSession) open(r *request, pool map[string]interface{}) error {
	if v, ok := pool["pre_ping"].(bool); ok && v {
		return unsupported{"database/sql checks no connection before it lends it (no pre-ping; go-sql-driver 1.5's checkConnLiveness looks at the socket before a write, driver-option checkConnLiveness)"}
	}
	if v, ok := pool["validation"].(string); ok && v != "" {
		return unsupported{"database/sql runs no validation query"}
	}
	o := r.Options
	if o == nil {
		o = map[string]interface{}{}
	}
	if optOn(o, "reconnect") {
		return unsupported{"go-pool: a pool's connection has no reconnect of its own (database/sql's retry is the pool's)"}
	}
	if optOn(o, "interactive") {
		return unsupported{"go-sql-driver cannot set CLIENT_INTERACTIVE"}
	}
	cfg, err := config(r, o)
	if err != nil {
		return err
	}
	inner, err := mysql.NewConnector(cfg)
	if err != nil {
		return err
	}
	p.api = "sql.OpenDB"
	p.st = cs()
	db := sql.OpenDB(&watchedConnector{inner: inner, pool: p})
	if n, ok := pool["size"].(float64); ok {
		db.SetMaxOpenConns(int(n))
		db.SetMaxIdleConns(int(n))
		p.api += ", SetMaxOpenConns, SetMaxIdleConns"
	}
	if n, ok := pool["recycle_ms"].(float64); ok {
		db.SetConnMaxLifetime(time.Duration(n) * time.Millisecond)
		p.api += ", SetConnMaxLifetime"
	}
	if n, ok := pool["idle_timeout_ms"].(float64); ok {
		db.SetConnMaxIdleTime(time.Duration(n) * time.Millisecond)
		p.api += ", SetConnMaxIdleTime"
	}
	p.statsMu.Lock()
	p.db = db
	p.expired = 0
	p.statsMu.Unlock()
	return nil
}

// thread of the connection a *sql.Conn holds.
func connThread(c *sql.Conn) uint32 {
	var t uint32
	c.Raw(func(dc interface{}) error {
		if w, ok := dc.(*watchedConn); ok {
			t = w.thread
		}
		return nil
	})
	return t
}

func (p *poolSession) handle(r *request, pool map[string]interface{}) reply {
	if why, ok := poolUnsupported[r.Step]; ok {
		return reply{"result": "unsupported", "message": why}
	}
	if !steps[r.Step] && r.Step != "borrow" && r.Step != "return" && r.Step != "evict" {
		return reply{"result": "unsupported", "message": fmt.Sprintf("unknown step %q", r.Step)}
	}
	if r.Step == "connect" && pool == nil {
		return reply{"result": "unsupported", "message": "go-pool is database/sql's pool: a plain connection (no pool=) is the go driver's (--client go)"}
	}
	rep := reply{}
	before := p.held
	after := uint32(0)
	p.api = r.Step
	t0 := time.Now()
	var err error
	switch {
	case r.Step != "connect" && p.db == nil:
		p.api = "driver"
		err = notConnected{"no pool: no successful connect step before this one"}
	case r.Step == "connect":
		p.shut()
		before = 0
		err = p.open(r, pool)
	case r.Step == "borrow":
		if p.conn != nil {
			p.api = "driver"
			err = errors.New("a connection is borrowed already: return or evict it first")
			break
		}
		p.api = "DB.Conn"
		p.conn, err = p.db.Conn(p.ctx)
		if err == nil {
			p.held = connThread(p.conn)
			after = p.held
		}
	case r.Step == "return":
		p.api = "Conn.Close"
		if p.conn == nil {
			p.api = "driver"
			err = notConnected{"no borrowed connection to return"}
			break
		}
		err = p.conn.Close()
		p.conn = nil
		after = p.held
	case r.Step == "evict":
		p.api = "Conn.Raw (driver.ErrBadConn) + Conn.Close"
		if p.conn == nil {
			p.api = "driver"
			err = notConnected{"no borrowed connection to evict"}
			break
		}
		p.conn.Raw(func(dc interface{}) error {
			if w, ok := dc.(*watchedConn); ok && w.bad == "" {
				w.bad = "evicted"
			}
			return driver.ErrBadConn // database/sql closes it
		})
		p.conn.Close()
		p.conn = nil
	case r.Step == "query":
		atomic.StoreUint32(&cs().usedThread, 0)
		var q queryer = p.db
		p.api = "DB.QueryContext"
		if p.conn != nil {
			q, p.api = p.conn, "Conn.QueryContext"
		}
		err = poolQuery(p.ctx, q, r, rep)
		after = atomic.LoadUint32(&cs().usedThread)
		if p.conn == nil && after != 0 {
			before = p.held
		}
		if after != 0 {
			p.held = after
		}
	case r.Step == "ping":
		atomic.StoreUint32(&cs().usedThread, 0)
		p.api = "DB.PingContext"
		if p.conn != nil {
			p.api = "Conn.PingContext"
			err = p.conn.PingContext(p.ctx)
		} else {
			err = p.db.PingContext(p.ctx)
		}
		after = atomic.LoadUint32(&cs().usedThread)
		if after != 0 {
			p.held = after
		}
	case r.Step == "close":
		p.api = "DB.Close"
		p.shut()
	}
	elapsed := time.Since(t0)
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
	rep["api"] = p.api
	rep["elapsed_ms"] = float64(elapsed.Microseconds()) / 1000.0
	rep["thread_before"] = before
	rep["thread_after"] = after
	rep["pool_events"] = cs().takeEvents()
	return rep
}

func poolQuery(ctx context.Context, q queryer, r *request, rep reply) error {
	rows, err := q.QueryContext(ctx, r.SQL)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		v, err := scanFirst(rows)
		if err != nil {
			return err
		}
		rep["value"] = v
	}
	if err := rows.Close(); err != nil {
		return err
	}
	return rows.Err()
}

func (p *poolSession) shut() {
	if p.conn != nil {
		p.conn.Close()
		p.conn = nil
	}
	if p.db != nil {
		p.closing = true
		p.db.Close()
		p.closing = false
		p.statsMu.Lock()
		p.db = nil
		p.statsMu.Unlock()
	}
	p.held = 0
}
