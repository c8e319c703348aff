// serve-bench.js - what a proxy costs a MySQL client (tests/bench/bench.sh,
// part s): the three figures of issue 39, through mysql2, against the
// server at each HOST:PORT given (direct, then through proxies), ROUNDS
// times interleaved; prints one line per run:
//
//   TARGET WORK MS
//
// WORK: rt (2,000 sequential SELECT 1 on one connection), big (one
// result of 64 MiB: 65,536 rows of 1 KiB), conn (200 times connect,
// SELECT 1, close).
//
//   node serve-bench.js ROUNDS NAME=HOST:PORT...
// MYSQL_USER, MYSQL_PASSWORD, MYSQL_DATABASE: the account.
'use strict';
const mysql = require('mysql2/promise');

const env = process.env;
const rounds = Number(process.argv[2]);
const targets = process.argv.slice(3).map((t) => {
	const [name, addr] = t.split('=');
	const i = addr.lastIndexOf(':');
	return { name, host: addr.slice(0, i), port: Number(addr.slice(i + 1)) };
});

function cfg(t) {
	return { host: t.host, port: t.port, user: env.MYSQL_USER,
		 password: env.MYSQL_PASSWORD, database: env.MYSQL_DATABASE };
}

async function roundTrips(t) {
	const c = await mysql.createConnection(cfg(t));
	await c.query('SELECT 1');
	const t0 = process.hrtime.bigint();
	for (let i = 0; i < 2000; i++)
		await c.query('SELECT 1');
	const ms = Number(process.hrtime.bigint() - t0) / 1e6;
	await c.end();
	return ms;
}

async function bigResult(t) {
	const c = await mysql.createConnection(cfg(t));
	const t0 = process.hrtime.bigint();
	const [rows] = await c.query(
		"SELECT REPEAT('x', 1024) AS r FROM seq_1_to_65536");
	const ms = Number(process.hrtime.bigint() - t0) / 1e6;
	if (rows.length !== 65536)
		throw new Error(`${rows.length} rows`);
	await c.end();
	return ms;
}

async function connects(t) {
	const t0 = process.hrtime.bigint();
	for (let i = 0; i < 200; i++) {
		const c = await mysql.createConnection(cfg(t));
		await c.query('SELECT 1');
		await c.end();
	}
	return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function main() {
	const works = [['rt', roundTrips], ['big', bigResult], ['conn', connects]];

	for (let r = 0; r < rounds; r++)
		for (const [work, fn] of works)
			for (const t of targets)
				console.log(`${t.name} ${work} ${(await fn(t)).toFixed(1)}`);
}

main().catch((e) => {
	console.error(e.stack || e);
	process.exit(1);
});
