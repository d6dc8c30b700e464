/**
 * How a worker loads a task module: by `require()` where Node can require an ES module, else by `import()`.
 *
 * Why: a worker's first `import()` sets up Node's asynchronous ES module loader, which a synchronous
 * `require()` of the same module skips: an empty worker thread whose CommonJS entry requires an ES module
 * posts its first message ~3 ms sooner than one that imports it (Node 20.20, medians of alternating runs), of
 * a start-up of ~30 ms. Both give the same module namespace and share one module cache, so a module loaded
 * one way and later the other runs once.
 *
 * `require()` is only tried where it cannot change what the module is:
 * - Node can require ES modules (`process.features.require_module`) and says nothing when it does: 20.19,
 *   22.13, 24 and later (earlier versions warn, under the flag that turns it on; 22.12 and 23 by default);
 * - no flag may have put loader hooks or preloads in place (`--import`, `--loader`, `--require`...; tsx is
 *   one): hooks apply to `import()`, and a module that instruments or compiles what it loads must see it;
 * - the module is a `.js` or `.mjs` file (TypeScript goes through the hooks or Node's type stripping).
 * A module with top-level await cannot be required: Node refuses it before running any of it, and it is
 * imported instead. A module that turns out to be CommonJS was run by the `require()` and is imported from
 * the cache, so its exports take the shape `import()` gives them.
 */
import { nodeModule, nodeUrl, nodeUtil } from '../../core/lazy-builtins.ts';

export type ModuleNamespace = Record<string, unknown>;

/** Flags under which loader hooks or preloads may be in place. */
const HOOK_FLAGS = /(?:^|\s)(?:--import|--loader|--experimental-loader|--require|-r)(?:[=\s]|$)/;

/** Errors after which `import()` is asked: the module needs it (top-level await) or gives the canonical error. */
const IMPORT_INSTEAD = new Set([
  'ERR_REQUIRE_ASYNC_MODULE',
  'ERR_REQUIRE_CYCLE_MODULE',
  'ERR_REQUIRE_ESM',
  'ERR_UNKNOWN_FILE_EXTENSION',
  'MODULE_NOT_FOUND',
]);

export interface RequireConditions {
  readonly requireModule: boolean;
  readonly nodeVersion: string;
  readonly flags: string;
}

function currentConditions(): RequireConditions {
  return {
    requireModule: (process.features as { require_module?: boolean }).require_module === true,
    nodeVersion: process.versions.node,
    flags: `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`,
  };
}

let current: RequireConditions | undefined;

/** Whether `moduleUrl` may be loaded by `require()` here (see the file comment). */
export function mayRequire(
  moduleUrl: string,
  conditions: RequireConditions = (current ??= currentConditions()),
): boolean {
  if (!conditions.requireModule || !requiresQuietly(conditions.nodeVersion)) return false;
  if (HOOK_FLAGS.test(conditions.flags)) return false;
  return moduleUrl.startsWith('file:') && /\.m?js$/.test(new URL(moduleUrl).pathname);
}

/**
 * Whether this Node requires an ES module without an ExperimentalWarning: 20.19, 22.13, 24 and later. Earlier
 * lines warn when `--experimental-require-module` turns it on, and so do 22.12 and the 23 line by default.
 */
function requiresQuietly(nodeVersion: string): boolean {
  const [major = 0, minor = 0] = nodeVersion.split('.').map(Number);
  if (major === 20) return minor >= 19;
  if (major === 22) return minor >= 13;
  return major >= 24;
}

/** Loads a task module; resolves to its namespace, as `import(moduleUrl)` would. */
export function loadTaskModule(moduleUrl: string): Promise<ModuleNamespace> {
  if (mayRequire(moduleUrl)) {
    let loaded: unknown;
    try {
      loaded = nodeModule().createRequire(moduleUrl)(nodeUrl().fileURLToPath(moduleUrl));
    } catch (error) {
      if (!IMPORT_INSTEAD.has(String((error as { code?: unknown } | null)?.code)))
        return Promise.reject(error);
    }
    if (loaded !== undefined && nodeUtil().types.isModuleNamespaceObject(loaded)) {
      return Promise.resolve(loaded as ModuleNamespace);
    }
  }
  return import(moduleUrl) as Promise<ModuleNamespace>;
}
