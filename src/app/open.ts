/**
 * Open a queue from disk: find the repository root, read WORK_QUEUE.md (or `--file`), check the
 * story files it links, and (on request) read the workspace files under deployment/.
 * This is the I/O edge around the pure `read.ts`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { QueueError } from '../domain/errors.js';
import { loadConfig, locateQueueFile } from './locate.js';
import { readQueueBytes } from './queue-file.js';
import { certainlyNoRemote } from './git-config.js';

import { createHash } from 'node:crypto';
import type { Queue } from '../read/queue.js';
import type { Diagnostic } from '../domain/types.js';
import type { QueueConfig, Vocabulary } from '../domain/config.js';
import type { ClaimLimit } from '../model/rank.js';
import type { StoryJson } from '../model/contract.js';
import {
  buildIndex,
  checkRecord,
  currentIndex,
  indexFile,
  indexName,
  offered,
  readyOrder,
  IndexCorrupt,
  indexEnabled,
  indexKey,
  loadCheck,
  saveCheck,
  viewOf,
  writeIndex,
  type IndexView,
} from './index-cache.js';

/** Options of {@link openQueue}. */
export interface OpenOptions {
  /** Directory to start from (`-C`); default `process.cwd()`. */
  cwd?: string;
  /** Queue file (`--file`), relative to `cwd`; default queue.config.json's `file` (`WORK_QUEUE.md`) at the repository root. */
  file?: string;
  /** Also read deployment/status and deployment/handoffs (see `workspace/`). */
  workspace?: boolean;
  /**
   * Read the shared branch's tip rather than the working file when the repository has a remote and
   * the working file has no changes of its own (`shared-read.ts`). Default false: the working file.
   */
  shared?: boolean;
  /** With `shared`: do not fetch; read the working file and warn when the last fetched tip is ahead. */
  offline?: boolean;
}

/** The bytes to read for `opts` at `loc`, and what to say about where they came from. */
async function sourceBytes(loc: Location, opts: OpenOptions): Promise<{ bytes: Buffer; diagnostics: Diagnostic[]; commit: string | null }> {
  // Without a remote the working file is all there is: known from git's config files, no git run.
  if (!opts.shared || !loc.repo || certainlyNoRemote(loc.repo)) return { bytes: readQueueBytes(loc.path, loc.shown), diagnostics: [], commit: null };
  const { readSource } = await import('./shared-read.js');
  const src = await readSource(loc.repo, loc.path, loc.shown, () => readQueueBytes(loc.path, loc.shown), { offline: opts.offline });
  return src ?? { bytes: readQueueBytes(loc.path, loc.shown), diagnostics: [], commit: null };
}

/** A queue opened from disk: the parsed queue plus where it lives and its config. */
export interface OpenedQueue extends Queue {
  /** Repository root (the directory holding `.git`), or the queue file's directory outside a repo. */
  root: string;
  /** Absolute path of the queue file. */
  path: string;
  /** Agents from deployment/status/current-status.md and handoffs, when `workspace` was asked. */
  workspace?: import('./workspace.js').Workspace;
}

/** Where the queue is: repository root, the file's absolute path, and how it is shown in output. */
interface Location {
  /** queue.config.json's agents (aliases) and claim limit: `queue ready --agent` counts what the agent holds. */
  config: Pick<QueueConfig, 'agents' | 'maxClaims'>;
  cwd: string;
  root: string;
  /** The repository root holding `.git`, or null outside a repository. */
  repo: string | null;
  path: string;
  shown: string;
  /** queue.config.json's vocabulary (`statuses`, `columns`, `ids`): the queue is read with it. */
  vocabulary: Vocabulary;
}

function locate(opts: OpenOptions): Location {
  const { cwd, repo, path, config } = locateQueueFile(opts);
  const root = repo && !relative(repo, path).startsWith('..') ? repo : dirname(path);
  return { config, cwd, root, repo: root === repo ? repo : null, path, shown: displayPath(path, root, cwd), vocabulary: config.vocabulary };
}

/** Open and read the queue. Throws {@link QueueError} `unreadable` when the file cannot be read. */
export async function openQueue(opts: OpenOptions = {}): Promise<OpenedQueue> {
  const loc = locate(opts);
  const { readQueue } = await import('../read/queue.js');
  const source = await sourceBytes(loc, opts);
  const queue = await readQueue([{ file: loc.shown, bytes: source.bytes }], { vocabulary: loc.vocabulary });
  for (const d of source.diagnostics) queue.diagnostics.push(d);
  for (const d of checkStoryFiles(
    queue.stories.map((s) => s.storyFile),
    (i) => queue.stories[i],
    dirname(loc.path),
    loc.root,
  ).diagnostics)
    queue.diagnostics.push(d);
  const opened: OpenedQueue = { ...queue, root: loc.root, path: loc.path };
  if (opts.workspace) {
    const { loadWorkspace } = await import('./workspace.js');
    opened.workspace = await loadWorkspace(loc.root, queue, loadConfig(loc.repo ?? loc.root).config.deploymentDir, loc.repo ? source.commit : null);
    for (const d of opened.workspace.diagnostics) queue.diagnostics.push(d);
  }
  return opened;
}

