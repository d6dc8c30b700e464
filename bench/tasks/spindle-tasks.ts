/** Spindle's task module: the shared work wrapped in `task()`, loaded by Spindle's thread and process workers. */
import { spindleExport } from '../spindle-api.ts';
import work from './work.cts';

const task = await spindleExport('task');

export const inc = task(import.meta.url, work.inc);
export const spin = task(import.meta.url, work.spin);
export const byteLength = task(import.meta.url, work.byteLength);
