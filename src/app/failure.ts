/**
 * What the CLI and the MCP server say about an error that reached them: a QueueError as it is; a failed git command
 * (`git`), a refusal of the system (`io`: a full disk, a read-only file system, a permission) or
 * an installation missing some of its files (`broken_install`) as what it is, with no stack trace,
 * since the user can act on it; anything else is `internal`, a bug
 * in queue, reported with its stack so it can be fixed.
 */
import { QueueError } from '../domain/errors.js';
import { GitFailure } from '../git/git.js';

/** One failure as the CLI prints it: the JSON error's code, message and details, and the exit code. */
export interface Failure {
  code: string;
  message: string;
  exit: number;
  details: Record<string, unknown>;
}

const SYSTEM: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'an input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EBUSY: 'the resource is busy',
};

/** The {@link Failure} for `e`. */
export function failureOf(e: unknown): Failure {
  if (e instanceof QueueError) return { code: e.code, message: e.message, exit: e.exitCode, details: e.details };
  if (e instanceof GitFailure) return { code: 'git', message: e.message, exit: 2, details: {} };
  const sys = e as NodeJS.ErrnoException | null;
  // One of queue's own files, loaded when a command first needs it, is gone (`cli/bin.ts` says the
  // same of the files every command loads).
  if (sys && sys.code === 'ERR_MODULE_NOT_FOUND') {
    const message = `this installation of queue is missing a file (${String(sys.message).split('\n')[0]}); reinstall it (npm install -g workqueue.md)`;
    return { code: 'broken_install', message, exit: 2, details: {} };
  }
  if (sys && typeof sys.code === 'string' && sys.code in SYSTEM) {
    const where = sys.path ? ` ${sys.path}` : '';
    return {
      code: 'io',
      message: `${sys.syscall ?? 'system call'}${where}: ${SYSTEM[sys.code]} (${sys.code})`,
      exit: 2,
      details: { errno: sys.code, ...(sys.path ? { path: sys.path } : {}) },
    };
  }
  return { code: 'internal', message: `internal error (a bug in queue: please report it with the command you ran): ${(e as Error)?.stack ?? String(e)}`, exit: 2, details: {} };
}
