/**
 * The `spindle` command: parses the command line, runs the command, and turns every outcome into an exit
 * status. Bad input (any SpindleError: a missing module, an export that is not a task, arguments that are
 * not JSON, a task that always throws or hangs) prints one clear line on stderr and exits 1 (2 for a
 * malformed command line); only a bug in Spindle itself prints a stack trace.
 *
 * Ctrl-C stops the trial in progress and writes a partial report of the trials that finished (exit 130);
 * a second Ctrl-C exits at once.
 */
import { SpindleError } from '../errors.ts';
import type { Command } from './args.ts';
import { parseCommand, USAGE } from './args.ts';
import type { CliIo } from './profile-command.ts';
import { EXIT_INTERRUPTED, runProfileCommand } from './profile-command.ts';

/** Runs `spindle` with `argv` (without the node and script paths); resolves with the exit status. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    io.stderr.write(`spindle: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    io.stderr.write(
      '\nInterrupted: stopping the current trial and writing a partial report (Ctrl-C again to quit now).\n',
    );
    controller.abort(new Error('interrupted (SIGINT)'));
  };
  process.on('SIGINT', onSigint);
  try {
    return await runProfileCommand(command, io, controller.signal);
  } catch (error) {
    if (error instanceof SpindleError) {
      io.stderr.write(`spindle: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(
      `spindle: internal error, please report it:\n${(error as Error)?.stack ?? String(error)}\n`,
    );
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
