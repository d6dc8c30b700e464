/**
 * Finds what to profile from what a person types: a module path, an optional export name, and arguments as
 * JSON or as the name of an exported array of argument lists. Every mistake becomes a typed error whose
 * message names the problem, so the CLI can print it without a stack trace.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError, NotATaskError, TaskNotFoundError } from '../errors.ts';
import type { AnyTask } from '../core/task.ts';
import { describe, isTask } from '../core/task.ts';

/** Argument lists the profiler cycles through; never empty. */
export type ArgLists = readonly (readonly unknown[])[];

/** A task found in a module, with the arguments to call it with. */
export interface ProfileTarget {
  readonly task: AnyTask;
  readonly moduleUrl: string;
  readonly exportName: string;
  readonly argLists: ArgLists;
}

export interface TargetSpec {
  /** Path of the module (relative to `cwd`) or a `file:` URL. */
  readonly module: string;
  /** Export holding the task; optional when the module exports exactly one task. */
  readonly task?: string | undefined;
  /** JSON: an array of argument lists, or one argument list. */
  readonly args?: string | undefined;
  /** Export of the same module holding an array or iterable of argument lists. */
  readonly inputs?: string | undefined;
  /** @default process.cwd() */
  readonly cwd?: string | undefined;
}

/** More argument lists than this are not needed to profile, and an endless generator must stop somewhere. */
const MAX_INPUTS = 10_000;

/** Imports the module and finds the task and its arguments. */
export async function loadTarget(spec: TargetSpec): Promise<ProfileTarget> {
  if (spec.args !== undefined && spec.inputs !== undefined) {
    throw new InvalidArgumentError('Give either --args or --inputs, not both');
  }
  const moduleUrl = moduleUrlOf(spec.module, spec.cwd ?? process.cwd());
  const mod = await importModule(moduleUrl, spec.module);
  const exportName = spec.task ?? onlyTaskExport(mod, spec.module);
  if (!(exportName in mod)) {
    throw new TaskNotFoundError(
      `${spec.module} has no export named \`${exportName}\`. ${taskExportsHint(mod)}`,
    );
  }
  const value = mod[exportName];
  if (!isTask(value)) {
    throw new NotATaskError(
      `Export \`${exportName}\` of ${spec.module} is not a task (got ${describe(value)}). Define it with ` +
        `\`export const ${exportName} = task(import.meta.url, fn)\`. ${taskExportsHint(mod)}`,
    );
  }
  let argLists: ArgLists = [[]];
  if (spec.args !== undefined) argLists = parseArgsJson(spec.args);
  if (spec.inputs !== undefined) argLists = inputsFromExport(mod, spec.inputs, spec.module);
  return { task: value, moduleUrl, exportName, argLists };
}

/**
 * Parses `--args`: `[[1, 2], [3, 4]]` is two argument lists; `[1, 2]` (not all arrays) is one argument list;
 * `[]` is one empty argument list. A single argument that is itself an array needs the outer form:
 * `[[[1, 2]]]`.
 */
export function parseArgsJson(json: string): ArgLists {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new InvalidArgumentError(
      `--args is not valid JSON (${(error as Error).message}): ${JSON.stringify(json)}`,
    );
  }
  if (!Array.isArray(parsed)) {
    throw new InvalidArgumentError(
      `--args must be a JSON array (an argument list, or an array of argument lists), got ${describe(parsed)}`,
    );
  }
  if (parsed.length > 0 && parsed.every((item) => Array.isArray(item))) return parsed as unknown[][];
  return [parsed];
}

function moduleUrlOf(module: string, cwd: string): string {
  if (module.startsWith('file:')) return module;
  const path = resolve(cwd, module);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new TaskNotFoundError(`Module not found: ${module} (looked for ${path})`);
  }
  return pathToFileURL(path).href;
}

async function importModule(moduleUrl: string, shown: string): Promise<Record<string, unknown>> {
  try {
    return (await import(moduleUrl)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown })?.code;
    const hint =
      code === 'ERR_UNKNOWN_FILE_EXTENSION'
        ? ' TypeScript modules need a loader on Node 20: run with `node --import tsx`.'
        : '';
    throw new TaskNotFoundError(
      `Cannot import ${shown}: ${(error as Error)?.message ?? String(error)}.${hint}`,
      { cause: error },
    );
  }
}

function taskExports(mod: Record<string, unknown>): string[] {
  return Object.keys(mod).filter((name) => isTask(mod[name]));
}

function taskExportsHint(mod: Record<string, unknown>): string {
  const names = taskExports(mod);
  return names.length === 0
    ? 'The module exports no tasks.'
    : `Task exports: ${names.map((n) => `\`${n}\``).join(', ')}.`;
}

function onlyTaskExport(mod: Record<string, unknown>, shown: string): string {
  const names = taskExports(mod);
  if (names.length === 1) return names[0]!;
  if (names.length === 0) {
    throw new TaskNotFoundError(
      `${shown} exports no task. Define one with \`export const name = task(import.meta.url, fn)\`.`,
    );
  }
  throw new InvalidArgumentError(
    `${shown} exports ${names.length} tasks; choose one with --task: ${names.map((n) => `\`${n}\``).join(', ')}`,
  );
}

function inputsFromExport(mod: Record<string, unknown>, name: string, shown: string): ArgLists {
  if (!(name in mod)) {
    throw new InvalidArgumentError(`--inputs: ${shown} has no export named \`${name}\``);
  }
  const value = mod[name];
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function'
  ) {
    throw new InvalidArgumentError(
      `--inputs: export \`${name}\` must be an array or iterable of argument lists, got ${describe(value)}`,
    );
  }
  const lists: (readonly unknown[])[] = [];
  for (const item of value as Iterable<unknown>) {
    if (!Array.isArray(item)) {
      throw new InvalidArgumentError(
        `--inputs: item ${lists.length} of \`${name}\` must be an argument list (an array), got ${describe(item)}`,
      );
    }
    lists.push(item);
    if (lists.length === MAX_INPUTS) break;
  }
  if (lists.length === 0) throw new InvalidArgumentError(`--inputs: export \`${name}\` is empty`);
  return lists;
}
