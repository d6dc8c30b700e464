// The main-thread half of a test-only blocking bridge: a worker thread (test/fixtures/manager-objects-worker.ts)
// calls the host here with its proxies' blocking forms, one session for the worker, as the real transport's
// bridge will. Request on a MessagePort; the reply is posted back and the worker woken through a shared cell,
// so it can sleep in Atomics.wait and read the reply with receiveMessageOnPort.
import { MessageChannel, Worker } from 'node:worker_threads';
import type { EncodedError } from '../../../src/backends/common/remote-error.ts';
import { decodeError, encodeError } from '../../../src/backends/common/remote-error.ts';
import { tsxApiUrl, tsxBootstrap } from '../../../src/backends/thread/typescript-loader.ts';
import type { ObjectHost, Session } from '../../../src/manager/types.ts';
import { ENDPOINT } from './fake-channel.ts';

let nextSession = 5000;

/** One blocking call from the worker. */
export interface BridgeRequest {
  readonly object: number;
  readonly method: string;
  readonly args: unknown[];
  readonly timeout: number | undefined;
}

export type BridgeReply =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: EncodedError };

const FIXTURE = new URL('../../fixtures/manager-objects-worker.ts', import.meta.url);

/** A worker running one scenario of the fixture against `host`, and how it ended. */
export interface BridgedWorker {
  readonly session: Session;
  readonly worker: Worker;
  /** The scenario's return value; rejects with its error (rebuilt). */
  readonly result: Promise<unknown>;
  /** Resolves once the worker has exited and its session was closed on the host. */
  readonly exited: Promise<void>;
}

export function runInWorker(host: ObjectHost, scenario: string, ids: Record<string, number>): BridgedWorker {
  const session: Session = { id: nextSession++ };
  const { port1, port2 } = new MessageChannel();
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const pending = new Set<AbortController>();
  // Node 20 applies `--import tsx` to the main thread only: the worker registers it first (typescript-loader.ts).
  const tsx = tsxApiUrl();
  const worker = new Worker(tsx === undefined ? FIXTURE : tsxBootstrap(tsx, FIXTURE.href), {
    eval: tsx !== undefined,
    workerData: { port: port2, cell, scenario, ids, endpoint: ENDPOINT },
    transferList: [port2],
  });
  const reply = (message: BridgeReply): void => {
    port1.postMessage(message);
    Atomics.store(cell, 0, 1);
    Atomics.notify(cell, 0);
  };
  port1.on('message', (request: BridgeRequest) => {
    const controller = new AbortController();
    pending.add(controller);
    Promise.resolve()
      .then(() =>
        host.invoke(request.object, request.method, request.args, {
          session,
          timeout: request.timeout,
          signal: controller.signal,
        }),
      )
      .then(
        (value) => reply({ ok: true, value }),
        (error: unknown) => reply({ ok: false, error: encodeError(error) }),
      )
      .finally(() => pending.delete(controller));
  });
  const result = new Promise<unknown>((resolve, reject) => {
    worker.on('message', (message: { value?: unknown; error?: EncodedError }) => {
      if (message.error !== undefined) reject(decodeError(message.error));
      else resolve(message.value);
    });
    worker.on('error', reject);
  });
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      // What the server does when a peer's connection drops: abort its requests, then tell the host.
      for (const controller of pending) controller.abort(new Error('worker exited'));
      host.sessionClosed(session);
      port1.close();
      resolve();
    });
  });
  return { session, worker, result, exited };
}
