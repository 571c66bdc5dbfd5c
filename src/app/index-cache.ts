/**
 * The queue index, so that `queue ready` on a large unchanged file answers without reading it: what
 * `queue ready` needs from a queue file, in array form, stored in the git dir and keyed by a SHA-1 of
 * the file's bytes, the name it is shown under and the build of queue that wrote it. A decision is a
 * function of the file's content, so an index made from the same bytes gives the same answer; the
 * first run after a change reads the file in full and writes a new index, or, when the change only
 * edited rows that can be read alone (a claim, a done), patches the previous index
 * ({@link patchIndex}, deployment/decisions/0016-incremental-first-read.md). Beside the index, the
 * bytes it was made from ({@link writeIndex}), proved by its key.
 *
 * The file holds four parts, each read only when needed: a header of three `u32` lengths
 * (little-endian) `a`, `f` and `r` and the SHA-1 of the answer part (20 bytes), then `a` bytes of
 * answer, `f` of story files, `r` of rows, and the rest:
 * - the answer (`v8.serialize`): the graph's arrays ({@link GraphArrays}), owner, priority rank,
 *   unblock counts and critical path (the claim order's inputs), the reading's diagnostics, and
 *   where each story's JSON lies in the last part;
 * - the story files each story names, with its position, for the story-file check (`v8.serialize`).
 *   That check depends on the file system and this part, nothing else of the index; its result is
 *   kept beside the index, keyed by this part's SHA-1, with the modification times of the
 *   directories it listed, and reused while none has changed (and none changed within a second of
 *   being listed, git's "racy" rule): after an edit that moves no story file, such as a claim or a
 *   new title, by an index read in full as well as by one patched;
 * - what a patch and a claim on a partial queue need of the rows ({@link RowFacts}, `v8.serialize`),
 *   empty when no row can be read alone: `queue ready` never reads it;
 * - each ready story's contract JSON (the story object of docs/json.md without `ready`), UTF-8, one
 *   after another. Only ready stories are ever printed from an index, so only they are written
 *   (making every story's JSON was a fifth of a first read); `queue ready` reads only the stories it
 *   prints.
 * Every part proves itself before it is used: the answer part by the SHA-1 in the header, the
 * story-file and rows parts by SHA-1s kept in the answer, each story's JSON by a checksum of its
 * bytes kept in the answer. A byte changed anywhere (a disk error, a stray write) is never an
 * answer: any unreadable, mismatching or corrupt index is rebuilt from the queue file. Columns of
 * strings that repeat (owners, claimants, status cells) are stored as their distinct values and a
 * position among them for each row ({@link Coded}): v8 reads an array of 50,000 strings back
 * several times slower.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { storyJson, type StoryJson } from '../model/contract.js';
import { GraphCore, rankIndices, type GraphArrays } from '../model/core.js';
import { claimLimitReached, offeredForms, priorityRank, type ClaimLimit } from '../model/rank.js';
import { isEmptyVocabulary, ownerTakes, type QueueConfig, type Vocabulary } from '../domain/config.js';
import { CATEGORIES } from '../domain/status.js';
import type { Diagnostic, Story } from '../domain/types.js';
import type { Queue, WholeFile } from '../read/queue.js';
import type { WholeRow } from '../read/patch.js';
import { wholeFile } from '../edit/common.js';
import { LineIndex } from '../markdown/lines.js';

/** Build id baked in by scripts/build.mjs (a hash of the sources); undefined when run from sources. */
declare const __QUEUE_BUILD__: string | undefined;
const BUILD = typeof __QUEUE_BUILD__ === 'string' ? __QUEUE_BUILD__ : null;

const FORMAT = 11;

/** Thrown when a part of an index does not match its checksum: the index is rebuilt, never trusted. */
export class IndexCorrupt extends Error {}

/** FNV-1a, 32 bits, of `bytes[start, end)`: the checksum of one story's JSON (cheap, and each story is read alone). */
function fnv1a(bytes: Buffer, start = 0, end = bytes.length): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest();

/** {@link IndexView.checkKey} of a story-file part whose SHA-1 is `sum`. */
const checkKey = (sum: Uint8Array): string => `${BUILD ?? 'dev'}:${Buffer.from(sum).toString('hex')}`;