/** `queue ready`'s answer: ready stories best first, as the contract's objects, and diagnostics. */
export interface ReadyAnswer {
  stories: StoryJson[];
  /** Ids of the ready stories `queue claim` without an id never takes (`model/rank.ts`
   * offeredForms: check boxes beside the file's main form), in file order: claimed by id. */
  aside: string[];
  /** When the agent asked for holds as many stories as `maxClaims` allows, so that `claim` takes
   * none (`claim_limit`): the stories it holds and the limit; `stories` is then empty. Else null. */
  atLimit: ClaimLimit | null;
  diagnostics: Diagnostic[];
  /** True when the answer came from a stored index (`app/index-cache.ts`). */
  indexed: boolean;
  /** True when the answer came from the index of the file before an edit of a few rows, patched
   * (`app/index-cache.ts` patchIndex) rather than made by reading the file in full. */
  patched: boolean;
}

/**
 * Answer `queue ready` for an agent: from the queue index when one matches the file's bytes, else by
 * reading the file in full and storing its index. Both ways answer through the same index, so they
 * cannot differ. Throws {@link QueueError} `unreadable`.
 */
export async function openReady(opts: OpenOptions, agent?: string, limit = Infinity): Promise<ReadyAnswer> {
  const loc = locate(opts);
  const source = await sourceBytes(loc, opts);
  const bytes = source.bytes;
  const where = indexEnabled() ? indexFile(loc.repo, loc.path) : null;
  const key = where ? indexKey(bytes, indexName(loc.shown, loc.vocabulary)) : '';
  const build = async (): Promise<IndexView> => {
    const { readQueue } = await import('../read/queue.js');
    const { patchableRows } = await import('../read/rows.js');
    const queue = await readQueue([{ file: loc.shown, bytes }], { vocabulary: loc.vocabulary });
    const built = buildIndex(queue, key, patchableRows(queue));
    if (where) {
      writeIndex(where, built, bytes);
    }
    return viewOf(built);
  };
  const found = where ? await currentIndex(where, key, bytes, loc.shown, loc.vocabulary) : null;
  if (found) {
    try {
      return answerFrom(found.view, !found.patched, found.patched);
    } catch (e) {
      // A part of the stored index that does not prove itself is rebuilt from the file, never answered from.
      if (!(e instanceof IndexCorrupt)) throw e;
    }
  }
  return answerFrom(await build(), false);

  function answerFrom(view: IndexView, indexed: boolean, patched = false): ReadyAnswer {
    try {
      const ix = view.index;
      const { order, atLimit, core } = readyOrder(ix, loc.config, agent, (i) => view.files().id[i]);
      const aside = atLimit ? [] : offered(core.readyIndices(), ix.diagnostics).filter((i) => ix.offered[i] === 0);
      return {
        stories: atLimit ? [] : offered(order.slice(0, limit), ix.diagnostics).map((i) => view.story(i, true)),
        aside: aside.map((i) => view.files().id[i]),
        atLimit,
        diagnostics: [...source.diagnostics, ...ix.diagnostics, ...storyFileCheck(loc, where, view)],
        indexed,
        patched,
      };
    } finally {
      view.close();
    }
  }
}

/** The story-file check of the stories of `view`, reused from beside the index while its story
 * files and the directories it listed are unchanged. */
function storyFileCheck(loc: Location, where: string | null, view: IndexView): Diagnostic[] {
  const record = where ? checkRecord(where) : null;
  // The directories it lists are where the queue file is: a record made for the same story files
  // elsewhere (an index directory copied from another clone) is not this one's.
  const key = record ? `${view.checkKey()}\0${loc.root}\0${dirname(loc.path)}` : '';
  const kept = record ? loadCheck(record, key) : null;
  if (kept) return kept;
  const f = view.files();
  const ref = (i: number): StoryFileRef => ({ storyFile: f.storyFile[i], file: f.file[i], line: f.line[i], column: f.column[i], id: f.id[i] });
  const listedAt = Date.now();
  const { diagnostics, dirs } = checkStoryFiles(f.storyFile, ref, dirname(loc.path), loc.root);
  if (record && dirs) saveCheck(record, key, dirs, diagnostics, listedAt);
  return diagnostics;
}

/** How a file is named in output: relative to the repository root when inside it. */
function displayPath(path: string, root: string, cwd: string): string {
  const r = relative(root, path);
  if (!r.startsWith('..') && !isAbsolute(r)) return r;
  const c = relative(cwd, path);
  return c.startsWith('..') ? path : c;
}

