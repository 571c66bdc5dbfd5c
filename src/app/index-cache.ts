/**
 * The queue index, so that `queue ready` on a large unchanged file answers without reading it: what
 * `queue ready` needs from a queue file, in array form, stored in the git dir and keyed by a SHA-1 of
 * the file's bytes, the name it is shown under and the build of queue that wrote it. A decision is a
 * function of the file's content, so an index made from the same bytes gives the same answer; the
 * first run after any change reads the file in full and writes a new index.
 *
 * The file holds three parts, each read only when needed (`u32` lengths are little-endian):
 * `u32 a`, the SHA-1 of the answer part (20 bytes), `a` bytes, `u32 f`, `f` bytes, then the rest:
 * - the answer (`v8.serialize`): the graph's arrays ({@link GraphArrays}), owner, priority rank,
 *   unblock counts and critical path (the claim order's inputs), the reading's diagnostics, and
 *   where each story's JSON lies in the third part;
 * - the story files each story names, with its position, for the story-file check (`v8.serialize`).
 *   That check depends on the file system, never on the index; its result is kept beside the index
 *   with the modification times of the directories it listed, and reused only while none has
 *   changed (and none changed within a second of being listed, git's "racy" rule);
 * - each ready story's contract JSON (the story object of docs/json.md without `ready`), UTF-8, one
 *   after another. Only ready stories are ever printed from an index, so only they are written
 *   (making every story's JSON was a fifth of a first read); `queue ready` reads only the stories it
 *   prints.
 * Every part proves itself before it is used: the answer part by the SHA-1 in the header, the
 * story-file part by a SHA-1 kept in the answer, each story's JSON by a checksum of its bytes kept
 * in the answer. A byte changed anywhere (a disk error, a stray write) is never an answer: any
 * unreadable, mismatching or corrupt index is rebuilt from the queue file.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { storyJson, type StoryJson } from '../model/contract.js';
import type { GraphArrays } from '../model/core.js';
import { priorityRank } from '../model/rank.js';
import type { Diagnostic } from '../domain/types.js';
import type { Queue } from '../read/queue.js';

/** Build id baked in by scripts/build.mjs (a hash of the sources); undefined when run from sources. */
declare const __QUEUE_BUILD__: string | undefined;
const BUILD = typeof __QUEUE_BUILD__ === 'string' ? __QUEUE_BUILD__ : null;

const FORMAT = 5;

/** Thrown when a part of an index does not match its checksum: the index is rebuilt, never trusted. */
export class IndexCorrupt extends Error {}

/** FNV-1a, 32 bits, of `bytes[start, end)`: the checksum of one story's JSON (cheap, and each story is read alone). */
function fnv1a(bytes: Buffer, start = 0, end = bytes.length): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest();

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
  /** Where each ready story's contract JSON (without `ready`) lies in the JSON part, in bytes: story
   * `i` is bytes `jsonStart[i]` to `jsonStart[i + 1]` (none for a story that is not ready). */
  jsonStart: Int32Array;
  /** {@link fnv1a} of each story's JSON bytes. */
  jsonSum: Uint32Array;
  /** SHA-1 of the story-file part's bytes (filled in when the index is written). */
  filesSum: Uint8Array;
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
  return createHash('sha1')
    .update(bytes)
    .update('\0')
    .update(shown)
    .update('\0')
    .update(BUILD ?? 'dev')
    .update(`\0${FORMAT}`)
    .digest('hex');
}

/** A built index: its three parts ({@link QueueIndex}, {@link StoryFiles}, the stories' JSON). */
export interface BuiltIndex {
  index: QueueIndex;
  files: StoryFiles;
  /** Every ready story's contract JSON without `ready`, UTF-8, at `index.jsonStart`. */
  json: Buffer;
}

/** Make the index of a queue read in full. Pure. */
export function buildIndex(queue: Queue, key: string): BuiltIndex {
  const n = queue.stories.length;
  const parts: string[] = [];
  const jsonStart = new Int32Array(n + 1);
  const core = queue.graph.core;
  let at = 0;
  for (let i = 0; i < n; i++) {
    jsonStart[i] = at;
    // Only a ready story is ever printed from an index (`queue ready` answers with ready stories
    // alone, and readiness is a function of the bytes the index is keyed by): the others keep no JSON.
    if (!core.readyAt(i)) continue;
    const { ready: _ready, ...rest } = storyJson(queue.stories[i], queue.graph);
    const text = JSON.stringify(rest);
    at += Buffer.byteLength(text);
    parts.push(text);
  }
  jsonStart[n] = at;
  const json = Buffer.from(parts.join(''));
  const jsonSum = new Uint32Array(n);
  for (let i = 0; i < n; i++) jsonSum[i] = fnv1a(json, jsonStart[i], jsonStart[i + 1]);
  return {
    index: {
      format: FORMAT,
      key,
      arrays: core.a,
      owner: queue.stories.map((s) => s.owner?.toLowerCase() ?? null),
      priority: Float64Array.from(queue.stories, (s) => priorityRank(s.priority)),
      unblocks: core.unblockCounts(),
      critical: Int32Array.from(core.criticalPath()),
      jsonStart,
      jsonSum,
      filesSum: new Uint8Array(0),
      diagnostics: queue.diagnostics,
    },
    files: {
      storyFile: queue.stories.map((s) => s.storyFile),
      id: queue.stories.map((s) => s.id),
      file: queue.stories.map((s) => s.file),
      line: Int32Array.from(queue.stories, (s) => s.line),
      column: Int32Array.from(queue.stories, (s) => s.column),
    },
    json,
  };
}

