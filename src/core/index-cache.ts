/**
 * The queue index (issue 2's speed target; beads answers `ready` from an index too, facts.md): what
 * `queue ready` needs from a queue file, in array form, stored in the git dir and keyed by a SHA-1 of
 * the file's bytes, the name it is shown under and the build of queue that wrote it. A decision is a
 * function of the file's content, so an index made from the same bytes gives the same answer; the
 * first run after any change reads the file in full and writes a new index.
 *
 * The file holds two `v8.serialize` parts, the second read only when needed:
 * - the answer: the graph's arrays ({@link GraphArrays}), each story's contract JSON (issue 2's story
 *   object without `ready`), owner, priority rank, unblock counts and critical path (the claim
 *   order's inputs), and the reading's diagnostics;
 * - the story files each story names, with its position, for the story-file check. That check
 *   depends on the file system, never on the index; its result is kept beside the index with the
 *   modification times of the directories it listed, and reused only while none has changed (and
 *   none changed within a second of being listed, git's "racy" rule).
 * Any unreadable or mismatching file is simply rebuilt.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { storyJson, type StoryJson } from '../model/contract.js';
import type { GraphArrays } from '../model/core.js';
import { priorityRank } from '../model/rank.js';
import type { Diagnostic } from '../model/types.js';
import type { Queue } from './read.js';

/** Build id baked in by scripts/build.mjs (a hash of the sources); undefined when run from sources. */
declare const __QUEUE_BUILD__: string | undefined;
const BUILD = typeof __QUEUE_BUILD__ === 'string' ? __QUEUE_BUILD__ : null;

const FORMAT = 2;

/** The answer part of an index. Arrays are indexed by story position in file order. */
export interface QueueIndex {
  format: number;
  key: string;
  arrays: GraphArrays;
  /** Owner column, lower case, or null. */
  owner: (string | null)[];
  /** {@link priorityRank} of each story. */
  priority: Float64Array;
  unblocks: Int32Array;
  critical: Int32Array;
  /** Each story's contract JSON without `ready`: `json.slice(jsonStart[i], jsonStart[i + 1])`. */
  json: string;
  jsonStart: Int32Array;
  diagnostics: Diagnostic[];
}

/** The story-file part: what the story-file check needs of each story. */
export interface StoryFiles {
  storyFile: (string | null)[];
  id: string[];
  file: string[];
  line: Int32Array;
  column: Int32Array;
}

/** Whether this process may use an index at all: a bundled build, and `QUEUE_NO_INDEX` unset. */
export function indexEnabled(): boolean {
  return BUILD !== null && !process.env.QUEUE_NO_INDEX;
}

/** The key of a queue file's index: its bytes, how it is shown, and the build reading it. */
export function indexKey(bytes: Buffer, shown: string): string {
  return createHash('sha1').update(bytes).update('\0').update(shown).update('\0').update(BUILD ?? 'dev').update(`\0${FORMAT}`).digest('hex');
}

/** Make the index of a queue read in full. Pure. */
export function buildIndex(queue: Queue, key: string): { index: QueueIndex; files: StoryFiles } {
  const n = queue.stories.length;
  const parts: string[] = [];
  const jsonStart = new Int32Array(n + 1);
  let at = 0;
  queue.stories.forEach((s, i) => {
    const { ready: _ready, ...rest } = storyJson(s, queue.graph);
    const text = JSON.stringify(rest);
    jsonStart[i] = at;
    at += text.length;
    parts.push(text);
  });
  jsonStart[n] = at;
  const core = queue.graph.core;
  return {
    index: {
      format: FORMAT,
      key,
      arrays: core.a,
      owner: queue.stories.map((s) => s.owner?.toLowerCase() ?? null),
      priority: Float64Array.from(queue.stories, (s) => priorityRank(s.priority)),
      unblocks: core.unblockCounts(),
      critical: Int32Array.from(core.criticalPath()),
      json: parts.join(''),
      jsonStart,
      diagnostics: queue.diagnostics,
    },
    files: {
      storyFile: queue.stories.map((s) => s.storyFile),
      id: queue.stories.map((s) => s.id),
      file: queue.stories.map((s) => s.file),
      line: Int32Array.from(queue.stories, (s) => s.line),
      column: Int32Array.from(queue.stories, (s) => s.column),
    },
  };
}

/** Story `i`'s contract JSON, with `ready`. */
export function indexedStory(index: QueueIndex, i: number, ready: boolean): StoryJson {
  return { ...(JSON.parse(index.json.slice(index.jsonStart[i], index.jsonStart[i + 1])) as Omit<StoryJson, 'ready'>), ready };
}

/** An index read from disk; its story-file part is deserialized on first use. */
export interface LoadedIndex {
  index: QueueIndex;
  files: () => StoryFiles;
}

/** Read the index at `path` if it is one for `key`; null otherwise (missing, stale, unreadable). */
export function readIndex(path: string, key: string): LoadedIndex | null {
  try {
    const buf = readFileSync(path);
    const split = buf.readUInt32LE(0);
    const index = deserialize(buf.subarray(4, 4 + split)) as QueueIndex;
    if (!index || index.format !== FORMAT || index.key !== key) return null;
    let files: StoryFiles | null = null;
    return { index, files: () => (files ??= deserialize(buf.subarray(4 + split)) as StoryFiles) };
  } catch {
    return null;
  }
}

/** Write an index atomically (temp file + rename). Best effort: a failure only costs speed next time. */
export function writeIndex(path: string, built: { index: QueueIndex; files: StoryFiles }): void {
  const a = serialize(built.index);
  const head = Buffer.alloc(4);
  head.writeUInt32LE(a.length, 0);
  atomicWrite(path, Buffer.concat([head, a, serialize(built.files)]));
}

function atomicWrite(path: string, data: Buffer): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch {
    /* a read-only git dir: no index, only slower */
  }
}

/** A story-file check's result, valid while the directories it listed are unchanged. */
interface CheckRecord {
  key: string;
  dirs: Array<[path: string, mtimeNs: string]>;
  diagnostics: Diagnostic[];
}

/**
 * The story-file check's diagnostics from `path` (written by {@link saveCheck}) when it was made for
 * `key` and no directory it listed has changed since; null otherwise.
 */
export function loadCheck(path: string, key: string): Diagnostic[] | null {
  try {
    const rec = deserialize(readFileSync(path)) as CheckRecord;
    if (rec.key !== key) return null;
    for (const [dir, mtime] of rec.dirs) if (String(statSync(dir, { bigint: true }).mtimeNs) !== mtime) return null;
    return rec.diagnostics;
  } catch {
    return null;
  }
}

/**
 * Keep a story-file check's result with the directories it listed. Not kept when a directory changed
 * less than a second before it was listed: a change in the same clock tick would not move its mtime.
 */
export function saveCheck(path: string, key: string, dirs: string[], diagnostics: Diagnostic[], listedAt: number): void {
  const stamps: Array<[string, string]> = [];
  for (const dir of dirs) {
    let st;
    try {
      st = statSync(dir, { bigint: true });
    } catch {
      return; // a directory that does not exist cannot be watched by its mtime
    }
    if (listedAt - Number(st.mtimeMs) < 1000) return;
    stamps.push([dir, String(st.mtimeNs)]);
  }
  atomicWrite(path, serialize({ key, dirs: stamps, diagnostics } satisfies CheckRecord));
}
