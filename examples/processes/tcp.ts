// examples/processes/tcp.ts
// A manager served on TCP, and a program that connects to it with the address and the key. Both sides are in
// this one file here; the connecting side could as well run on another machine.
import { randomBytes } from 'node:crypto';
import { AuthenticationError, Manager, ProcessPoolExecutor } from '../../src/index.ts';
import type { DictProxy } from '../../src/index.ts';
import { addScore } from './tasks.ts';

// The serving program: loopback (the default host), any free port, and a key of its own choosing.
const authkey = randomBytes(32).toString('hex'); // give it to the other program out of band, never in code
await using server = await Manager.start({ address: { host: '127.0.0.1', port: 0 }, authkey });
const { host, port } = server.address as { host: string; port: number }; // a TCP address: host and port
console.log(`serving on ${host} (the port varies from run to run)`);
await server.register('scores', await server.dict<string, number>()); // findable by name from elsewhere

// The connecting program needs only the address, the key and the name.
await using remote = await Manager.connect({ host, port }, { authkey });
const scores = await remote.lookup<DictProxy<string, number>>('scores');
if (scores === undefined) throw new Error('nothing is registered as "scores"');
await using pool = new ProcessPoolExecutor({ maxWorkers: 2 }); // its workers reach the server over TCP too
await Promise.all([
  pool.submit(addScore, scores, 'ada', [10, 20, 12]),
  pool.submit(addScore, scores, 'grace', [15, 15, 15]),
]);
for (const [name, score] of [...(await scores.toMapAsync())].sort()) console.log(`${name}: ${score}`);

try {
  await Manager.connect({ host, port }, { authkey: randomBytes(32).toString('hex') });
} catch (error) {
  if (!(error instanceof AuthenticationError)) throw error;
  console.log('a wrong key: AuthenticationError');
}

// prints:
// serving on 127.0.0.1 (the port varies from run to run)
// ada: 42
// grace: 45
// a wrong key: AuthenticationError
