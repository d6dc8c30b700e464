import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reader, Writer } from '../../../src/backends/common/codec.ts';
import type { Frame } from '../../../src/backends/common/protocol.ts';
import {
  FRAME_BULK,
  FRAME_CANCEL,
  FRAME_DEFINE,
  FRAME_MEMORY,
  FRAME_READY,
  FRAME_RESULT,
  FRAME_RUN,
  FRAME_SKIPPED,
  FRAME_WAKE,
  readFrame,
  writeFrame,
} from '../../../src/backends/common/protocol.ts';

function roundTrip(frame: Frame): { frame: Frame; bytes: number } {
  const w = new Writer(new Uint8Array(16), true);
  writeFrame(w, frame);
  const r = new Reader(w.bytes.subarray(0, w.pos));
  const read = readFrame(r);
  assert.equal(r.pos, w.pos, 'the reader stops where the writer did');
  return { frame: read, bytes: w.pos };
}

describe('protocol frames', () => {
  it('read back as they were written, every type', () => {
    const frames: Frame[] = [
      { type: FRAME_DEFINE, key: 7, moduleUrl: 'file:///tasks.js', exportName: 'square' },
      { type: FRAME_RUN, id: 1, key: 7, slot: 3, args: [1, 'two', [3]] },
      { type: FRAME_CANCEL, id: 2 },
      { type: FRAME_BULK },
      { type: FRAME_READY },
      { type: FRAME_RESULT, id: 1, ok: true, runMicros: 12.5, value: { n: 49 } },
      { type: FRAME_SKIPPED, id: 4 },
      { type: FRAME_MEMORY, bytes: 123_456_789 },
      { type: FRAME_WAKE },
    ];
    for (const frame of frames) assert.deepEqual(roundTrip(frame).frame, frame);
  });

  it('carries BULK and WAKE as their type byte alone', () => {
    assert.equal(roundTrip({ type: FRAME_BULK }).bytes, 1);
    assert.equal(roundTrip({ type: FRAME_WAKE }).bytes, 1);
  });

  it('refuses an unknown frame type as a corrupt stream', () => {
    assert.throws(() => readFrame(new Reader(new Uint8Array([200]))), /unknown frame type 200/);
  });
});
