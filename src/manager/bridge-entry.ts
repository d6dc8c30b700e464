/**
 * The bridge's helper thread (see bridge.ts): owns one socket to a manager for one calling thread, and moves
 * bytes between the two without decoding them. Replies are decoded by the caller, where their values are used.
 *
 *   caller ──frames (transferred)──▶ port ──▶ socket ──▶ manager
 *   caller ◀──chunks (transferred)── port ◀── socket ◀──┘   then flags[SEQ]++ and Atomics.notify: a caller
 *                                                            blocked in Atomics.wait wakes and reads its port
 *
 * It ends when the socket does (the manager died, or the connection failed), when the caller says close, or
 * when the caller's thread exits (its port closes): it posts why, marks itself DEAD and wakes the caller.
 */
import { workerData } from 'node:worker_threads';
import { authkeyBytes } from './auth.ts';
import type { BridgeFailedMessage, BridgeWorkerData } from './bridge-protocol.ts';
import { CLOSE_MESSAGE, CONNECTING, DEAD, OPEN, OPEN_MESSAGE, SEQ, STATE } from './bridge-protocol.ts';
import type { Failure } from './call-table.ts';
import { ClientSocket } from './client-socket.ts';

const { endpoint, options, flags: flagBuffer, port } = workerData as BridgeWorkerData;
const flags = new Int32Array(flagBuffer);
let finished = false;

function wake(): void {
  Atomics.add(flags, SEQ, 1);
  Atomics.notify(flags, SEQ);
}

function finish(failure: Failure): void {
  if (finished) return;
  finished = true;
  // The cause may be an error of a class the caller's clone would flatten: its message is in `message`.
  const message: BridgeFailedMessage = {
    type: 'failed',
    failure: { kind: failure.kind, message: failure.message },
  };
  port.postMessage(message);
  Atomics.store(flags, STATE, DEAD);
  wake();
  port.close();
}

process.on('uncaughtException', (error) => {
  finish({ kind: 'unavailable', message: `The manager bridge thread failed: ${error.message}` });
  process.exit(1);
});

Atomics.store(flags, STATE, CONNECTING);
const socket = new ClientSocket(endpoint, authkeyBytes(endpoint.authkey), options, {
  open: () => {
    Atomics.store(flags, STATE, OPEN);
    port.postMessage(OPEN_MESSAGE);
    wake();
  },
  data: (chunk) => {
    // A copy in a buffer of its own: socket chunks may share memory that must not be transferred away.
    const bytes = new Uint8Array(chunk);
    port.postMessage(bytes, [bytes.buffer]);
    wake();
  },
  failed: finish,
});

port.on('message', (message: Uint8Array | typeof CLOSE_MESSAGE) => {
  if (message === CLOSE_MESSAGE) socket.close(`The connection to the manager at ${socket.where} was closed`);
  else socket.write(message);
});
// The calling thread exited: nobody is left to answer.
port.on('close', () => socket.close(`The thread using the manager at ${socket.where} exited`));
