/**
 * Running git: simple-git's `raw` for plumbing, arguments passed as an array (never through
 * a shell), failures turned into {@link GitFailure} with git's own message. Commands that may print
 * nothing when they succeed (`update-ref`, `read-tree`, checks) run as child processes of their own
 * ({@link Git.quiet}, {@link Git.ok}): simple-git waits 50 ms after a command that printed nothing
 * before it answers, which a write would pay once per such command.
 */
import { spawn } from 'node:child_process';
import type { SimpleGit, SimpleGitFactory } from 'simple-git';

/** `QUEUE_TRACE=1` prints every git command queue runs, with its duration, to stderr. */
const TRACE = process.env.QUEUE_TRACE === '1';

/** A git command that exited non-zero. `stderr` is git's message. */
export class GitFailure extends Error {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
  ) {
    super(`git ${args[0] === '-c' ? args[2] : args[0]}: ${gist(stderr)}`);
  }
}

/** What a person needs from git's stderr: its `fatal:`/`error:` lines (and the `remote:` lines a
 * hook printed), else its last three lines. Progress and hint lines are dropped. */
function gist(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(hint:|exit code \d+$)/.test(l));
  const telling = lines.filter((l) => /^(fatal|error|remote):/.test(l));
  return (telling.length ? telling : lines.slice(-3)).join(' ') || stderr.trim();
}

/** simple-git, loaded on the first git command: a read that runs none (`queue ready` outside a
 * clone with a remote) never pays for loading it. */
let simpleGitModule: Promise<SimpleGitFactory> | null = null;

/** The lock file git names when it could not take it (`Unable to create '…/main.lock': File exists`), or null. */
export function lockNamed(stderr: string): string | null {
  return /Unable to create '([^']+\.lock)'/.exec(stderr)?.[1] ?? null;
}

/**
 * Options before every git command queue runs. `--no-replace-objects`: objects are read as they were
 * committed, never through `refs/replace/*`, which anyone who can push may create: a replacement of
 * queue.config.json or of an old version of the queue file would otherwise change what a hook
 * judges, and what a write decides on.
 */
const GLOBAL = ['--no-replace-objects'];

/** A repository (any directory inside a work tree) to run git in. Every command runs with {@link GLOBAL}. */
export class Git {
  private sgInstance: Promise<SimpleGit> | null = null;

  /** @param dir work tree directory; @param env extra environment (e.g. `GIT_INDEX_FILE`) */
  constructor(
    readonly dir: string,
    private readonly env?: Record<string, string>,
  ) {}

  /** The simple-git instance for this repository, made on first use. */
  private sg(): Promise<SimpleGit> {
    this.sgInstance ??= this.make();
    return this.sgInstance;
  }

  /** Load simple-git (once per process) and make this repository's instance. */
  private async make(): Promise<SimpleGit> {
    simpleGitModule ??= import('simple-git').then((m) => m.simpleGit);
    const simpleGit = await simpleGitModule;
    const dir = this.dir;
    const env = this.env;
    const sg = simpleGit({
      baseDir: dir,
      // simple-git refuses environment variables that can run programs (EDITOR, GIT_SSH_COMMAND…)
      // unless allowed. The environment forwarded here is the user's own, never input: allow what
      // it holds, so git behaves as it does in their shell (ssh commands, askpass for a push).
      unsafe: env ? trustedEnvironmentFlags() : {},
      maxConcurrentProcesses: 1,
      trimmed: false,
      // simple-git resolves a non-zero exit that wrote nothing to stderr (`diff --quiet`,
      // `merge-base --is-ancestor`); every non-zero exit is a failure here.
      errors(error, result) {
        if (error) return error;
        if (result.exitCode === 0) return;
        return Buffer.concat([...result.stdErr, Buffer.from(`exit code ${result.exitCode}`)]);
      },
    });
    if (env) sg.env({ ...(process.env as Record<string, string>), ...env });
    return sg;
  }

  /** The same repository with extra environment variables. */
  with(env: Record<string, string>): Git {
    return new Git(this.dir, env);
  }

  /** Run `git <args>`; stdout exactly as git wrote it. Throws {@link GitFailure}. */
  async raw(args: string[]): Promise<string> {
    const t0 = TRACE ? performance.now() : 0;
    try {
      return await (await this.sg()).raw([...GLOBAL, ...args]);
    } catch (e) {
      throw new GitFailure(args, (e as Error).message);
    } finally {
      if (TRACE) process.stderr.write(`queue: git ${args.join(' ')} (${(performance.now() - t0).toFixed(1)} ms, at ${performance.now().toFixed(0)} ms)\n`);
    }
  }

