/**
 * What the blocking bridge (bridge.ts) and its helper thread (bridge-entry.ts) share: the helper's start data,
 * its messages, and the layout of the flags a blocked caller sleeps on.
 *
 *   flags[SEQ]    bumped (and notified) by the helper after each message it posts: the caller's wake-up call
 *   flags[STATE]  BOOTING → CONNECTING → OPEN → DEAD; DEAD is set after the helper's last message is posted,
 *                 so a caller that sees it finds the reason already in its port
 */
import type { MessagePort } from 'node:worker_threads';
import type { Failure } from './call-table.ts';
import type { FilledConnectOptions } from './endpoint.ts';
import type { ManagerEndpoint } from './types.ts';

export const SEQ = 0;
export const STATE = 1;
export const FLAG_COUNT = 2;

export const BOOTING = 0;
export const CONNECTING = 1;
export const OPEN = 2;
export const DEAD = 3;

export interface BridgeWorkerData {
  readonly endpoint: ManagerEndpoint;
  readonly options: FilledConnectOptions;
  /** Int32Array[FLAG_COUNT] over it. */
  readonly flags: SharedArrayBuffer;
  /** The helper's end of the channel to the calling thread. */
  readonly port: MessagePort;
}

/** Helper → caller, once, first: the connection is authenticated. */
export const OPEN_MESSAGE = 'open';

/** Helper → caller: bytes from the server (a Uint8Array, transferred), or this, once, as the last message. */
export interface BridgeFailedMessage {
  readonly type: 'failed';
  readonly failure: Failure;
}

/** Caller → helper: frames to send (Uint8Array, transferred), or this to close the connection and exit. */
export const CLOSE_MESSAGE = 'close';
