// The manager's wire format: frames cut from a byte stream however it is chunked, and refused when malformed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProtocolError } from '../../../src/errors.ts';
import {
  FRAME_CANCEL,
  FRAME_REPLY,
  FRAME_REQUEST,
  FrameDecoder,
  REPLY_CANCELLED,
  REPLY_OK,
  deserializeBody,
  encodeCancel,
  encodeReply,
  encodeRequest,
  mayHoldShared,
  readId,
  readReplyHead,
  readRequestBody,
} from '../../../src/manager/wire.ts';
import { PollWindow } from '../../../src/manager/poll-window.ts';
import type { Frame } from '../../../src/manager/wire.ts';

const MAX = 1 << 20;

function drain(decoder: FrameDecoder): Frame[] {
  const frames: Frame[] = [];
  for (let frame = decoder.next(); frame !== undefined; frame = decoder.next()) frames.push(frame);
  return frames;
}

describe('FrameDecoder', () => {
  const frames = [
    encodeRequest(1, 0, 'echo', [new Map([[1, 2n]])], undefined, MAX),
    encodeCancel(1),
    encodeRequest(2, 7, 'get', ['k'], 250, MAX),
    encodeReply(2, REPLY_OK, { big: new Uint8Array(5000).fill(3) }, MAX),
  ];
  const stream = Buffer.concat(frames);

  test('cuts frames out of one chunk holding many', () => {
    const decoder = new FrameDecoder(MAX);
    decoder.push(stream);
    const out = drain(decoder);
    assert.deepEqual(
      out.map((f) => f.type),
      [FRAME_REQUEST, FRAME_CANCEL, FRAME_REQUEST, FRAME_REPLY],
    );
    assert.equal(decoder.buffered, 0);
  });

  test('joins frames split at every possible point, down to one byte per chunk', () => {
    for (const size of [1, 2, 3, 5, 7, 64, 999]) {
      const decoder = new FrameDecoder(MAX);
      const out: Frame[] = [];
      for (let at = 0; at < stream.length; at += size) {
        decoder.push(stream.subarray(at, at + size));
        out.push(...drain(decoder));
      }
      assert.equal(out.length, 4, `chunks of ${size}`);
      const request = readRequestBody(out[2]!.payload);
      assert.deepEqual(request, { object: 7, method: 'get', args: ['k'], timeout: 250 });
      const reply = readReplyHead(out[3]!.payload);
      assert.equal(reply.id, 2);
      assert.deepEqual(deserializeBody(reply.body, 'reply'), { big: new Uint8Array(5000).fill(3) });
    }
  });

  test('refuses a length over the limit, and a zero length, with ProtocolError', () => {
    const decoder = new FrameDecoder(1024);
    decoder.push(Buffer.from([0, 0, 4, 1, 0x10]));
    assert.throws(
      () => decoder.next(),
      (e: unknown) => e instanceof ProtocolError && /over the limit of 1024/.test(e.message),
    );
    const zero = new FrameDecoder(1024);
    zero.push(Buffer.alloc(4));
    assert.throws(() => zero.next(), ProtocolError);
  });

  test('takeRemaining() hands over the bytes after the last frame read', () => {
    const decoder = new FrameDecoder(MAX);
    decoder.push(Buffer.concat([encodeCancel(9), Buffer.from([1, 2, 3])]));
    assert.equal(decoder.next()?.type, FRAME_CANCEL);
    assert.deepEqual(Buffer.concat(decoder.takeRemaining()), Buffer.from([1, 2, 3]));
    assert.equal(decoder.buffered, 0);
  });
});

describe('frames', () => {
  test('a request too big for the frame limit is refused before anything is sent', () => {
    assert.throws(
      () => encodeRequest(1, 0, 'put', [new Uint8Array(4096)], undefined, 2048),
      (e: unknown) => e instanceof ProtocolError && /over the frame limit of 2048 bytes/.test(e.message),
    );
  });

  test('a cancelled reply has no body; ids survive the full u32 range', () => {
    const decoder = new FrameDecoder(MAX);
    decoder.push(encodeReply(0xffff_ffff, REPLY_CANCELLED, undefined, MAX));
    const head = readReplyHead(decoder.next()!.payload);
    assert.equal(head.id, 0xffff_ffff);
    assert.equal(head.status, REPLY_CANCELLED);
    assert.equal(head.body.length, 0);
  });

  test('malformed request bodies are refused with a ProtocolError saying what is wrong', () => {
    const payloadOf = (body: unknown): Buffer => {
      const decoder = new FrameDecoder(MAX);
      decoder.push(encodeReply(5, REPLY_OK, body, MAX)); // same layout after the id, plus a status byte
      return Buffer.concat([Buffer.from([0, 0, 0, 5]), readReplyHead(decoder.next()!.payload).body]);
    };
    const cases: [unknown, RegExp][] = [
      [{ not: 'an array' }, /not \[object, method, args, timeout\?\]/],
      [[-1, 'm', []], /object id/],
      [[0, 5, []], /method is not a string/],
      [[0, 'm', 'args'], /arguments are not an array/],
      [[0, 'm', [], -3], /timeout/],
    ];
    for (const [body, message] of cases) {
      assert.throws(
        () => readRequestBody(payloadOf(body)),
        (e: unknown) => e instanceof ProtocolError && message.test(e.message),
      );
    }
    assert.throws(() => readRequestBody(Buffer.from([0, 0, 0, 1, 0xff, 0x0f, 0x99])), /does not deserialize/);
    assert.equal(readId(Buffer.from([1, 2])), undefined);
  });

  test('mayHoldShared() finds the packed-shared mark in serialized bytes, and only where it is', () => {
    const withMark = encodeReply(1, REPLY_OK, { x: { '@spindle/shared': 'k', state: 1 } }, MAX);
    const without = encodeReply(1, REPLY_OK, { x: ['@spindle', 'shared'] }, MAX);
    assert.equal(mayHoldShared(withMark), true);
    assert.equal(mayHoldShared(without), false);
  });
});

describe('PollWindow', () => {
  /** The share of `ms` this thread's event loop spent busy (polling) rather than asleep. */
  async function busyShare(ms: number, during: () => void): Promise<number> {
    const start = performance.eventLoopUtilization();
    during();
    await sleep(ms);
    return performance.eventLoopUtilization(start).utilization;
  }

  test('extend() keeps the event loop polling for its window, then lets it sleep', async () => {
    const poll = new PollWindow(40);
    const share = await busyShare(160, () => poll.extend());
    // About 40 of the 160 ms: well above an idle loop, well below one that never sleeps again.
    assert.ok(share > 0.12 && share < 0.7, `busy ${share}`);
  });

  test('stop() ends the window at once; a window of 0 never polls', async () => {
    const stopped = new PollWindow(1_000);
    assert.ok((await busyShare(100, () => (stopped.extend(), stopped.stop()))) < 0.1);
    assert.ok((await busyShare(100, () => new PollWindow(0).extend())) < 0.1);
  });
});