/** An index to answer from: its answer part, and the other two parts read on demand. */
export interface IndexView {
  index: QueueIndex;
  /** The story-file part (read on first use). */
  files(): StoryFiles;
  /** Story `i`'s contract JSON, with `ready`; story `i` must be ready (no other story's is kept). */
  story(i: number, ready: boolean): StoryJson;
  /** Let go of the index file (a view of a built index holds none). */
  close(): void;
}

/** A view of an index just built, before or without storing it. */
export function viewOf(built: BuiltIndex): IndexView {
  const { index, files, json } = built;
  return {
    index,
    files: () => files,
    story: (i, ready) => withReady(json.toString('utf8', index.jsonStart[i], index.jsonStart[i + 1]), ready),
    close: () => {},
  };
}

function withReady(text: string, ready: boolean): StoryJson {
  // Only ready stories keep their JSON: asking for another is a bug, never an empty answer.
  if (text === '') throw new IndexCorrupt('no JSON is kept for a story that is not ready');
  return { ...(JSON.parse(text) as Omit<StoryJson, 'ready'>), ready };
}

/**
 * Open the index at `path` if it is one for `key`; null otherwise (missing, stale, truncated,
 * unreadable). Reads the answer part only; the view keeps the file open for the others (an index
 * replaced meanwhile, by a rename, leaves this one readable) until {@link IndexView.close}.
 */
export function readIndex(path: string, key: string): IndexView | null {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const a = readAt(fd, 0, 4).readUInt32LE(0);
    // The answer part's checksum, the part, and the story-file part's length, in one read.
    const head = readAt(fd, 4, 20 + a + 4);
    const answer = head.subarray(20, 20 + a);
    if (!sha1(answer).equals(head.subarray(0, 20))) throw new IndexCorrupt('the answer part does not match its checksum');
    const index = deserialize(answer) as QueueIndex;
    if (!index || index.format !== FORMAT || index.key !== key) throw new Error('an index of other bytes');
    const f = head.readUInt32LE(20 + a);
    const filesAt = 28 + a;
    const jsonAt = filesAt + f;
    // Index files are replaced whole (rename), never written in place: one whose size is not what
    // its parts add up to was cut short or is not ours, and the reads below could not be trusted.
    if (fstatSync(fd).size !== jsonAt + index.jsonStart[index.jsonStart.length - 1]) throw new Error('index file cut short');
    const open = fd;
    let files: StoryFiles | null = null;
    return {
      index,
      files: () => {
        if (files === null) {
          const bytes = readAt(open, filesAt, f);
          if (!sha1(bytes).equals(Buffer.from(index.filesSum))) throw new IndexCorrupt('the story-file part does not match its checksum');
          files = deserialize(bytes) as StoryFiles;
        }
        return files;
      },
      story: (i, ready) => {
        const bytes = readAt(open, jsonAt + index.jsonStart[i], index.jsonStart[i + 1] - index.jsonStart[i]);
        if (fnv1a(bytes) !== index.jsonSum[i]) throw new IndexCorrupt(`story ${i}'s JSON does not match its checksum`);
        return withReady(bytes.toString('utf8'), ready);
      },
      close: () => closeSync(open),
    };
  } catch {
    if (fd !== null) closeSync(fd);
    return null;
  }
}

/** `length` bytes of the file `fd` from `position`. Throws when the file ends before. */
function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) throw new Error('index file ends early');
    got += n;
  }
  return buf;
}

/** Write an index atomically (temp file + rename). Best effort: a failure only costs speed next time. */
export function writeIndex(path: string, built: BuiltIndex): void {
  const f = serialize(built.files);
  const a = serialize({ ...built.index, filesSum: new Uint8Array(sha1(f)) });
  const len = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n, 0);
    return b;
  };
  atomicWrite(path, Buffer.concat([len(a.length), sha1(a), a, len(f.length), f, built.json]));
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
 * `key` and no directory it listed has changed since, and its bytes match their SHA-1; null otherwise.
 */
export function loadCheck(path: string, key: string): Diagnostic[] | null {
  try {
    const bytes = readFileSync(path);
    const body = bytes.subarray(20);
    if (!sha1(body).equals(bytes.subarray(0, 20))) return null;
    const rec = deserialize(body) as CheckRecord;
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
    let st: import('node:fs').BigIntStats;
    try {
      st = statSync(dir, { bigint: true });
    } catch {
      return; // a directory that does not exist cannot be watched by its mtime
    }
    if (listedAt - Number(st.mtimeMs) < 1000) return;
    stamps.push([dir, String(st.mtimeNs)]);
  }
  const body = serialize({ key, dirs: stamps, diagnostics } satisfies CheckRecord);
  atomicWrite(path, Buffer.concat([sha1(body), body]));
}
