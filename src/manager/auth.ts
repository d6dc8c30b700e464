/**
 * Mutual authentication of a manager connection, in the manner of Python's multiprocessing: each side proves it
 * holds the auth key by answering a fresh random challenge with an HMAC of it. The key never crosses the wire.
 *
 *   server                                   client
 *   CHALLENGE('SPDL', v1, nonceS) ─────────▶
 *                                 ◀───────── PROOF(HMAC(key, CLIENT_LABEL ‖ nonceS))
 *   WELCOME | REFUSED (and close) ─────────▶
 *                                 ◀───────── CHALLENGE('SPDL', v1, nonceC)
 *   PROOF(HMAC(key, SERVER_LABEL ‖ nonceC)) ▶
 *                                 ◀───────── WELCOME | REFUSED (and close)
 *
 * The two labels keep a proof made by one side from passing as the other's: a peer posing as a server cannot
 * relay a client's answer back as its own proof. Both halves are sans-IO state machines (frames in, frames
 * out), so the socket code around them stays small and the fuzz tests can drive them directly.
 */
import { AuthenticationError, InvalidArgumentError, ProtocolError } from '../errors.ts';
import { nodeCrypto } from '../core/lazy-builtins.ts';
import { describe } from '../core/task.ts';
import type { Frame } from './wire.ts';
import {
  FRAME_CHALLENGE,
  FRAME_PROOF,
  FRAME_REFUSED,
  FRAME_WELCOME,
  encodeRaw,
  encodeReason,
  readReason,
} from './wire.ts';

const MAGIC = Buffer.from('SPDL', 'latin1');
export const PROTOCOL_VERSION = 1;
const NONCE_BYTES = 32;
const PROOF_BYTES = 32;
const CLIENT_LABEL = Buffer.from('spindle-manager client proof\0', 'latin1');
const SERVER_LABEL = Buffer.from('spindle-manager server proof\0', 'latin1');

/** Key length a TCP manager requires, and what a new key gets. */
export const MIN_TCP_AUTHKEY_BYTES = 16;
const NEW_AUTHKEY_BYTES = 32;

/** How long a peer may take over the whole handshake before its connection is closed. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5_000;

/** A fresh random auth key, hex. */
export function newAuthkey(): string {
  return nodeCrypto().randomBytes(NEW_AUTHKEY_BYTES).toString('hex');
}

/** The bytes of a hex auth key; throws InvalidArgumentError when it is not non-empty, even-length hex. */
export function authkeyBytes(authkey: string, name = 'authkey'): Buffer {
  if (typeof authkey !== 'string' || authkey.length === 0 || !/^(?:[0-9a-fA-F]{2})+$/.test(authkey)) {
    throw new InvalidArgumentError(
      `Expected \`${name}\` to be a non-empty hex string of whole bytes, got ${describe(authkey)}`,
    );
  }
  return Buffer.from(authkey, 'hex');
}

function proof(key: Buffer, label: Buffer, nonce: Buffer): Buffer {
  return nodeCrypto().createHmac('sha256', key).update(label).update(nonce).digest();
}

function challengeFrame(nonce: Buffer): Buffer {
  return encodeRaw(FRAME_CHALLENGE, Buffer.concat([MAGIC, Buffer.of(PROTOCOL_VERSION), nonce]));
}

/** The nonce of a CHALLENGE frame; ProtocolError if the frame is not one, or speaks another protocol. */
function readChallenge(frame: Frame): Buffer {
  expect(frame, FRAME_CHALLENGE, 'CHALLENGE');
  const { payload } = frame;
  if (payload.length !== MAGIC.length + 1 + NONCE_BYTES || !payload.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ProtocolError('The peer does not speak the Spindle manager protocol (bad challenge)');
  }
  const version = payload[MAGIC.length]!;
  if (version !== PROTOCOL_VERSION) {
    throw new ProtocolError(
      `The peer speaks version ${version} of the Spindle manager protocol; this side speaks ${PROTOCOL_VERSION}`,
    );
  }
  return payload.subarray(MAGIC.length + 1);
}

function expect(frame: Frame, type: number, name: string): void {
  if (frame.type === type) return;
  if (frame.type === FRAME_REFUSED) {
    throw new AuthenticationError(`The peer refused the handshake: ${readReason(frame.payload)}`);
  }
  throw new ProtocolError(`Expected a ${name} frame during the handshake, got frame type ${frame.type}`);
}

