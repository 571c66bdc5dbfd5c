/**
 * Writes read through the queue index: a claim, and a done, decide on a partial queue that holds
 * only the stories they read, each read alone from its row (`read/partial.ts`), so that a write at
 * 10,000 stories does not read 10,000 rows. A claim's holds the story it takes and that story's
 * dependencies; a done's, the story, its dependencies, the stories that depend on it (which its
 * follow step unblocks and marks) and their dependencies. The decision, the edit, its proof by
 * re-reading, the claim rules and the follow step are the ones every write takes (`edit/`,
 * `rules/`, `reconcile/`), on that partial queue; what they learn from the whole file (how it
 * writes statuses and done marks, its diagnostics) comes from the index.
 *
 * The index answers which stories: for a claim without an id, the ready stories in the claim order
 * and the agent's claims, as `queue ready --agent` answers (`app/index-cache.ts` readyOrder); for a
 * story named by id, the one story of that very id; and the edges of the graph. It is the index of
 * the very bytes the write decides on: kept for them, or the kept one patched after an edit of a few
 * rows (`app/index-cache.ts` patchIndex), or made by reading them in full (then that reading is the
 * queue decided on). Wherever the partial queue could not decide as the whole one does, the whole
 * file is read: a file with rows that do not read alone (`read/rows.ts` patchableRows), conflict
 * markers, generated blocks a write re-renders from every story (`renderOnWrite`); a story on a
 * dependency cycle (which may run through stories the partial queue leaves out), whose row or
 * whose neighbours' rows do not read alone, or whose status another row's done mark names; for a
 * claim, an agent at its claim limit, or no story ready (the full read refuses, with its reasons);
 * for a done, a file with a Completed log, or a story depending on it that is to do and would still
 * wait (whether to write it `[BLOCKED]` is the whole file's convention).
 */
import { resolve } from 'node:path';
import type { QueueConfig } from '../domain/config.js';
import type { Queue } from '../read/queue.js';
import { hasGeneratedBlocks } from '../reconcile/blocks.js';
import {
  buildIndex,
  currentIndex,
  IndexCorrupt,
  indexEnabled,
  indexFile,
  indexKey,
  indexName,
  readsAsStored,
  readyOrder,
  writeIndex,
  type IndexView,
  type RowFacts,
} from './index-cache.js';

/** Where the queue file is: the repository root, the file relative to it (`/`-separated, as shown). */
export interface ClaimSource {
  root: string;
  file: string;
  config: Pick<QueueConfig, 'agents' | 'maxClaims' | 'vocabulary' | 'renderOnWrite'>;
}

/**
 * The queue a claim by `agent` (of story `id`, or without one) decides on, read from `bytes` (the
 * queue file at the tip): a partial queue when the index can say which story the claim takes, else
 * the queue read in full (whose index is then kept, so that the next claim is answered from it).
 * Throws what reading the file in full throws (`too_large`, …).
 */
export function claimQueue(src: ClaimSource, bytes: Buffer, agent: string, id?: string): Promise<Queue> {
  return indexedQueue(src, bytes, (view) => partialFor(view, bytes, src, agent, id));
}

/** A write of one story's status that decides on a partial queue besides a claim: a done (which
 * unblocks and marks the stories that depend on it), or a block (a hold with a reason). */
export type StoryWrite = 'done' | 'block';

/**
 * The queue a done or a block of story `id` decides on, read from `bytes` (the queue file at the
 * tip): a partial queue of the story and its dependencies, and for a done the stories that depend
 * on it and theirs ({@link partialForStory}), when the index can say them; else the queue read in
 * full. Throws what reading the file in full throws.
 */
export function storyQueue(src: ClaimSource, bytes: Buffer, op: StoryWrite, id: string): Promise<Queue> {
  return indexedQueue(src, bytes, (view) => partialForStory(view, bytes, src, op, id));
}

/** The queue `partial` gives from the index of `bytes`, or, when it gives none, the queue read in
 * full (whose index is kept when there was none to answer). */
async function indexedQueue(src: ClaimSource, bytes: Buffer, partial: (view: IndexView) => Promise<Queue | null>): Promise<Queue> {
  const vocabulary = src.config.vocabulary;
  const { readQueue } = await import('../read/queue.js');
  const full = () => readQueue([{ file: src.file, bytes }], { vocabulary });
  const where = indexEnabled() ? indexFile(src.root, resolve(src.root, src.file)) : null;
  if (!where) return full();
  const key = indexKey(bytes, indexName(src.file, vocabulary));
  // The file read in full, and its index made and kept in place of the one that could not answer.
  const rebuilt = async (): Promise<Queue> => {
    const queue = await full();
    const { patchableRows } = await import('../read/rows.js');
    writeIndex(where, buildIndex(queue, key, patchableRows(queue)), bytes);
    return queue;
  };
  const found = await currentIndex(where, key, bytes, src.file, vocabulary);
  if (!found) return rebuilt();
  try {
    return (await partial(found.view)) ?? (await full());
  } catch (e) {
    // A part of the index that does not prove itself (a disk error, a stray write) is never decided on.
    if (e instanceof IndexCorrupt) return rebuilt();
    throw e;
  } finally {
    found.view.close();
  }
}

/** The partial queue of the story a claim by `agent` takes (story `id`, or without one the story the
 * index `view` of `bytes` puts first), or null where it could not decide as the whole queue does
 * (see the module's comment). */
