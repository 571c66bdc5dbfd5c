/**
 * Starting one coding agent: its argv (never through a shell) in the worker's worktree, in a
 * process group of its own, stdout and stderr to files in the attempt's log directory. A timeout,
 * or the runner's second Ctrl-C, kills the whole group (SIGTERM, then SIGKILL after a grace period).
 */
import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { Exit } from './judge.js';

/** A running agent: how it ends, and how to stop it early. */
export interface AgentProcess {
  pid: number | undefined;
  /** Resolves when the agent has exited (never rejects). */
  exited: Promise<Exit>;
  /** Kill its process group (a second Ctrl-C). */
  kill(): void;
}

/** How long a killed group gets between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 2_000;

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Start `argv` in `cwd` with `env`, writing `stdout.log` and `stderr.log` in `logDir`, killed after
 * `timeoutMs`. What is left of its process group when it exits is killed too, so nothing it started
 * works on after the attempt is judged.
 */
export function startAgent(o: { argv: string[]; cwd: string; env: NodeJS.ProcessEnv; logDir: string; timeoutMs: number }): AgentProcess {
  const out = openSync(join(o.logDir, 'stdout.log'), 'a');
  const err = openSync(join(o.logDir, 'stderr.log'), 'a');
  let timedOut = false;
  let interrupted = false;
  const child = spawn(o.argv[0], o.argv.slice(1), { cwd: o.cwd, env: o.env, detached: true, stdio: ['ignore', out, err] });
  closeSync(out);
  closeSync(err);
  let grace: NodeJS.Timeout | undefined;
  const stop = () => {
    killGroup(child.pid, 'SIGTERM');
    grace = setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, o.timeoutMs);
  const exited = new Promise<Exit>((resolve) => {
    let settled = false;
    const settle = (e: Exit) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (grace) clearTimeout(grace);
      killGroup(child.pid, 'SIGKILL');
      resolve(e);
    };
    child.once('error', (e) => settle({ code: null, signal: null, timedOut, interrupted, error: (e as NodeJS.ErrnoException).code ?? e.message }));
    child.once('exit', (code, signal) => settle({ code, signal, timedOut, interrupted, error: null }));
  });
  return {
    pid: child.pid,
    exited,
    kill: () => {
      interrupted = true;
      stop();
    },
  };
}

/**
 * Whether the agent command's program `name` can be started: an absolute path to an executable
 * file, or a bare name found executable on `PATH` (POSIX). Null when that cannot be known before an
 * attempt: a relative path or a placeholder (they depend on the worktree), or Windows (`PATHEXT`).
 */
export function programFound(name: string, path = process.env.PATH ?? ''): boolean | null {
  if (process.platform === 'win32' || name.includes('{')) return null;
  const runnable = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (isAbsolute(name)) return runnable(name);
  if (name.includes('/')) return null;
  return path.split(delimiter).some((dir) => dir !== '' && runnable(join(dir, name)));
}
