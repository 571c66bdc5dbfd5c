/** A real git server for tests: `git daemon` on 127.0.0.1 serving the bare repositories under a directory. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Wait until something accepts connections on `port`. */
async function until(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = createConnection(port, '127.0.0.1', () => {
        c.end();
        resolve(true);
      }).on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('git daemon did not start');
}

/** A running `git daemon`: the URL of a repository under its base path, and how to stop it. */
export interface Daemon {
  url(repo: string): string;
  stop(): void;
}

/**
 * `git daemon` serving every repository under `base` (pushes allowed), with `env` added to its
 * environment: what its receive-pack and hooks see (`REMOTE_USER` set by an authenticating server).
 */
export async function startDaemon(base: string, env: Record<string, string> = {}): Promise<Daemon> {
  const port = await freePort();
  const p: ChildProcess = spawn('git', ['daemon', '--reuseaddr', `--base-path=${base}`, '--export-all', '--enable=receive-pack', '--listen=127.0.0.1', `--port=${port}`, base], {
    stdio: 'ignore',
    env: { ...process.env, ...env },
  });
  await until(port);
  return { url: (repo) => `git://127.0.0.1:${port}/${repo}`, stop: () => p.kill() };
}