function proofMatches(frame: Frame, expected: Buffer): boolean {
  expect(frame, FRAME_PROOF, 'PROOF');
  if (frame.payload.length !== PROOF_BYTES) throw new ProtocolError('Malformed PROOF frame');
  return nodeCrypto().timingSafeEqual(frame.payload, expected);
}

/**
 * What one step of a handshake gives: frames to send now, and whether the handshake is complete or failed. On
 * `error` (AuthenticationError for a wrong proof, ProtocolError for anything malformed or out of order), send
 * `send` (a REFUSED frame telling the peer why, if any) and close.
 */
export interface HandshakeStep {
  readonly send: readonly Buffer[];
  readonly done: boolean;
  readonly error?: Error;
}

const refused = (error: Error): HandshakeStep => ({
  send: [encodeReason(FRAME_REFUSED, 'wrong auth key')],
  done: false,
  error,
});

function guarded(step: () => HandshakeStep): HandshakeStep {
  try {
    return step();
  } catch (error) {
    return { send: [], done: false, error: error as Error };
  }
}

/** The server's half. `start()` gives the first frame; feed each frame received to `receive()`. */
export class ServerHandshake {
  readonly #key: Buffer;
  readonly #nonce = nodeCrypto().randomBytes(NONCE_BYTES);
  #state: 'start' | 'proof' | 'challenge' | 'verdict' | 'done' = 'start';

  constructor(key: Buffer) {
    this.#key = key;
  }

  start(): Buffer {
    this.#state = 'proof';
    return challengeFrame(this.#nonce);
  }

  receive(frame: Frame): HandshakeStep {
    return guarded(() => this.#receive(frame));
  }

  #receive(frame: Frame): HandshakeStep {
    switch (this.#state) {
      case 'proof':
        if (!proofMatches(frame, proof(this.#key, CLIENT_LABEL, this.#nonce))) {
          this.#state = 'done';
          return refused(new AuthenticationError('The client did not prove it holds the auth key'));
        }
        this.#state = 'challenge';
        return { send: [encodeRaw(FRAME_WELCOME)], done: false };
      case 'challenge': {
        const nonce = readChallenge(frame);
        this.#state = 'verdict';
        return { send: [encodeRaw(FRAME_PROOF, proof(this.#key, SERVER_LABEL, nonce))], done: false };
      }
      case 'verdict':
        expect(frame, FRAME_WELCOME, 'WELCOME');
        this.#state = 'done';
        return { send: [], done: true };
      default:
        throw new ProtocolError(`Handshake frame received in state ${this.#state}`);
    }
  }
}

/** The client's half: feed it every frame received; it answers the server's challenge, then challenges back. */
export class ClientHandshake {
  readonly #key: Buffer;
  readonly #nonce = nodeCrypto().randomBytes(NONCE_BYTES);
  #state: 'challenge' | 'verdict' | 'proof' | 'done' = 'challenge';

  constructor(key: Buffer) {
    this.#key = key;
  }

  receive(frame: Frame): HandshakeStep {
    return guarded(() => this.#receive(frame));
  }

  #receive(frame: Frame): HandshakeStep {
    switch (this.#state) {
      case 'challenge': {
        const nonce = readChallenge(frame);
        this.#state = 'verdict';
        return { send: [encodeRaw(FRAME_PROOF, proof(this.#key, CLIENT_LABEL, nonce))], done: false };
      }
      case 'verdict':
        if (frame.type === FRAME_REFUSED) {
          throw new AuthenticationError(
            `The manager refused this client's auth key (${readReason(frame.payload)})`,
          );
        }
        expect(frame, FRAME_WELCOME, 'WELCOME');
        this.#state = 'proof';
        return { send: [challengeFrame(this.#nonce)], done: false };
      case 'proof':
        if (!proofMatches(frame, proof(this.#key, SERVER_LABEL, this.#nonce))) {
          this.#state = 'done';
          return refused(new AuthenticationError('The manager did not prove it holds the auth key'));
        }
        this.#state = 'done';
        return { send: [encodeRaw(FRAME_WELCOME)], done: true };
      default:
        throw new ProtocolError('Frame received after the handshake completed');
    }
  }
}
