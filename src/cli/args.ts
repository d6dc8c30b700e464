/**
 * The command line of `spindle`, parsed and checked into one typed object, with the usage text. Mistakes
 * raise InvalidArgumentError with a message that names the option, and the CLI prints it with the usage.
 */
import { parseArgs } from 'node:util';
import { InvalidArgumentError } from '../errors.ts';

export const USAGE = `Usage:
  spindle profile <module> [--task <export>] [--args <json> | --inputs <export>]
                  [--quick] [--json] [--out <dir>] [--timeout <ms>]
  spindle profile --builtin [--quick] [--json] [--out <dir>]

Measures a task serially, on AsyncExecutor, on thread pools and on process pools, names its kind of
workload and recommends a backend, writing spindle-decision.md and spindle-report.html.

Options:
  --task <export>    the export holding the task (default: the module's only task export)
  --args <json>      an array of argument lists ([[1],[2]]) or one argument list ([1, "a"])
  --inputs <export>  an export of the same module: an array or iterable of argument lists
  --quick            fewer strategies and shorter trials (about 10 s instead of 30-60 s)
  --json             print the results as JSON on stdout (progress stays on stderr)
  --out <dir>        where to write the reports (default: the current directory)
  --timeout <ms>     per-call time limit; longer calls count as hung (default: 10000)
  --builtin          profile the built-in workloads, one per kind of workload
  -h, --help         show this help`;

export type Command =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'profile';
      /** Undefined with `builtin`. */
      readonly module: string | undefined;
      readonly builtin: boolean;
      readonly task: string | undefined;
      readonly args: string | undefined;
      readonly inputs: string | undefined;
      readonly quick: boolean;
      readonly json: boolean;
      readonly out: string;
      readonly timeoutMs: number;
    };

/** Parses `argv` (without the node and script paths). */
export function parseCommand(argv: readonly string[]): Command {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    // parseArgs' own messages are clear ("Unknown option '--foo'"); keep them, typed.
    throw new InvalidArgumentError((error as Error).message, { cause: error });
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help' };
  const [command, ...rest] = positionals;
  if (command === undefined)
    throw new InvalidArgumentError('Missing command: expected `spindle profile ...`');
  if (command !== 'profile')
    throw new InvalidArgumentError(`Unknown command \`${command}\`; expected \`profile\``);
  const builtin = values.builtin === true;
  if (rest.length > 1)
    throw new InvalidArgumentError(`Expected one module, got ${rest.length}: ${rest.join(' ')}`);
  const module = rest[0];
  if (builtin && module !== undefined)
    throw new InvalidArgumentError('Give either a module or --builtin, not both');
  if (!builtin && module === undefined) throw new InvalidArgumentError('Missing the module to profile');
  if (builtin && (values.task !== undefined || values.args !== undefined || values.inputs !== undefined)) {
    throw new InvalidArgumentError('--task, --args and --inputs do not apply to --builtin');
  }
  if (values.args !== undefined && values.inputs !== undefined) {
    throw new InvalidArgumentError('Give either --args or --inputs, not both');
  }
  let timeoutMs = 10_000;
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout);
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new InvalidArgumentError(
        `--timeout must be a number of milliseconds above 0, got \`${values.timeout}\``,
      );
    }
  }
  return {
    kind: 'profile',
    module,
    builtin,
    task: values.task,
    args: values.args,
    inputs: values.inputs,
    quick: values.quick === true,
    json: values.json === true,
    out: values.out ?? '.',
    timeoutMs,
  };
}

function parseOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      task: { type: 'string' },
      args: { type: 'string' },
      inputs: { type: 'string' },
      quick: { type: 'boolean' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      timeout: { type: 'string' },
      builtin: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
