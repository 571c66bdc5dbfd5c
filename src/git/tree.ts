/**
 * Trees written with plumbing and no index: the tree of a commit with one path set to a
 * new blob. Each directory on the path is listed (`ls-tree -z`), rebuilt in git's tree format and
 * written as an object (objects.ts: loose, or `hash-object -w -t tree`), bottom up. Every command
 * used prints its result, so simple-git answers at once (it waits 50 ms after a command that prints
 * nothing, which a temporary index's `read-tree` and `update-index` would cost on every claim).
 *
 * Tree format (git's `tree` object): entries `<mode> <name>\0<raw object id>`, mode without leading
 * zeros (`40000` for a directory), sorted by name with directories compared as `name/`.
 *
 * Every path written is one `git fsck` accepts (`domain/paths.ts`: no `.`, `..`, `.git` or empty
 * name), so no clone ever refuses to check out what queue committed; and a path only ever goes
 * through directories: a file, symbolic link or submodule on the way is refused, never replaced.
 */
import { QueueError } from '../domain/errors.js';
import { badPath } from '../domain/paths.js';
import { GitFailure, type Git } from './git.js';
import type { ObjectWriter } from './objects.js';

/** One entry of a git tree, as `ls-tree` prints it. */
export interface TreeEntry {
  mode: string;
  type: string;
  id: string;
  name: string;
  /** The blob's size in bytes, when listed with sizes. */
  size?: number;
}

/**
 * Entries of a tree-ish (`<commit>`, `<tree id>`), in stored order; with `sizes`, each blob's size
 * too (`ls-tree -l`, which reads every blob's header). Throws GitFailure.
 */
export async function listTree(git: Git, treeish: string, opts: { sizes?: boolean } = {}): Promise<TreeEntry[]> {
  const out = await git.raw(['ls-tree', '-z', '--full-tree', ...(opts.sizes ? ['-l'] : []), '--end-of-options', treeish]);
  const entries: TreeEntry[] = [];
  for (const rec of out.split('\0')) {
    if (rec === '') continue;
    const tab = rec.indexOf('\t');
    const [mode, type, id, size] = rec.slice(0, tab).split(/ +/);
    const entry: TreeEntry = { mode, type, id, name: rec.slice(tab + 1) };
    if (opts.sizes && size !== '-') entry.size = Number(size);
    entries.push(entry);
  }
  return entries;
}

/** git's tree entry order: byte order of names, a directory's name compared with a trailing `/`. */
function compare(a: TreeEntry, b: TreeEntry): number {
  const ka = Buffer.from(a.type === 'tree' ? `${a.name}/` : a.name);
  const kb = Buffer.from(b.type === 'tree' ? `${b.name}/` : b.name);
  return Buffer.compare(ka, kb);
}

function writeTree(objects: ObjectWriter, entries: TreeEntry[]): Promise<string> {
  const parts: Buffer[] = [];
  for (const e of [...entries].sort(compare)) {
    parts.push(Buffer.from(`${e.mode.replace(/^0+/, '')} ${e.name}\0`), Buffer.from(e.id, 'hex'));
  }
  return objects.write('tree', Buffer.concat(parts));
}

/** What a tree entry is, in words. */
function kind(e: TreeEntry): string {
  return e.type === 'tree' ? 'a directory' : e.mode === '120000' ? 'a symbolic link' : e.type === 'commit' ? 'a submodule' : 'a file';
}

/**
 * The id of a tree equal to `treeish` except that `path` (with `/` separators) is the blob `blob`
 * with file mode `mode` (`100644`), added when it was absent. `treeish` null means an empty tree;
 * `listed`, when given, is `treeish`'s entries already listed (saves one `ls-tree`). New trees are
 * written through `objects`. Throws QueueError `invalid` for a path git would refuse, or one that
 * runs into something other than a directory on the way (or ends on a directory or a symbolic link
 * where `mode` is not one); GitFailure.
 */
export async function treeWith(git: Git, objects: ObjectWriter, treeish: string | null, path: string, blob: string, mode: string, listed?: readonly TreeEntry[]): Promise<string> {
  const why = badPath(path);
  if (why) throw new QueueError('invalid', `refusing to commit ${JSON.stringify(path)}: it has ${why}`, { file: path });
  return treeAt(git, objects, treeish, path, '', blob, mode, listed);
}

/** {@link treeWith} for `path` inside the directory `dir` (`''` at the root, else ending in `/`). */
async function treeAt(
  git: Git,
  objects: ObjectWriter,
  treeish: string | null,
  path: string,
  dir: string,
  blob: string,
  mode: string,
  listed?: readonly TreeEntry[],
): Promise<string> {
  const [head, ...rest] = path.split('/');
  const entries = listed ? [...listed] : treeish === null ? [] : await listTree(git, treeish);
  const at = entries.findIndex((e) => e.name === head);
  const found = at === -1 ? null : entries[at];
  const whole = `${dir}${path}`;
  let entry: TreeEntry;
  if (rest.length === 0) {
    if (found && (found.type !== 'blob' || (found.mode === '120000') !== (mode === '120000'))) {
      throw new QueueError('invalid', `refusing to commit ${whole}: it is ${kind(found)} at the shared branch's tip`, { file: whole });
    }
    entry = { mode, type: 'blob', id: blob, name: head };
  } else {
    if (found && found.type !== 'tree') {
      throw new QueueError('invalid', `refusing to commit ${whole}: ${dir}${head} is ${kind(found)} at the shared branch's tip, not a directory`, { file: whole });
    }
    entry = { mode: '40000', type: 'tree', id: await treeAt(git, objects, found?.id ?? null, rest.join('/'), `${dir}${head}/`, blob, mode), name: head };
  }
  if (at === -1) entries.push(entry);
  else entries[at] = entry;
  return writeTree(objects, entries);
}

/** The address an agent with no mailbox of its own signs with: `<slug>@queue.invalid` (RFC 2606's
 * reserved top-level domain: it never delivers). */
export function agentEmail(agent: string): string {
  return `${agent.toLowerCase().replace(/[^a-z0-9]+/g, '-') || 'queue'}@queue.invalid`;
}

/**
 * `git commit-tree <args>` (a tree, `-p` parents, `-m` messages) → the new commit's id. When git
 * has no identity configured, `agent` signs as author and committer ({@link agentEmail}), so a
 * fresh machine can still write. Throws GitFailure.
 */
export async function commitTree(git: Git, args: string[], agent: string): Promise<string> {
  try {
    return await git.line(['commit-tree', ...args]);
  } catch (e) {
    if (!(e instanceof GitFailure) || !/tell me who you are|empty ident|unable to auto-detect email/i.test(e.stderr)) throw e;
    const email = agentEmail(agent);
    return git.with({ GIT_AUTHOR_NAME: agent, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: agent, GIT_COMMITTER_EMAIL: email }).line(['commit-tree', ...args]);
  }
}
