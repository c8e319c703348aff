// image-testcontainers.js - t0180-image: Testcontainers' Toxiproxy module
// (@testcontainers/toxiproxy, installed from tests/integration/data/
// testcontainers/package-lock.json) pointed at goneaway's image, as a
// Toxiproxy user's test would use it: the module starts the image (its
// ports 8474 and 8666-8697 published), waits for GET /version, makes a
// proxy on one of its ports and hands back the host's address of it.
//
// Usage: node image-testcontainers.js MODULES IMAGE NETWORK UPSTREAM
//   MODULES   the directory holding node_modules/
//   IMAGE     goneaway's image (make image)
//   NETWORK   the engine's network to start it on (the test's own)
//   UPSTREAM  HOST:PORT of the MySQL server, as the container reaches it
//             (its account goneaway, password goneaway)
// The engine is DOCKER_HOST's; TESTCONTAINERS_RYUK_DISABLED=true (no
// image can be pulled here).  The MySQL client is the MariaDB command
// line client ("mariadb"), whose error numbers are printed.
//
// Checked, one line each ("ok ..." or "not ok ..."): bytes relayed
// through the proxy (a 200000-byte value comes back whole), a latency
// toxic of 1000 ms downstream (a connection and a query take at least
// 3 s: the greeting, the login's answer and the result each wait), and
// goneaway's mysql_cut at COM_QUERY (the client reports the connection
// lost, error 2013, as the MariaDB client does here).  Exit 0 when all
// passed, 1 otherwise, 2 when the module could not be loaded or the
// container not started.
'use strict';
const path = require('path');
const { execFile } = require('child_process');

const [modules, image, network, upstream] = process.argv.slice(2);
if (!upstream) {
	console.error('usage: image-testcontainers.js MODULES IMAGE NETWORK UPSTREAM');
	process.exit(2);
}

// The MariaDB client through HOST:PORT: { code, out, err, ms }.
function mariadb(host, port, sql) {
	const t0 = process.hrtime.bigint();
	return new Promise((resolve) => {
		execFile('mariadb', ['--no-defaults', '-h', host, '-P', String(port),
			'-u', 'goneaway', '--password=goneaway', '--connect-timeout=20', '-N', '-B', '-e', sql],
		{ maxBuffer: 16 << 20, timeout: 60000 }, (e, out, err) => {
			resolve({ code: e ? (e.code ?? 'killed') : 0, out, err,
				ms: Number((process.hrtime.bigint() - t0) / 1000000n) });
		});
	});
}

let failed = 0;
function check(ok, what) {
	console.log(`${ok ? 'ok' : 'not ok'} - ${what}`);
	if (!ok)
		failed++;
}

async function main() {
	let mod;
	try {
		mod = require(path.join(modules, 'node_modules/@testcontainers/toxiproxy'));
	} catch (e) {
		console.error(`cannot load @testcontainers/toxiproxy: ${e.message}`);
		return 2;
	}
	let container;
	try {
		container = await new mod.ToxiProxyContainer(image)
			.withNetworkMode(network).start();
	} catch (e) {
		console.error(`the module could not start ${image}: ${e.message}`);
		return 2;
	}
	try {
		const version = await container.client.getVersion();
		console.log(`started ${image}: ${container.getHost()}:` +
			`${container.getMappedPort(8474)} says version ${version}`);
		const proxy = await container.createProxy({ name: 'mysql', upstream });
		console.log(`proxy ${proxy.instance.name}: ${proxy.instance.listen}` +
			` -> ${upstream}, from the host ${proxy.host}:${proxy.port}`);

		let r = await mariadb(proxy.host, proxy.port, "SELECT REPEAT('x', 200000)");
		check(r.code === 0 && r.out === 'x'.repeat(200000) + '\n',
		      `bytes relayed: ${r.out.length} bytes back in ${r.ms} ms ${r.err.trim()}`);

		const latency = await proxy.instance.addToxic({ name: 'slow',
			type: 'latency', stream: 'downstream', toxicity: 1,
			attributes: { latency: 1000, jitter: 0 } });
		r = await mariadb(proxy.host, proxy.port, 'SELECT 1');
		check(r.code === 0 && r.out === '1\n' && r.ms >= 3000,
		      `latency 1000 ms downstream: a connection and a query took ${r.ms} ms (>= 3000) ${r.err.trim()}`);
		await latency.remove();

		await proxy.instance.addToxic({ name: 'cut', type: 'mysql_cut',
			stream: 'upstream', toxicity: 1,
			attributes: { at: 'command', command: 'COM_QUERY' } });
		r = await mariadb(proxy.host, proxy.port, 'SELECT 1');
		check(r.code !== 0 && /^ERROR 2013 /m.test(r.err),
		      `mysql_cut at COM_QUERY: exit ${r.code}, ${r.err.trim()}`);
		const cut = await proxy.instance.getToxic('cut');
		check(cut.type === 'mysql_cut' && cut.attributes.at === 'command',
		      `the proxy's toxic: ${JSON.stringify(cut.toJson())}`);
	} catch (e) {
		check(false, `the module's calls: ${e.message}`);
	} finally {
		await container.stop();
	}
	return failed ? 1 : 0;
}

main().then((rc) => process.exit(rc), (e) => {
	console.error(e);
	process.exit(2);
});
