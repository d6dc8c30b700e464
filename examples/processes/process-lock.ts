// examples/processes/process-lock.ts
// ProcessLock: the seeds' counter across processes. Three Processes each add 1 to one number in shared memory
// 50,000 times, under a lock that lives in the same block.
import { Process, ProcessLock, SharedMemory } from '../../src/index.ts';
import { increment } from './tasks.ts';

using shm = new SharedMemory({ size: 16 }); // bytes 0-7: [count, scratch] as int32s; bytes 8-15: the lock
const lock = new ProcessLock({ memory: shm, byteOffset: 8 }); // fresh, zero-filled memory is a free lock
const counter = new Int32Array(shm.buffer, 0, 2);

const processes = [1, 2, 3].map(() => new Process(increment, shm, lock, 50_000));
for (const p of processes) p.start();
for (const p of processes) await p.result(); // join() and rethrow the task's error, if any

console.log(`count: ${counter[0]}`);
console.log(`locked afterwards: ${lock.locked()}`);
shm.unlink();

// prints:
// count: 150000
// locked afterwards: false