/** Bytes before an index's answer part: the three parts' lengths and the answer's SHA-1. */
const HEAD = 12 + 20;

/** The answer part of an index. Arrays are indexed by story position in file order. */
export interface QueueIndex {
  format: number;
  key: string;
  arrays: GraphArrays;
  /** Owner column, lower case, or null. */
  owner: (string | null)[];
  /** Who holds each story, as written, or null: what `queue ready --agent` counts against `maxClaims`. */
  claimant: (string | null)[];
  /** {@link priorityRank} of each story. */
  priority: Float64Array;
  unblocks: Int32Array;
  critical: Int32Array;
  /** {@link offeredForms}: 1 for a story `queue claim` without an id may take (an edit of rows that
   * read alone changes no story's form, so a patched index keeps it). */
  offered: Uint8Array;
  /** Where each ready story's contract JSON (without `ready`) lies in the JSON part, in bytes: story
   * `i` is bytes `jsonStart[i]` to `jsonStart[i + 1]` (none for a story that is not ready). */
  jsonStart: Int32Array;
  /** {@link fnv1a} of each story's JSON bytes. */
  jsonSum: Uint32Array;
  /** SHA-1 of the story-file part's bytes. */
  filesSum: Uint8Array;
  /** SHA-1 of the rows part's bytes, empty when the index has none (filled in when written). */
  rowsSum: Uint8Array;
  diagnostics: Diagnostic[];
}

/** What an index keeps of the rows, when some row can be read alone: what {@link patchIndex} and a
 * partial queue (`app/indexed-write.ts`) need, and an answer from the index never does. */
export interface RowFacts {
  /** For each story, the 0-based line of its table's header when its row can be read alone
   * (`read/rows.ts` patchableRows), else -1. */
  rowHead: Int32Array;
  /** 1 for a story some other story's dependency marks done (`S-3 ✅`): a change of its status
   * changes that story's diagnostics, which {@link patchIndex} does not redo. */
  markedBy: Uint8Array;
  /** Each story table whose rows can be read alone, by its header line (0-based): its heading path
   * (outermost first), its number of body rows and the 1-based line of its last. */
  tables: Map<number, IndexedTable>;
  /** What a write learns from every row of the file (`read/queue.ts` WholeFile). */
  whole: WholeFile;
  /** The status words the file declares (`read/queue.ts` QueueDocument.declared). */
  declared: readonly string[];
  /** Whether the file keeps a Completed log or a listing (a table whose rows queue never writes a
   * status into, `dialect/entries.ts` TableInfo kind `log`): a done appends to the log. */
  logs: boolean;
}

/** A column of strings as stored: its distinct values, and for each row the position of its value
 * among them (-1 for null). */
interface Coded {
  forms: string[];
  codes: Int32Array;
}

function encodeColumn(xs: readonly (string | null)[]): Coded {
  const at = new Map<string, number>();
  const forms: string[] = [];
  const codes = new Int32Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (x === null) {
      codes[i] = -1;
      continue;
    }
    let k = at.get(x);
    if (k === undefined) {
      k = forms.length;
      forms.push(x);
      at.set(x, k);
    }
    codes[i] = k;
  }
  return { forms, codes };
}

function decodeColumn(c: Coded): (string | null)[] {
  const xs = new Array<string | null>(c.codes.length);
  for (let i = 0; i < xs.length; i++) {
    const k = c.codes[i];
    xs[i] = k === -1 ? null : c.forms[k];
  }
  return xs;
}

/** The answer part as stored: {@link QueueIndex} with its string columns {@link Coded}. */
type StoredIndex = Omit<QueueIndex, 'owner' | 'claimant'> & { owner: Coded; claimant: Coded };

/** The rows part as stored: {@link RowFacts} with its status cells {@link Coded}. */
type StoredRows = Omit<RowFacts, 'whole'> & { whole: Omit<WholeFile, 'cells'> & { cells: Coded } };

/** A story table of an index ({@link QueueIndex.tables}). */
export interface IndexedTable {
  sectionPath: string[];
  rows: number;
  lastLine: number;
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
  /** `files` serialized (an index patched from another keeps its story-file part as it was). */
  filesBytes: Buffer;
  /** What it keeps of the rows; null when no row can be read alone. */
  rows: RowFacts | null;
  /** Every ready story's contract JSON without `ready`, UTF-8, at `index.jsonStart`. */
  json: Buffer;
}

