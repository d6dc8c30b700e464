/**
 * Spindle's task module: the shared work wrapped in `task()`, loaded by Spindle's thread and process workers.
 * Written as a user would: a static import of the package, no top-level await (a module with one cannot be
 * required, and Spindle's workers then import it, ~3 ms slower to start). `npm run typecheck` resolves the
 * package to src/ (tsconfig.json "paths"); at run time it is dist/, through the package's "exports".
 */
import { task } from 'spindle';
import work from './work.cts';

export const inc = task(import.meta.url, work.inc);
export const spin = task(import.meta.url, work.spin);
export const byteLength = task(import.meta.url, work.byteLength);
