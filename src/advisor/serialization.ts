/**
 * What copying a call's arguments and result to a worker costs. Measured with `v8.serialize` and
 * `v8.deserialize` in this process on a sample of real calls: the structured clone that thread and process
 * pools use for anything but the plainest values. (Thread pools carry plain values with a faster codec, so
 * for them this is an upper bound.)
 */
import { deserialize, serialize } from 'node:v8';
import type { SerializationCost } from './measurements.ts';

/** Stop repeating a sample once this much time has been spent on it. */
const TIME_PER_SAMPLE_MS = 20;
const MAX_REPEATS = 200;

/** Measures the mean bytes and round-trip time of copying each call's arguments and result. */
export function measureSerialization(
  samples: readonly { readonly args: readonly unknown[]; readonly result: unknown }[],
): SerializationCost {
  if (samples.length === 0) return { serializable: true, argsBytes: 0, resultBytes: 0, roundTripMs: 0 };
  let argsBytes = 0;
  let resultBytes = 0;
  let roundTripMs = 0;
  for (const { args, result } of samples) {
    let args0: Buffer;
    let result0: Buffer;
    try {
      args0 = serialize(args);
      result0 = serialize(result);
    } catch {
      return { serializable: false, argsBytes: 0, resultBytes: 0, roundTripMs: 0 };
    }
    argsBytes += args0.length;
    resultBytes += result0.length;
    let repeats = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      deserialize(serialize(args));
      deserialize(serialize(result));
      repeats++;
      elapsed = performance.now() - start;
    } while (elapsed < TIME_PER_SAMPLE_MS && repeats < MAX_REPEATS);
    roundTripMs += elapsed / repeats;
  }
  const n = samples.length;
  return {
    serializable: true,
    argsBytes: argsBytes / n,
    resultBytes: resultBytes / n,
    roundTripMs: roundTripMs / n,
  };
}
