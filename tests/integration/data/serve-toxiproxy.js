// serve-toxiproxy.js - a Toxiproxy-style test, as a project that tests
// its MySQL connection failures through Toxiproxy writes one, with the
// clients it would use (toxiproxy-node-client and mysql2, from npm),
// run against goneaway serve (t0140-serve-npm).  Its settings come from
// goneaway serve's env file: TOXIPROXY_URL, GONEAWAY_UPSTREAM, MYSQL_*.
// Prints one "ok WHAT: ..." line per check and exits 1 at the first that
// does not hold.
'use strict';
const { Toxiproxy } = require('toxiproxy-node-client');
const mysql = require('mysql2/promise');

const env = process.env;

function fail(what, why) {
	console.log(`not ok ${what}: ${why}`);
	process.exit(1);
}

function ok(what, detail) {
	console.log(`ok ${what}${detail ? ': ' + detail : ''}`);
}

// The error fn's promise ended with, or a failure when it did not end in
// one.
async function error(what, fn) {
	try {
		await fn();
	} catch (e) {
		return e;
	}
	fail(what, 'no error');
}

async function main() {
	const tp = new Toxiproxy(env.TOXIPROXY_URL);
	const version = await tp.getVersion();
	if (!/"version": "2\.12\.0"/.test(version))
		fail('version', version);
	ok('version', version.trim());

	const proxy = await tp.createProxy({
		name: 'mysql_master', listen: '127.0.0.1:0',
		upstream: env.GONEAWAY_UPSTREAM,
	});
	const port = Number(proxy.listen.split(':').pop());
	const cfg = {
		host: '127.0.0.1', port, user: env.MYSQL_USER,
		password: env.MYSQL_PASSWORD, database: env.MYSQL_DATABASE,
	};
	ok('createProxy', proxy.listen);

	let c = await mysql.createConnection(cfg);
	let [rows] = await c.query('SELECT 6 * 7 AS answer');
	if (rows[0].answer !== 42)
		fail('query', JSON.stringify(rows));
	let t0 = Date.now();
	await c.query('SELECT 1');
	const direct = Date.now() - t0;

	// latency: the answer comes 500 ms late
	const latency = await proxy.addToxic({
		type: 'latency', name: 'slow', stream: 'downstream',
		toxicity: 1, attributes: { latency: 500, jitter: 0 },
	});
	t0 = Date.now();
	await c.query('SELECT 1');
	const slow = Date.now() - t0;
	if (slow < 480)
		fail('latency', `a query took ${slow} ms`);
	ok('latency', `a query took ${slow} ms (${direct} ms without)`);
	await latency.remove();
	t0 = Date.now();
	await c.query('SELECT 1');
	if (Date.now() - t0 >= 480)
		fail('latency removed', `${Date.now() - t0} ms`);
	ok('latency removed');

	// limit_data: a big result is cut
	await proxy.addToxic({
		type: 'limit_data', name: 'cut', stream: 'downstream',
		toxicity: 1, attributes: { bytes: 20000 },
	});
	let e = await error('limit_data', () =>
		c.query("SELECT REPEAT('x', 1000000) AS big"));
	if (e.code !== 'PROTOCOL_CONNECTION_LOST')
		fail('limit_data', `${e.code}: ${e.message}`);
	ok('limit_data', `${e.code}: ${e.message}`);
	await tp.reset();

	// reset_peer: the next query fails.  On a connection made before
	// the toxic the close is a FIN (Toxiproxy sets SO_LINGER 0 only on
	// the connections that start with a reset_peer); one made while it
	// is there is reset.
	c = await mysql.createConnection(cfg);
	await proxy.addToxic({
		type: 'reset_peer', name: 'rst', stream: 'downstream',
		toxicity: 1, attributes: { timeout: 0 },
	});
	e = await error('reset_peer', () => c.query('SELECT 1'));
	if (e.code !== 'PROTOCOL_CONNECTION_LOST')
		fail('reset_peer', `${e.code}: ${e.message}`);
	ok('reset_peer', `the next query: ${e.code}: ${e.message}`);
	e = await error('reset_peer', () => mysql.createConnection(cfg));
	if (e.code !== 'ECONNRESET')
		fail('reset_peer', `a new connection: ${e.code}: ${e.message}`);
	ok('reset_peer', `a new connection: ${e.code}: ${e.message}`);

	// /reset: no toxic left, connections go through again
	await tp.reset();
	const all = await tp.getAll();
	const got = await tp.get('mysql_master');
	if (!all.mysql_master || got.enabled !== true)
		fail('reset', JSON.stringify(all));
	c = await mysql.createConnection(cfg);
	[rows] = await c.query('SELECT 1 AS x');
	if (rows[0].x !== 1)
		fail('reset', JSON.stringify(rows));
	ok('reset');

	// enabled=false refuses connections
	await proxy.update({ enabled: false, listen: proxy.listen,
			     upstream: proxy.upstream });
	e = await error('enabled=false', () => mysql.createConnection(cfg));
	if (e.code !== 'ECONNREFUSED')
		fail('enabled=false', `${e.code}: ${e.message}`);
	ok('enabled=false', `${e.code}: ${e.message}`);
	await proxy.update({ enabled: true, listen: proxy.listen,
			     upstream: proxy.upstream });
	c = await mysql.createConnection(cfg);
	await c.query('SELECT 1');
	ok('enabled=true');

	// a goneaway toxic: the server KILLs the running query; mysql2 sees
	// the server's own error
	await proxy.addToxic({
		type: 'mysql_kill', name: 'kill', stream: 'upstream',
		toxicity: 1, attributes: { query: true, count: 1 },
	});
	e = await error('mysql_kill', () => c.query('SELECT SLEEP(20)'));
	if (e.errno !== 1317 || e.code !== 'ER_QUERY_INTERRUPTED')
		fail('mysql_kill', `${e.code} ${e.errno}: ${e.message}`);
	ok('mysql_kill', `${e.code} ${e.errno} ${e.sqlState}: ${e.message}`);
	[rows] = await c.query('SELECT 1 AS x');
	ok('mysql_kill count 1', 'the next query runs');

	// Toxiproxy's error shapes, through the client
	e = await error('unknown proxy', () => tp.get('nope'));
	if (!/404/.test(e.message))
		fail('unknown proxy', e.message);
	e = await error('duplicate', () => tp.createProxy({
		name: 'mysql_master', listen: '127.0.0.1:0',
		upstream: env.GONEAWAY_UPSTREAM }));
	if (!/409/.test(e.message))
		fail('duplicate', e.message);
	e = await error('bad attribute', () => proxy.addToxic({
		type: 'latency', attributes: { latency: 'soon' } }));
	if (!/400/.test(e.message))
		fail('bad attribute', e.message);
	ok('errors', '404, 409, 400');

	await tp.reset();
	await c.end();
	await proxy.remove();
	ok('done');
}

main().catch((e) => fail('unexpected', e.stack || e));
