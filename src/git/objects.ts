/**
 * Writing a transaction's blobs and trees, keeping the claim path lean. Where it is safe, queue
 * writes them itself as loose objects, as `git hash-object -w` does, and saves a git process
 * for each (two on every claim); elsewhere it runs `git hash-object -w`.
 *
 * A loose object (git's gitformat-loose(5); `write_loose_object` in git's object-file.c): the file
 * `objects/<first 2 hex digits>/<other 38>`, holding the zlib-deflated bytes `<type> <size>\0<content>`,
 * whose SHA-1 is the object id. git writes it to a temporary file in that directory and links or
 * renames it into place, read-only (0444 less the umask); an object that is already there is
 * left alone. queue does the same.
 *
 * Written by queue only when the repository uses SHA-1 object ids (`rev-parse --show-object-format`)
 * and its object directory is not shared by a group (`core.sharedRepository` makes git set group
 * bits and setgid on it, and its own permission rules on every object: git keeps those). Elsewhere,
 * and for any file queue fails to write there, git writes the object.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { Git } from './git.js';

/** A git object type queue writes. */
export type ObjectType = 'blob' | 'tree';

/**
 * The object directory queue may write loose objects into, or null when git must write them:
 * `objects` is `rev-parse --git-path objects` made absolute (it follows `GIT_OBJECT_DIRECTORY`),
 * `format` is `rev-parse --show-object-format`. Null for a format other than `sha1`, a directory
 * that cannot be read, or one with group write or setgid bits (a shared repository).
 */
export function looseObjectDir(objects: string, format: string): string | null {
  if (format !== 'sha1') return null;
  try {
    const st = statSync(objects);
    return st.isDirectory() && (st.mode & 0o2020) === 0 ? objects : null;
  } catch {
    return null;
  }
}

/** The object id git gives `content` as an object of `type` (SHA-1, 40 hex digits). */
export function objectId(type: ObjectType, content: Buffer): string {
  return sha1(framed(type, content));
}

/** The bytes an object's id is the hash of, and a loose object deflates: `<type> <size>\0<content>`. */
function framed(type: ObjectType, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content]);
}

function sha1(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** Writes objects to one repository: loose into `loose` when given, else through git. */
export class ObjectWriter {
  /**
   * @param git the repository
   * @param scratch a directory inside the git dir for git's input files
   * @param loose the directory from {@link looseObjectDir}, or null
   */
  constructor(
    private readonly git: Git,
    private readonly scratch: string,
    private readonly loose: string | null,
  ) {}

  /** Store `content` as an object of `type`; its id. Throws GitFailure when git fails to. */
  async write(type: ObjectType, content: Buffer): Promise<string> {
    if (this.loose !== null) {
      const body = framed(type, content);
      const id = sha1(body);
      if (writeLoose(this.loose, id, body)) return id;
    }
    const tmp = join(this.scratch, `${type}-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      writeFileSync(tmp, content);
      return await this.git.line(['hash-object', '-w', '--no-filters', '-t', type, tmp]);
    } finally {
      rmSync(tmp, { force: true });
    }
  }
}

/** Write the loose object `id` of {@link framed} bytes `body`, unless it is there already. False
 * when the file system refused. */
function writeLoose(objects: string, id: string, body: Buffer): boolean {
  const dir = join(objects, id.slice(0, 2));
  const path = join(dir, id.slice(2));
  try {
    if (statSync(path).size > 0) return true;
  } catch {
    /* not there yet */
  }
  const tmp = join(dir, `tmp_obj_queue_${process.pid}_${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(dir, { recursive: true });
    // Level 1 is git's core.looseCompression default (Z_BEST_SPEED).
    writeFileSync(tmp, deflateSync(body, { level: 1 }), { mode: 0o444 });
    // Same bytes under the same name: replacing a copy that appeared meanwhile changes nothing.
    renameSync(tmp, path);
    return true;
  } catch {
    // Removing what was not written may fail too (the fan-out name is a file: ENOTDIR); git then
    // writes the object, or says why it cannot.
    try {
      rmSync(tmp, { force: true });
    } catch {
      /* nothing was written there */
    }
    return false;
  }
}
