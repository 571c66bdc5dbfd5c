/**
 * The one home for finding things on disk: the repository root above a directory, and the
 * repository's `queue.config.json`. Everything that opens a queue, writes one, or judges one in a
 * hook starts here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { CONFIG_FILE, defaultConfig, parseConfig, type QueueConfig } from '../domain/config.js';
import { QueueError } from '../domain/errors.js';
import type { Diagnostic } from '../domain/types.js';

/** The nearest ancestor of `dir` (inclusive) holding `.git` (a directory, or a worktree's file), or null. */
export function findRepoRoot(dir: string): string | null {
  let d = resolve(dir);
  for (;;) {
    if (existsSync(join(d, '.git'))) return d;
    const up = dirname(d);
    if (up === d) return null;
    d = up;
  }
}

/**
 * Read and validate `queue.config.json` at `root` ({@link parseConfig}); the defaults, with no
 * diagnostics, when there is none. Throws QueueError `invalid` for a file that is not valid JSON
 * or not an object.
 */
export function loadConfig(root: string): { config: QueueConfig; diagnostics: Diagnostic[] } {
  let text: string;
  try {
    text = readFileSync(join(root, CONFIG_FILE), 'utf8');
  } catch {
    return { config: defaultConfig(), diagnostics: [] };
  }
  return parseConfig(text);
}

/** Where a queue file is: see {@link locateQueueFile}. */
export interface QueueFileLocation {
  /** The directory started from (absolute). */
  cwd: string;
  /** The repository root above `cwd`, or null outside a repository. */
  repo: string | null;
  /** The config of that repository (of `cwd` outside one). */
  config: QueueConfig;
  /** The queue file, absolute: `--file` resolved against `cwd`, else the config's `file` at the repository root. */
  path: string;
}

/**
 * The one place that finds the queue file: from `cwd` (default the process's), the repository root
 * above it, its config, and the file (`file` relative to `cwd`, else the config's `file` at the root).
 * Throws QueueError `unreadable` when `cwd` does not exist.
 */
export function locateQueueFile(opts: { cwd?: string; file?: string } = {}): QueueFileLocation {
  const cwd = resolve(opts.cwd ?? process.cwd());
  if (!existsSync(cwd)) throw new QueueError('unreadable', `-C ${cwd}: no such directory`);
  const repo = findRepoRoot(cwd);
  const { config } = loadConfig(repo ?? cwd);
  const path = opts.file ? resolve(cwd, opts.file) : resolve(repo ?? cwd, config.file);
  return { cwd, repo, config, path };
}

/**
 * Where a command that reads the queue's git history looks: the repository holding `cwd` (default
 * the process's), its config, and the queue file as a path relative to the repository root with
 * `/` separators (`file` relative to `cwd`, default the config's `file`). Throws QueueError `usage`
 * outside a git repository.
 */
export function locateHistory(opts: { cwd?: string; file?: string } = {}): { root: string; file: string; config: QueueConfig } {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const root = findRepoRoot(cwd);
  if (!root) throw new QueueError('usage', `${cwd} is not in a git repository`);
  const { config } = loadConfig(root);
  const file = relative(root, opts.file ? resolve(cwd, opts.file) : resolve(root, config.file))
    .split(sep)
    .join('/');
  return { root, file, config };
}
