/** workerpool's worker script (thread and process): registers the shared work under its names. */
import workerpool from 'workerpool';
import work from './work.cts';

workerpool.worker({ inc: work.inc, spin: work.spin, byteLength: work.byteLength });
