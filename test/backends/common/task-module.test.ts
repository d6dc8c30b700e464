import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequireConditions } from '../../../src/backends/common/task-module.ts';
import { loadTaskModule, mayRequire } from '../../../src/backends/common/task-module.ts';

const plain: RequireConditions = { requireModule: true, nodeVersion: '20.20.2', flags: ' ' };
const url = 'file:///app/tasks.js';

describe('mayRequire', () => {
  it('requires a .js or .mjs file where Node can require ES modules and no flag may add hooks', () => {
    assert.equal(mayRequire(url, plain), true);
    assert.equal(mayRequire('file:///app/tasks.mjs', { ...plain, nodeVersion: '24.11.1' }), true);
    assert.equal(
      mayRequire(url, { ...plain, flags: '--max-old-space-size=4000 --enable-source-maps' }),
      true,
    );
  });

  it('imports where Node cannot require ES modules, or would warn that it did', () => {
    assert.equal(mayRequire(url, { ...plain, requireModule: false, nodeVersion: '20.18.0' }), false);
    assert.equal(mayRequire(url, { ...plain, nodeVersion: '22.12.0' }), false);
    assert.equal(mayRequire(url, { ...plain, nodeVersion: '23.3.0' }), false);
    // Turned on by --experimental-require-module, which warns on these lines.
    assert.equal(mayRequire(url, { ...plain, nodeVersion: '20.17.0' }), false);
    assert.equal(mayRequire(url, { ...plain, nodeVersion: '22.11.0' }), false);
    assert.equal(mayRequire(url, { ...plain, nodeVersion: '21.7.3' }), false);
    assert.equal(mayRequire(url, { ...plain, nodeVersion: '22.13.0' }), true);
  });

  it('imports where a flag may have put loader hooks or preloads in place', () => {
    for (const flags of [
      '--import tsx',
      '--import=tsx',
      '--loader ts-node/esm',
      '--experimental-loader=./hooks.mjs',
      '--require ./preload.cjs',
      '-r dotenv/config',
      '--max-old-space-size=100 --import ./otel.mjs',
    ]) {
      assert.equal(mayRequire(url, { ...plain, flags }), false, flags);
    }
  });

  it('imports what is not a JavaScript file on disk', () => {
    for (const other of [
      'file:///app/tasks.ts',
      'file:///app/tasks.mts',
      'file:///app/tasks.cjs',
      'data:text/javascript,export const x = 1',
      'https://example.com/tasks.js',
    ]) {
      assert.equal(mayRequire(other, plain), false, other);
    }
  });
});

describe('loadTaskModule', () => {
  it('resolves to the module namespace, as import() does', async () => {
    const namespace = await loadTaskModule(new URL('../../fixtures/async-tasks.ts', import.meta.url).href);
    assert.equal(namespace, await import('../../fixtures/async-tasks.ts'));
  });
});
