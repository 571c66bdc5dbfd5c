/**
 * Open a queue from disk: find the repository root, read WORK_QUEUE.md (or `--file`), check the
 * story files it links, and (on request) read the workspace files under deployment/.
 * This is the I/O edge around the pure `read.ts`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { QueueError } from './errors.js';
import { readQueue, type Queue } from './read.js';
import type { Diagnostic } from '../model/types.js';

export interface OpenOptions {
  /** Directory to start from (`-C`); default `process.cwd()`. */
  cwd?: string;
  /** Queue file (`--file`), relative to `cwd`; default `WORK_QUEUE.md` at the repository root. */
  file?: string;
  /** Also read deployment/status and deployment/handoffs (see `workspace/`). */
  workspace?: boolean;
}

export interface OpenedQueue extends Queue {
  /** Repository root (the directory holding `.git`), or the queue file's directory outside a repo. */
  root: string;
  /** Absolute path of the queue file. */
  path: string;
  /** Agents from deployment/status/current-status.md and handoffs, when `workspace` was asked. */
  workspace?: import('../workspace/load.js').Workspace;
}

/** The nearest ancestor of `dir` (inclusive) holding `.git`, or null. */
export function findRepoRoot(dir: string): string | null {
  let d = resolve(dir);
  for (;;) {
    if (existsSync(join(d, '.git'))) return d;
    const up = dirname(d);
    if (up === d) return null;
    d = up;
  }
}

/** Open and read the queue. Throws {@link QueueError} `unreadable` when the file cannot be read. */
export async function openQueue(opts: OpenOptions = {}): Promise<OpenedQueue> {
  const cwd = resolve(opts.cwd ?? process.cwd());
  if (!existsSync(cwd)) throw new QueueError('unreadable', `-C ${cwd}: no such directory`);
  const repo = findRepoRoot(cwd);
  const path = opts.file ? resolve(cwd, opts.file) : join(repo ?? cwd, 'WORK_QUEUE.md');
  let raw: string;
  try {
    if (statSync(path).isDirectory()) throw new QueueError('unreadable', `${path} is a directory`);
    raw = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof QueueError) throw e;
    throw new QueueError('unreadable', `cannot read queue file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const root = repo && !relative(repo, path).startsWith('..') ? repo : dirname(path);
  const shown = displayPath(path, root, cwd);
  const queue = await readQueue([{ file: shown, text: raw }]);
  queue.diagnostics.push(...checkStoryFiles(queue, dirname(path), root));
  const opened: OpenedQueue = { ...queue, root, path };
  if (opts.workspace) {
    const { loadWorkspace } = await import('../workspace/load.js');
    opened.workspace = await loadWorkspace(root, queue);
    queue.diagnostics.push(...opened.workspace.diagnostics);
  }
  return opened;
}

/** How a file is named in output: relative to the repository root when inside it. */
function displayPath(path: string, root: string, cwd: string): string {
  const r = relative(root, path);
  if (!r.startsWith('..') && !isAbsolute(r)) return r;
  const c = relative(cwd, path);
  return c.startsWith('..') ? path : c;
}

/**
 * A warning `missing_story_file` for each Story File cell naming a file that does not exist, looked
 * up beside the queue file, then at the repository root. Each directory is listed once (a queue of
 * 10,000 stories names 10,000 files in a handful of directories).
 */
function checkStoryFiles(queue: Queue, queueDir: string, root: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Directory (as written in the cell, e.g. `stories/`) → names in it beside the queue file and at
  // the root. Resolving each distinct directory once keeps this O(stories) string work.
  const listings = new Map<string, Array<Set<string> | null>>();
  const list = (dir: string): Set<string> | null => {
    try {
      return new Set(readdirSync(dir));
    } catch {
      return null;
    }
  };
  for (const s of queue.stories) {
    if (!s.storyFile) continue;
    const f = s.storyFile.replace(/#.*$/, '');
    const cut = f.lastIndexOf('/') + 1;
    const dir = f.slice(0, cut);
    const name = f.slice(cut);
    let sets = listings.get(dir);
    if (sets === undefined) {
      const here = resolve(queueDir, dir || '.');
      const atRoot = resolve(root, dir || '.');
      sets = here === atRoot ? [list(here)] : [list(here), list(atRoot)];
      listings.set(dir, sets);
    }
    if (name === '' ? existsSync(resolve(queueDir, f)) || existsSync(resolve(root, f)) : sets.some((names) => names !== null && names.has(name))) continue;
    out.push({ severity: 'warning', code: 'missing_story_file', message: `story file ${s.storyFile} does not exist`, file: s.file, line: s.line, column: s.column, story: s.id });
  }
  return out;
}