  /** Run `git <args>`; stdout as bytes, exactly as git wrote them (a blob that is not UTF-8 stays
   * as it is: `cat-file blob`). Throws {@link GitFailure}. */
  async bytes(args: string[]): Promise<Buffer> {
    const t0 = TRACE ? performance.now() : 0;
    try {
      return await this.spawned(args, null);
    } finally {
      if (TRACE) process.stderr.write(`queue: git ${args.join(' ')} (${(performance.now() - t0).toFixed(1)} ms, bytes)\n`);
    }
  }

  /**
   * Run `git <args>` for a command that may print nothing when it succeeds (`update-ref`,
   * `read-tree -m -u`, `remote` in a clone without one): as a child process of its own, not through
   * simple-git, which waits 50 ms for output after such a command exits. Stdout exactly as git
   * wrote it (UTF-8). Throws {@link GitFailure} with git's stderr on a non-zero exit.
   */
  async quiet(args: string[]): Promise<string> {
    const t0 = TRACE ? performance.now() : 0;
    try {
      return (await this.spawned(args, null)).toString('utf8');
    } finally {
      if (TRACE) process.stderr.write(`queue: git ${args.join(' ')} (${(performance.now() - t0).toFixed(1)} ms, quiet)\n`);
    }
  }

  /** Like {@link raw}, trimmed of the final newline. */
  async line(args: string[]): Promise<string> {
    return (await this.raw(args)).replace(/\r?\n$/, '');
  }

  /**
   * Run `git <args>` with `input` on its stdin (`cat-file --batch-check`: many questions, one
   * process); stdout exactly as git wrote it. Throws {@link GitFailure}.
   */
  async input(args: string[], input: string): Promise<string> {
    const t0 = TRACE ? performance.now() : 0;
    try {
      return (await this.spawned(args, input)).toString('utf8');
    } finally {
      if (TRACE) process.stderr.write(`queue: git ${args.join(' ')} < (${input.length} bytes) (${(performance.now() - t0).toFixed(1)} ms)\n`);
    }
  }

  /** `git <args>` as a child process of its own (not through simple-git), with `input` on its stdin
   * when given: stdout as bytes. Throws {@link GitFailure} with git's stderr on a non-zero exit. */
  private spawned(args: string[], input: string | null): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const p = spawn('git', [...GLOBAL, ...args], { cwd: this.dir, env: { ...process.env, ...this.env }, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      p.stdout.on('data', (d: Buffer) => out.push(d));
      p.stderr.on('data', (d: Buffer) => err.push(d));
      p.on('error', (e) => reject(new GitFailure(args, e.message)));
      p.on('close', (code) => {
        if (code === 0) resolve(Buffer.concat(out));
        else reject(new GitFailure(args, `${Buffer.concat(err).toString('utf8')}exit code ${code}`));
      });
      p.stdin.on('error', () => {}); // git exiting early is reported by its exit code
      // Without input, stdin is closed at once: git reads nothing from it.
      p.stdin.end(input ?? undefined);
    });
  }

  /** Run and report success instead of throwing (for `--verify`, `--is-ancestor`, `--quiet` checks,
   * and commands that print nothing: through {@link quiet}). */
  async ok(args: string[]): Promise<boolean> {
    try {
      await this.quiet(args);
      return true;
    } catch {
      return false;
    }
  }
}

/** simple-git's `unsafe` flags for the program-running variables present in this process's environment. */
function trustedEnvironmentFlags(): Record<string, boolean> {
  const flags: Record<string, boolean> = {};
  for (const [key, flag] of Object.entries(ENV_FLAGS)) if (Object.keys(process.env).some((k) => k.toLowerCase() === key)) flags[flag] = true;
  return flags;
}

/** simple-git 3.36's environment checks: variable (lower case) → the flag that allows it. */
const ENV_FLAGS: Record<string, string> = {
  editor: 'allowUnsafeEditor',
  git_editor: 'allowUnsafeEditor',
  git_sequence_editor: 'allowUnsafeEditor',
  git_askpass: 'allowUnsafeAskPass',
  ssh_askpass: 'allowUnsafeAskPass',
  git_config_global: 'allowUnsafeConfigPaths',
  git_config_system: 'allowUnsafeConfigPaths',
  git_config: 'allowUnsafeConfigPaths',
  git_exec_path: 'allowUnsafeConfigPaths',
  prefix: 'allowUnsafeConfigPaths',
  git_config_count: 'allowUnsafeConfigEnvCount',
  git_external_diff: 'allowUnsafeDiffExternal',
  git_pager: 'allowUnsafePager',
  pager: 'allowUnsafePager',
  git_proxy_command: 'allowUnsafeGitProxy',
  git_template_dir: 'allowUnsafeTemplateDir',
  git_ssh: 'allowUnsafeSshCommand',
  git_ssh_command: 'allowUnsafeSshCommand',
};
