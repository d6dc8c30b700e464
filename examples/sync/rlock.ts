// examples/sync/rlock.ts
// RLock: a lock its owner may take again. transfer() holds it while it calls withdraw() and deposit(),
// which take it too; with a Lock the second hold() would wait for itself for ever.
import { RLock, ThreadPoolExecutor, sharedArray } from '../../src/index.ts';
import { transfer } from './tasks.ts';

await using pool = new ThreadPoolExecutor({ maxWorkers: 2 });
const accounts = sharedArray('int32', [100, 100]);
const lock = new RLock();

await Promise.all([
  pool.submit(transfer, accounts, lock, 0, 1, 50), // 50 × 1 from account 0 to account 1
  pool.submit(transfer, accounts, lock, 1, 0, 30), // meanwhile 30 × 1 back
]);
console.log(`accounts: ${accounts.join(', ')}; total ${accounts[0]! + accounts[1]!}`);
console.log(`locked afterwards: ${lock.locked()}`);

// prints:
// accounts: 80, 120; total 200
// locked afterwards: false
