/**
 * poolifier's worker for FixedClusterPool (cluster processes): the shared work as named task functions.
 *
 * CommonJS because poolifier's primary sends its start-up message as soon as the cluster worker is online; an
 * ES module worker on Node 20 is still loading then and misses it, and the pool never becomes ready (checked
 * with poolifier 5.3.2). A CommonJS worker registers its listener synchronously, in time.
 */
// A CommonJS module under `verbatimModuleSyntax` can only import this way; see above for why CommonJS.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import poolifier = require('poolifier');
// eslint-disable-next-line @typescript-eslint/no-require-imports
import work = require('./work.cts');

export = new poolifier.ClusterWorker<number | Uint8Array, number>({
  inc: (n) => work.inc(n as number),
  spin: (n) => work.spin(n as number),
  byteLength: (bytes) => work.byteLength(bytes as Uint8Array),
});
