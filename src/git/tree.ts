/**
 * Trees written with plumbing and no index: the tree of a commit with one path set to a
 * new blob. Each directory on the path is listed (`ls-tree -z`), rebuilt in git's tree format and
 * written as an object (objects.ts: loose, or `hash-object -w -t tree`), bottom up. Every command
 * used prints its result, so simple-git answers at once (it waits 50 ms after a command that prints
 * nothing, which a temporary index's `read-tree` and `update-index` would cost on every claim).
 *
 * Tree format (git's `tree` object): entries `<mode> <name>\0<raw object id>`, mode without leading
 * zeros (`40000` for a directory), sorted by name with directories compared as `name/`.
 */
import { GitFailure, type Git } from './git.js';
import type { ObjectWriter } from './objects.js';

/** One entry of a git tree, as `ls-tree` prints it. */
export interface TreeEntry {
  mode: string;
  type: string;
  id: string;
  name: string;
}

/** Entries of a tree-ish (`<commit>`, `<tree id>`), in stored order. Throws GitFailure. */
export async function listTree(git: Git, treeish: string): Promise<TreeEntry[]> {
  const out = await git.raw(['ls-tree', '-z', '--full-tree', treeish]);
  const entries: TreeEntry[] = [];
  for (const rec of out.split('\0')) {
    if (rec === '') continue;
    const tab = rec.indexOf('\t');
    const [mode, type, id] = rec.slice(0, tab).split(' ');
    entries.push({ mode, type, id, name: rec.slice(tab + 1) });
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

/**
 * The id of a tree equal to `treeish` except that `path` (with `/` separators) is the blob `blob`
 * with file mode `mode` (`100644`), added when it was absent. `treeish` null means an empty tree;
 * `listed`, when given, is `treeish`'s entries already listed (saves one `ls-tree`). New trees are
 * written through `objects`. Throws GitFailure.
 */
export async function treeWith(git: Git, objects: ObjectWriter, treeish: string | null, path: string, blob: string, mode: string, listed?: readonly TreeEntry[]): Promise<string> {
  const [head, ...rest] = path.split('/');
  const entries = listed ? [...listed] : treeish === null ? [] : await listTree(git, treeish);
  const at = entries.findIndex((e) => e.name === head);
  let entry: TreeEntry;
  if (rest.length === 0) entry = { mode, type: 'blob', id: blob, name: head };
  else {
    const sub = at !== -1 && entries[at].type === 'tree' ? entries[at].id : null;
    entry = { mode: '40000', type: 'tree', id: await treeWith(git, objects, sub, rest.join('/'), blob, mode), name: head };
  }
  if (at === -1) entries.push(entry);
  else entries[at] = entry;
  return writeTree(objects, entries);
}

/**
 * `git commit-tree <args>` (a tree, `-p` parents, `-m` messages) → the new commit's id. When git
 * has no identity configured, `agent` signs as author and committer (`<slug>@queue.invalid`), so a
 * fresh machine can still write. Throws GitFailure.
 */
export async function commitTree(git: Git, args: string[], agent: string): Promise<string> {
  try {
    return await git.line(['commit-tree', ...args]);
  } catch (e) {
    if (!(e instanceof GitFailure) || !/tell me who you are|empty ident|unable to auto-detect email/i.test(e.stderr)) throw e;
    const email = `${agent.toLowerCase().replace(/[^a-z0-9]+/g, '-') || 'queue'}@queue.invalid`;
    return git.with({ GIT_AUTHOR_NAME: agent, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: agent, GIT_COMMITTER_EMAIL: email }).line(['commit-tree', ...args]);
  }
}