/** Make the index of a queue read in full. Pure. `rowHead`: `read/rows.ts` patchableRows of the
 * queue (passed in, so that answering from an index never loads the reader). */
export function buildIndex(queue: Queue, key: string, rowHead: Int32Array | null = null): BuiltIndex {
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
  const tables = new Map<number, IndexedTable>();
  const doc = queue.documents[0];
  if (rowHead) {
    const lines = new LineIndex(doc.text);
    for (const t of doc.tables) {
      if (t.kind === 'story') tables.set(t.line - 1, { sectionPath: t.sectionPath, rows: t.rows, lastLine: lines.locate(t.end).line });
    }
  }
  const markedBy = new Uint8Array(n);
  // Typed arrays filled by index: `TypedArray.from` with a mapping function goes through the
  // iterator protocol, slow in code run once.
  const priority = new Float64Array(n);
  const line = new Int32Array(n);
  const column = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = queue.stories[i];
    priority[i] = priorityRank(s.priority);
    line[i] = s.line;
    column[i] = s.column;
    for (let k = 0; k < s.deps.length; k++) {
      const d = s.deps[k];
      if (!d.markedDone || d.id === null) continue;
      const j = queue.graph.indexOf(d.id);
      if (j !== -1) markedBy[j] = 1;
    }
  }
  const files: StoryFiles = {
    storyFile: queue.stories.map((s) => s.storyFile),
    id: queue.stories.map((s) => s.id),
    file: queue.stories.map((s) => s.file),
    line,
    column,
  };
  const filesBytes = serialize(files);
  return {
    index: {
      format: FORMAT,
      key,
      arrays: core.a,
      owner: queue.stories.map((s) => s.owner?.toLowerCase() ?? null),
      claimant: queue.stories.map((s) => s.claimant),
      priority,
      unblocks: core.unblockCounts(),
      critical: new Int32Array(core.criticalPath()),
      offered: offeredForms(queue.stories),
      jsonStart,
      jsonSum,
      filesSum: new Uint8Array(sha1(filesBytes)),
      rowsSum: new Uint8Array(0),
      diagnostics: queue.diagnostics,
    },
    rows: rowHead && { rowHead, markedBy, tables, whole: wholeFile(queue, doc), declared: doc.declared ?? [], logs: doc.tables.some((t) => t.kind === 'log') },
    files,
    filesBytes,
    json,
  };
}

/** An index to answer from: its answer part, and the other two parts read on demand. */
export interface IndexView {
  index: QueueIndex;
  /** The story-file part (read on first use). */
  files(): StoryFiles;
  /** The rows part (read on first use), checked against its checksum; null when the index has none. */
  rows(): RowFacts | null;
  /** Story `i`'s contract JSON, with `ready`; story `i` must be ready (no other story's is kept). */
  story(i: number, ready: boolean): StoryJson;
  /** Story `i`'s contract JSON without `ready` as stored, checked against its checksum ('' when not ready). */
  storyText(i: number): string;
  /** The whole JSON part, as stored (each story in it is checked when read from an index made from it). */
  jsonPart(): Buffer;
  /** The story-file part's bytes, checked against its checksum. */
  filesPart(): Buffer;
  /** What the story-file check kept beside the index is valid for ({@link loadCheck}): the build
   * of queue and the SHA-1 of the story-file part, the check's only input besides the file system. */
  checkKey(): string;
  /** Let go of the index file (a view of a built index holds none). */
  close(): void;
}

/** A view of an index just built, before or without storing it. */
export function viewOf(built: BuiltIndex): IndexView {
  const { index, files, json } = built;
  return {
    index,
    files: () => files,
    rows: () => built.rows,
    story: (i, ready) => withReady(json.toString('utf8', index.jsonStart[i], index.jsonStart[i + 1]), ready),
    storyText: (i) => json.toString('utf8', index.jsonStart[i], index.jsonStart[i + 1]),
    jsonPart: () => json,
    filesPart: () => built.filesBytes,
    checkKey: () => checkKey(index.filesSum),
    close: () => {},
  };
}

