/**
 * Whether the holder of a process-shared lock is gone: a process (by pid), or a thread of this process (by
 * the thread-liveness table of the threads Spindle started).
 *
 * Like the thread table, this only ever errs towards "alive": a holder whose death cannot be seen (a thread of
 * another process, a pid reused by a new process) keeps its waiters waiting until their timeout, never
 * hands them a lock that someone still holds.
 */
import { readFileSync } from 'node:fs';
import { isThreadGone } from '../backends/thread/thread-liveness.ts';

/** True if process `pid` has exited (including an exited child its parent has not reaped yet). */
export function isProcessGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  // kill(pid, 0) succeeds on a zombie: a process that has exited but whose parent has not collected its
  // exit status yet. Its state letter in /proc says so.
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
  const state = stat.charAt(stat.lastIndexOf(')') + 2);
  return state === 'Z' || state === 'X';
}

/** True if the holder (`pid`, `threadId`) is known to be gone. */
export function isHolderGone(pid: number, threadId: number): boolean {
  return pid === process.pid ? isThreadGone(threadId) : isProcessGone(pid);
}