export async function partialFor(view: IndexView, bytes: Buffer, src: ClaimSource, agent: string, id?: string): Promise<Queue | null> {
  const ix = view.index;
  const facts = view.rows();
  if (!facts) return null;
  const rowHead = facts.rowHead;
  const files = view.files();
  const { order, atLimit } = readyOrder(ix, src.config, agent, (i) => files.id[i]);
  if (atLimit || ix.diagnostics.some((d) => d.code === 'conflict')) return null;
  // By id: the one story of that very id (another spelling, or an id written twice, is the full
  // read's to resolve); else the first in the claim order.
  const i = id === undefined ? order[0] : onlyIndexOf(files.id, id);
  const a = ix.arrays;
  // A story on a dependency cycle: the cycle may run through stories the partial queue leaves out.
  if (i === undefined || rowHead[i] === -1 || facts.markedBy[i] || a.cyclic[i]) return null;
  // The story and its dependencies (one named twice is read once).
  const queue = await provedPartial(view, facts, bytes, src, new Set([i, ...a.depList.subarray(a.depStart[i], a.depStart[i + 1])]), new Set([i]));
  if (!queue) return null;
  // The story taken, when ready, gives back its whole JSON too.
  const { storyJson } = await import('../model/contract.js');
  const stored = view.storyText(i);
  if (stored !== '') {
    const { ready: _ready, ...rest } = storyJson(queue.graph.byId.get(files.id[i])!, queue.graph);
    if (JSON.stringify(rest) !== stored) return null;
  }
  return queue;
}

/** The position of the one `id` in `ids`; undefined when there is none or more than one. */
function onlyIndexOf(ids: readonly string[], id: string): number | undefined {
  const at = ids.indexOf(id);
  return at === -1 || ids.indexOf(id, at + 1) !== -1 ? undefined : at;
}

/**
 * The partial queue a write `op` of story `id` decides on: the story (the one of that very id) and
 * its dependencies; for a done, the stories that depend on it, and theirs, too (its follow step
 * unblocks and marks them); or null where it could not decide as the whole queue does. Besides the
 * claim's conditions ({@link partialFor}), a done goes to the full read in a file with a Completed
 * log (it appends to it), and when a story that depends on it is to do and would still wait after
 * it on another (whether the file writes `[BLOCKED]` for it is a fact of the whole file).
 */
export async function partialForStory(view: IndexView, bytes: Buffer, src: ClaimSource, op: StoryWrite, id: string): Promise<Queue | null> {
  const ix = view.index;
  const facts = view.rows();
  if (!facts || (op === 'done' && facts.logs) || ix.diagnostics.some((d) => d.code === 'conflict')) return null;
  const { rowHead, markedBy } = facts;
  const files = view.files();
  const i = onlyIndexOf(files.id, id);
  const a = ix.arrays;
  if (i === undefined || rowHead[i] === -1 || markedBy[i] || a.cyclic[i]) return null;
  const { GraphCore, TODO } = await import('../model/core.js');
  const depsOf = (j: number) => Array.from(a.depList.subarray(a.depStart[j], a.depStart[j + 1]));
  const { start, list } = new GraphCore(a).reverseEdges();
  const dependents = op === 'done' ? [...new Set(list.subarray(start[i], start[i + 1]))] : [];
  for (const j of dependents) {
    if (rowHead[j] === -1 || a.cyclic[j]) return null;
    // Waiting on this story counts once for each time it is named; what is left, it waits on after.
    const named = depsOf(j).filter((k) => k === i).length;
    if (a.category[j] === TODO && a.unsatisfied[j] - named > 0) return null;
  }
  // The stories whose dependencies the decision and its follow step read: this one and its dependents.
  const resolved = new Set([i, ...dependents]);
  const all = new Set<number>();
  for (const j of resolved) {
    all.add(j);
    for (const k of depsOf(j)) all.add(k);
  }
  return provedPartial(view, facts, bytes, src, all, resolved);
}

/**
 * The partial queue of the stories at positions `stories` of the index `view` of `bytes`, each read
 * alone from its row, those of `resolved` with their dependencies resolved as the full read did;
 * null when a row does not read alone, or does not give back what the full read made of it (as the
 * index keeps it), or the file has generated blocks a write re-renders from every story.
 */
async function provedPartial(
  view: IndexView,
  facts: RowFacts,
  bytes: Buffer,
  src: ClaimSource,
  stories: ReadonlySet<number>,
  resolved: ReadonlySet<number>,
): Promise<Queue | null> {
  const ix = view.index;
  const a = ix.arrays;
  const files = view.files();
  const read = [...stories].sort((x, y) => files.line[x] - files.line[y]);
  if (read.some((j) => facts.rowHead[j] === -1)) return null;
  const rows = read.map((j) => ({
    line: files.line[j],
    head: facts.rowHead[j],
    deps: resolved.has(j) ? Array.from(a.depList.subarray(a.depStart[j], a.depStart[j + 1]), (k) => files.id[k]) : null,
  }));
  const text = bytes.toString('utf8');
  if (src.config.renderOnWrite && hasGeneratedBlocks(text)) return null;
  const { partialQueue } = await import('../read/partial.js');
  const queue = await partialQueue({
    file: src.file,
    text,
    rows,
    tables: facts.tables,
    whole: facts.whole,
    declared: facts.declared,
    diagnostics: ix.diagnostics,
    ...(src.config.vocabulary ? { vocabulary: src.config.vocabulary } : {}),
  });
  if (!queue) return null;
  const { holdOf } = await import('../model/graph.js');
  for (let k = 0; k < read.length; k++) if (!readsAsStored(ix, files, read[k], queue.stories[k], holdOf(queue.stories[k]))) return null;
  return queue;
}