function withReady(text: string, ready: boolean): StoryJson {
  // Only ready stories keep their JSON: asking for another is a bug, never an empty answer.
  if (text === '') throw new IndexCorrupt('no JSON is kept for a story that is not ready');
  return { ...(JSON.parse(text) as Omit<StoryJson, 'ready'>), ready };
}

/**
 * Open the index at `path` if it is one for `key` (any key when null); null otherwise (missing,
 * stale, truncated, unreadable). Reads the answer part only; the view keeps the file open for the
 * others (an index replaced meanwhile, by a rename, leaves this one readable) until {@link IndexView.close}.
 */
export function readIndex(path: string, key: string | null): IndexView | null {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const head = readAt(fd, 0, HEAD);
    const a = head.readUInt32LE(0);
    const f = head.readUInt32LE(4);
    const r = head.readUInt32LE(8);
    const answer = readAt(fd, HEAD, a);
    if (!sha1(answer).equals(head.subarray(12, HEAD))) throw new IndexCorrupt('the answer part does not match its checksum');
    const stored = deserialize(answer) as StoredIndex;
    if (!stored || stored.format !== FORMAT || (key !== null && stored.key !== key)) throw new Error('an index of other bytes');
    const index: QueueIndex = { ...stored, owner: decodeColumn(stored.owner), claimant: decodeColumn(stored.claimant) };
    const filesAt = HEAD + a;
    const rowsAt = filesAt + f;
    const jsonAt = rowsAt + r;
    // Index files are replaced whole (rename), never written in place: one whose size is not what
    // its parts add up to was cut short or is not ours, and the reads below could not be trusted.
    if (fstatSync(fd).size !== jsonAt + index.jsonStart[index.jsonStart.length - 1]) throw new Error('index file cut short');
    const open = fd;
    let files: StoryFiles | null = null;
    let filesBytes: Buffer | null = null;
    const filesPart = (): Buffer => {
      if (filesBytes === null) {
        const bytes = readAt(open, filesAt, f);
        if (!sha1(bytes).equals(Buffer.from(index.filesSum))) throw new IndexCorrupt('the story-file part does not match its checksum');
        filesBytes = bytes;
      }
      return filesBytes;
    };
    let rows: RowFacts | null | undefined;
    const rowsPart = (): RowFacts | null => {
      if (rows === undefined) {
        if (r === 0) rows = null;
        else {
          const bytes = readAt(open, rowsAt, r);
          if (!sha1(bytes).equals(Buffer.from(index.rowsSum))) throw new IndexCorrupt('the rows part does not match its checksum');
          const got = deserialize(bytes) as StoredRows;
          const cells = decodeColumn(got.whole.cells) as string[];
          rows = { ...got, whole: { ...got.whole, cells } };
        }
      }
      return rows;
    };
    const storyText = (i: number): string => {
      const bytes = readAt(open, jsonAt + index.jsonStart[i], index.jsonStart[i + 1] - index.jsonStart[i]);
      if (fnv1a(bytes) !== index.jsonSum[i]) throw new IndexCorrupt(`story ${i}'s JSON does not match its checksum`);
      return bytes.toString('utf8');
    };
    return {
      index,
      files: () => {
        files ??= deserialize(filesPart()) as StoryFiles;
        return files;
      },
      rows: rowsPart,
      filesPart,
      checkKey: () => checkKey(index.filesSum),
      story: (i, ready) => withReady(storyText(i), ready),
      storyText,
      jsonPart: () => readAt(open, jsonAt, index.jsonStart[index.jsonStart.length - 1]),
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

/** Write an index atomically (temp file + rename), and beside it `bytes`, the queue file it was made
 * from ({@link readBase}). Best effort: a failure only costs speed next time. */
export function writeIndex(path: string, built: BuiltIndex, bytes: Buffer): void {
  const f = built.filesBytes;
  const rows = built.rows;
  const r = rows ? serialize({ ...rows, whole: { ...rows.whole, cells: encodeColumn(rows.whole.cells) } } satisfies StoredRows) : Buffer.alloc(0);
  const { index } = built;
  const a = serialize({
    ...index,
    owner: encodeColumn(index.owner),
    claimant: encodeColumn(index.claimant),
    rowsSum: rows ? new Uint8Array(sha1(r)) : new Uint8Array(0),
  } satisfies StoredIndex);
  const head = Buffer.alloc(HEAD);
  head.writeUInt32LE(a.length, 0);
  head.writeUInt32LE(f.length, 4);
  head.writeUInt32LE(r.length, 8);
  sha1(a).copy(head, 12);
  atomicWrite(path, [head, a, f, r, built.json]);
  atomicWrite(basePath(path), bytes);
}

function atomicWrite(path: string, data: Buffer | readonly Buffer[]): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    if (Buffer.isBuffer(data)) writeFileSync(tmp, data);
    else {
      // Part after part, without copying them into one buffer first (an index of 10,000 stories is megabytes).
      const fd = openSync(tmp, 'w');
      try {
        for (const part of data) for (let at = 0; at < part.length; ) at += writeSync(fd, part, at);
      } finally {
        closeSync(fd);
      }
    }
    renameSync(tmp, path);
  } catch {
    /* a read-only git dir: no index, only slower */
  }
}