/** What the story-file check needs of a story. */
interface StoryFileRef {
  storyFile: string | null;
  file: string;
  line: number;
  column: number;
  id: string;
}

/**
 * A warning `missing_story_file` for each Story File cell naming a file that does not exist, looked
 * up beside the queue file, then at the repository root. Also returns the directories listed (null
 * when the answer depends on more than their listings), so the result can be kept while they are
 * unchanged. Each directory is listed once (a queue of
 * 10,000 stories names 10,000 files in a handful of directories). `storyFiles` holds each story's
 * Story File cell (null for none); `story(i)` says where story `i` is, asked only for a warning.
 */
function checkStoryFiles(
  storyFiles: ReadonlyArray<string | null>,
  story: (i: number) => StoryFileRef,
  queueDir: string,
  root: string,
): { diagnostics: Diagnostic[]; dirs: string[] | null } {
  const out: Diagnostic[] = [];
  const dirs = new Set<string>();
  let watchable = true;
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
  for (let i = 0; i < storyFiles.length; i++) {
    const storyFile = storyFiles[i];
    if (!storyFile) continue;
    const f = storyFile.includes('#') ? storyFile.replace(/#.*$/, '') : storyFile;
    const cut = f.lastIndexOf('/') + 1;
    const dir = f.slice(0, cut);
    const name = f.slice(cut);
    let sets = listings.get(dir);
    if (sets === undefined) {
      const here = resolve(queueDir, dir || '.');
      const atRoot = resolve(root, dir || '.');
      sets = here === atRoot ? [list(here)] : [list(here), list(atRoot)];
      dirs.add(here).add(atRoot);
      listings.set(dir, sets);
    }
    if (name === '') watchable = false; // a directory named as a story file: not covered by listings
    if (name === '' ? existsSync(resolve(queueDir, f)) || existsSync(resolve(root, f)) : listed(sets, name)) continue;
    const s = story(i);
    out.push({ severity: 'warning', code: 'missing_story_file', message: `story file ${storyFile} does not exist`, file: s.file, line: s.line, column: s.column, story: s.id });
  }
  return { diagnostics: out, dirs: watchable ? [...dirs] : null };
}

/** Whether one of the directory listings holds `name`. */
function listed(sets: ReadonlyArray<Set<string> | null>, name: string): boolean {
  for (let k = 0; k < sets.length; k++) if (sets[k]?.has(name)) return true;
  return false;
}

/**
 * A queue kept open by a long-lived process (the MCP server, a coordinator): each {@link get}
 * reads the bytes a read decides on (the shared branch's tip, fetched, or the working file, as
 * {@link openQueue} with `shared`), and parses them again only when they changed since the last
 * call. The workspace under the deployment directory (small) is read again on every call.
 */
export class LiveQueue {
  /** The bytes last read (their key), the queue as read from them, and with the story-file check. */
  private last: { key: string; read: Queue; queue: OpenedQueue } | null = null;
  /** How many times the file was parsed (a change of its bytes, or the first call). */
  parses = 0;

  /** @param opts where the queue is (`cwd`, `file`) and whether to read `offline`; `shared` is implied. */
  constructor(private readonly opts: OpenOptions) {}

  /** The queue as the shared tip (or the working file) has it now; `workspace` also reads handoffs and the status board. */
  async get(workspace = false): Promise<OpenedQueue> {
    const opts: OpenOptions = { ...this.opts, shared: true, workspace: false };
    const loc = locate(opts);
    const source = await sourceBytes(loc, opts);
    const key = `${loc.path}\0${createHash('sha1').update(source.bytes).digest('hex')}`;
    if (this.last?.key !== key) {
      // Patched from the last reading where only rows changed (read/patch.ts).
      const { rereadQueue } = await import('../read/patch.js');
      const read = await rereadQueue(this.last?.read ?? null, { file: loc.shown, bytes: source.bytes }, { vocabulary: loc.vocabulary });
      const check = checkStoryFiles(
        read.stories.map((s) => s.storyFile),
        (i) => read.stories[i],
        dirname(loc.path),
        loc.root,
      );
      const diagnostics = [...read.diagnostics, ...check.diagnostics];
      this.last = { key, read, queue: { ...read, diagnostics, root: loc.root, path: loc.path } };
      this.parses++;
    }
    const base = this.last.queue;
    // Where the bytes came from (behind_remote, fetch_failed) is said afresh each time; the parse is reused.
    const opened: OpenedQueue = { ...base, diagnostics: [...source.diagnostics, ...base.diagnostics] };
    if (workspace) {
      const { loadWorkspace } = await import('./workspace.js');
      opened.workspace = await loadWorkspace(loc.root, base, loadConfig(loc.repo ?? loc.root).config.deploymentDir, loc.repo ? source.commit : null);
      opened.diagnostics.push(...opened.workspace.diagnostics);
    }
    return opened;
  }
}
