/**
 * The one home for finding things on disk: the repository root above a directory, and the
 * repository's `queue.config.json`. Everything that opens a queue, writes one, or judges one in a
 * hook starts here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CONFIG_FILE, DEFAULTS, parseConfig, type QueueConfig } from '../domain/config.js';
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
    return { config: { ...DEFAULTS, agents: {}, rules: {} }, diagnostics: [] };
  }
  return parseConfig(text);
}