/** A story-file check's result, valid while the directories it listed are unchanged. */
interface CheckRecord {
  /** {@link IndexView.checkKey} of the index it was made for, with where the queue file is (the
   * caller's: `app/open.ts`). */
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

/** Where the bytes an index was made from are kept: beside it, for {@link patchIndex}. */
function basePath(indexPath: string): string {
  return indexPath.replace(/\.v8$/, '.base');
}

/** The bytes kept beside an index by {@link writeIndex}, or null. Unchecked: {@link patchIndex} proves them by the
 * index's key, a SHA-1 of them. */
export function readBase(indexPath: string): Buffer | null {
  try {
    return readFileSync(basePath(indexPath));
  } catch {
    return null;
  }
}

/**
 * The index of `after` (keyed `key`, shown as `file`) made from `old`, the index of `before`,
 * without reading `after` in full, when the edit from `before` to `after` only changed rows that
 * `read/rows.ts` can read alone; null otherwise (read in full then). Exact: each changed row is read
 * alone before and after the edit; its reading of the old row must give back what `old` holds for
 * it (status, hold, owner, priority, id, position, story file, the row's diagnostics, and its whole
 * JSON when it was ready); its dependencies must not change, but for a done mark added beside a
 * reference to a story that is done (a claim's follow step adds it); the stories whose readiness follows
 * from it are recounted on the graph's arrays, and any story not changed that would become ready
 * (whose JSON the index does not keep) sends the file to a full read. `old` must have been made from
 * `before`, with the same reading options as `opts`: `proven` checks it (the caller compares the
 * index's key with the key of `before`), and is asked only when the edit could be patched.
 */
export async function patchIndex(
  old: IndexView,
  before: Buffer,
  after: Buffer,
  key: string,
  file: string,
  opts: import('../read/queue.js').ReadOptions = {},
  proven: () => boolean = () => true,
): Promise<BuiltIndex | null> {
  const ix = old.index;
  const { byteLineBefore, changedAt, changedByteLines } = await import('../read/changes.js');
  // The bytes as one-byte strings: lines, offsets and the common prefix and suffix are the bytes'
  // (a changed line's text is decoded as UTF-8 below). Line 1 (a title) is never a row.
  const change = changedByteLines(before, after, 1);
  // `before` is trusted only once `proven` says so, after the cheap refusals (an edit of line 1,
  // of the number of lines), which then cost no hash of it.
  if (!change || !proven()) return null;
  const utf8 = (bytes: string) => Buffer.from(bytes, 'latin1').toString('utf8');
  const { couldReadAlone, readRowAlone, ROW_CODES, withRowDiagnostics } = await import('../read/rows.js');
  const { holdOf } = await import('../model/graph.js');
  const { CATEGORIES, DONE, GraphCore, withStatuses } = await import('../model/core.js');
  const { wholeRow, wholeWith } = await import('../read/patch.js');
  try {
    const rows = old.rows();
    if (!rows) return null;
    const rowHead = rows.rowHead;
    const files = old.files();
    const n = ix.arrays.n;
    const storyAt = (line: number): number | undefined => {
      for (let i = 0; i < n; i++) if (files.line[i] === line && rowHead[i] !== -1) return i;
      return undefined;
    };
    const a = ix.arrays;
    const statuses = new Map<number, { category: number; hold: number }>();
    const owner = ix.owner.slice();
    const claimant = ix.claimant.slice();
    const priority = ix.priority.slice();
    const changed = new Map<number, string>(); // story → its new JSON text ('' when not ready)
    const wholeRows: WholeRow[] = [];
    // Stories a done mark was added beside.
    const marked: number[] = [];
    const rowDiags: Diagnostic[] = [];
    const lines = new Set<number>();
    // Some edited story became done, or stopped being done.
    let doneChanged = false;
    for (let j = 0; j < change.old.length; j++) {
      if (change.old[j] === change.now[j]) continue;
      const was = utf8(change.old[j]);
      const now = utf8(change.now[j]);
      const line = change.first + j + 1;
      const i = storyAt(line);
      // U+FFFD: bytes that are not UTF-8, which a row read alone would not keep.
      if (i === undefined || !couldReadAlone(now) || now.includes('\ufffd')) return null;
      const h = rowHead[i];
      const text = (l: number) => utf8(l >= change.first ? change.old[l - change.first] : byteLineBefore(before, change.start, change.first, l));
      const header = text(h);
      const delimiter = text(h + 1);
      if (changedAt(change, h) || changedAt(change, h + 1)) return null;
      const r0 = await readRowAlone(header, delimiter, was, file, line, opts);
      const r1 = await readRowAlone(header, delimiter, now, file, line, opts, true);
      if (!r0 || !r1) return null;
      const s0 = r0.story;
      const s1 = r1.story;
      // The old row read alone must be what the full read made of it.
      const code = (c: string) => (CATEGORIES as readonly string[]).indexOf(c);
      if (!readsAsStored(ix, files, i, s0, holdOf(s0)) || s1.id !== s0.id || s1.storyFile !== s0.storyFile || files.column[i] !== 1 || r0.written.length !== r1.written.length)
        return null;
      const stored = ix.diagnostics.filter((d) => d.line === line && ROW_CODES.has(d.code));
      if (JSON.stringify(stored) !== JSON.stringify(r0.diagnostics)) return null;
      // Its dependencies, as the full read resolved them: each written reference is a story of the
      // queue (CSR) when as many are listed; otherwise the JSON could not be made here.
      const deps = a.depStart[i + 1] - a.depStart[i] === r0.written.length ? Array.from(a.depList.subarray(a.depStart[i], a.depStart[i + 1]), (k) => files.id[k]) : null;
      const json = (s: typeof s0): string | null => {
        const table = rows.tables.get(h);
        if (deps === null || !table) return null;
        const { ready: _ready, ...rest } = storyJson(s, { isReady: () => false } as unknown as Parameters<typeof storyJson>[1]);
        rest.deps = deps;
        rest.section = table.sectionPath[table.sectionPath.length - 1] ?? null;
        return JSON.stringify(rest);
      };
      // The references stay; a done mark may be added beside one naming a story of the queue that is
      // done after the edit (what a write's follow step adds), which changes no edge, no JSON and,
      // the story being done, no diagnostic (`stale_done_mark` is for a mark beside a story that is not).
      for (let k = 0; k < r0.written.length; k++) {
        const [ref0, mark0] = r0.written[k];
        const [ref1, mark1] = r1.written[k];
        if (ref0 !== ref1 || (mark0 && !mark1)) return null;
        if (mark0 === mark1) continue;
        if (deps === null) return null;
        marked.push(a.depList[a.depStart[i] + k]);
      }
      const storedText = old.storyText(i);
      if (storedText !== '' && json(s0) !== storedText) return null;
      if (rows.markedBy[i] && (s1.status.raw !== s0.status.raw || s1.status.category !== s0.status.category)) return null;
      const category = code(s1.status.category);
      statuses.set(i, { category, hold: holdOf(s1) });
      owner[i] = s1.owner?.toLowerCase() ?? null;
      claimant[i] = s1.claimant;
      priority[i] = priorityRank(s1.priority);
      if ((a.category[i] === DONE) !== (category === DONE)) doneChanged = true;
      const text1 = json(s1);
      if (text1 === null) return null;
      changed.set(i, text1);
      // The row's cells, from its own document (header, delimiter, row).
      wholeRows.push({ ...wholeRow(s1, `${header}\n${delimiter}\n${now}\n`), line });
      lines.add(line);
      for (const d of r1.diagnostics) rowDiags.push(d);
    }
    if (changed.size === 0) return null;
    const markedBy = marked.length ? rows.markedBy.slice() : rows.markedBy;
    // A mark stands beside a story done after the edit: done before it, or by it (a done's follow
    // step marks its dependents' references in the same commit).
    for (const j of marked) {
      if ((statuses.get(j)?.category ?? a.category[j]) !== DONE) return null;
      markedBy[j] = 1;
    }
    const before0 = new GraphCore(a);
    const arrays = withStatuses(a, statuses);
    const core = new GraphCore(arrays);
    // Unblock counts and the critical path are functions of the edges and of which stories are
    // open and which done (and so of `unsatisfied`): unchanged when no edited story changed those.
    let same = true;
    for (const i of changed.keys()) if (core.open[i] !== before0.open[i] || core.done[i] !== before0.done[i]) same = false;
    // The JSON part: a story keeps JSON only while ready; a story not edited that becomes ready has none here.
    // Only an edited story, or one some edited story's dependents (when one became done or stopped
    // being done), can change readiness.
    const texts: Array<[number, string]> = [];
    const candidates = doneChanged ? Array.from({ length: n }, (_, i) => i) : [...changed.keys()].sort((x, y) => x - y);
    for (const i of candidates) {
      const r0 = before0.readyAt(i);
      const r1 = core.readyAt(i);
      const edited = changed.get(i);
      if (edited !== undefined) texts.push([i, r1 ? edited : '']);
      else if (r1 && !r0) return null;
      else if (r0 && !r1) texts.push([i, '']);
    }
    const json0 = old.jsonPart();
    const pieces: Buffer[] = [];
    const jsonStart = new Int32Array(n + 1);
    const jsonSum = ix.jsonSum.slice();
    let from = 0;
    let shift = 0;
    let t = 0;
    for (let i = 0; i < n; i++) {
      jsonStart[i] = ix.jsonStart[i] + shift;
      if (t < texts.length && texts[t][0] === i) {
        const piece = Buffer.from(texts[t++][1]);
        pieces.push(json0.subarray(from, ix.jsonStart[i]), piece);
        from = ix.jsonStart[i + 1];
        shift += piece.length - (ix.jsonStart[i + 1] - ix.jsonStart[i]);
        jsonSum[i] = fnv1a(piece);
      } else if (fnv1a(json0, ix.jsonStart[i], ix.jsonStart[i + 1]) !== ix.jsonSum[i]) {
        // Kept JSON proves itself before it is answered from, as when read from the stored index.
        throw new IndexCorrupt(`story ${i}'s JSON does not match its checksum`);
      }
    }
    jsonStart[n] = ix.jsonStart[n] + shift;
    pieces.push(json0.subarray(from));
    const json = Buffer.concat(pieces);
    const diagnostics = withRowDiagnostics(ix.diagnostics, lines, rowDiags);
    return {
      index: {
        ...ix,
        key,
        arrays,
        owner,
        claimant,
        priority,
        unblocks: same ? ix.unblocks : core.unblockCounts(),
        critical: same ? ix.critical : Int32Array.from(core.criticalPath()),
        jsonStart,
        jsonSum,
        rowsSum: new Uint8Array(0),
        diagnostics,
      },
      rows: { ...rows, markedBy, whole: wholeWith(rows.whole, wholeRows) },
      files,
      filesBytes: old.filesPart(),
      json,
    };
  } catch (e) {
    if (e instanceof IndexCorrupt) return null;
    throw e;
  }
}

/**
 * Whether story `s`, a row read alone, reads as the full read stored story `i` of index `ix` (with
 * its story-file part `files`): its id, line, story file, status, hold (`hold`: `model/graph.ts`
 * holdOf of `s`), owner, claimant and priority. What a patch and a partial queue prove each row
 * they read alone by.
 */
export function readsAsStored(ix: QueueIndex, files: StoryFiles, i: number, s: Story, hold: number): boolean {
  return (
    files.id[i] === s.id &&
    files.line[i] === s.line &&
    files.storyFile[i] === s.storyFile &&
    CATEGORIES[ix.arrays.category[i]] === s.status.category &&
    ix.arrays.hold[i] === hold &&
    ix.owner[i] === (s.owner?.toLowerCase() ?? null) &&
    ix.claimant[i] === s.claimant &&
    ix.priority[i] === priorityRank(s.priority)
  );
}

/** What keys the queue index besides the file's bytes: where it is `shown`, and the `vocabulary` it
 * was read with (a changed queue.config.json vocabulary reads the file again). */
export function indexName(shown: string, vocabulary: Vocabulary): string {
  return isEmptyVocabulary(vocabulary) ? shown : `${shown}\0${JSON.stringify(vocabulary)}`;
}

/**
 * The ready stories of an index in the claim order (`model/core.ts` rankIndices: what `queue
 * ready` lists and `queue claim` without an id takes first), for `agent` when given (the Owner
 * column's assignments); and, when `agent` holds as many stories as `maxClaims` allows, the stories
 * it holds and the limit (`atLimit`; `claim` then takes none). `id(i)`: story `i`'s id, asked only
 * for `atLimit`.
 */
export function readyOrder(
  ix: QueueIndex,
  config: Pick<QueueConfig, 'agents' | 'maxClaims'>,
  agent: string | undefined,
  id: (i: number) => string,
): { order: number[]; atLimit: ClaimLimit | null; core: GraphCore } {
  const core = new GraphCore(ix.arrays);
  const order = rankIndices(core, {
    priority: (i) => ix.priority[i],
    takes: agent?.trim() ? (i) => ownerTakes(config, ix.owner[i], agent.trim()) : undefined,
    unblocks: ix.unblocks,
    critical: ix.critical,
    offered: ix.offered,
  });
  const atLimit = claimLimitReached(
    config,
    agent,
    ix.arrays.n,
    (i) => ix.claimant[i],
    (i) => CATEGORIES[ix.arrays.category[i]],
    id,
  );
  return { order, atLimit, core };
}

/**
 * The index of the queue file whose bytes are `bytes` (shown as `shown`, read with `vocabulary`)
 * kept at `where`: the stored one when it was made from these bytes; else, after an edit of a few
 * rows (a claim), the stored one patched (`patchIndex`) and stored in its place; else null (the
 * file must be read in full).
 */
export async function currentIndex(where: string, key: string, bytes: Buffer, shown: string, vocabulary: Vocabulary): Promise<{ view: IndexView; patched: boolean } | null> {
  const stored = readIndex(where, null);
  if (!stored) return null;
  if (stored.index.key === key) return { view: stored, patched: false };
  let patched: BuiltIndex | null = null;
  try {
    const base = readBase(where);
    // The bytes kept beside the index are the ones it was made from: its key is their SHA-1.
    if (base) patched = await patchIndex(stored, base, bytes, key, shown, { vocabulary }, () => indexKey(base, indexName(shown, vocabulary)) === stored.index.key);
  } finally {
    stored.close();
  }
  if (!patched) return null;
  writeIndex(where, patched, bytes);
  return { view: viewOf(patched), patched: true };
}

/**
 * The ready stories (`ready`, ranked) a read offers, given the reading's `diagnostics`: none from a
 * file with merge conflict markers (`conflict`), which no write can edit, so that what `queue ready`
 * and the MCP `ready` tool offer, `claim` takes.
 */
export function offered<T>(ready: T[], diagnostics: readonly Diagnostic[]): T[] {
  return diagnostics.some((d) => d.code === 'conflict') ? [] : ready;
}

/** Where the story-file check of the index at `where` is kept. */
export function checkRecord(where: string): string {
  return where.replace(/\.v8$/, '.files.v8');
}

/** Where the index of the queue file at `path` (absolute) lives: in the git dir of the repository
 * at `repo` (a worktree's own), else null (no index). */
export function indexFile(repo: string | null, path: string): string | null {
  if (!repo) return null;
  const dotGit = join(repo, '.git');
  let gitDir = dotGit;
  try {
    if (!statSync(dotGit).isDirectory()) {
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
      if (!m) return null;
      gitDir = resolve(repo, m[1]);
    }
  } catch {
    return null;
  }
  return join(gitDir, 'queue', 'index', `${createHash('sha1').update(path).digest('hex').slice(0, 16)}.v8`);
}
