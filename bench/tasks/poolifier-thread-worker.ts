/** poolifier's worker for FixedThreadPool: the shared work as named task functions. */
import { ThreadWorker } from 'poolifier';
import work from './work.cts';

export default new ThreadWorker<number | Uint8Array, number>({
  inc: (n) => work.inc(n as number),
  spin: (n) => work.spin(n as number),
  byteLength: (bytes) => work.byteLength(bytes as Uint8Array),
});
