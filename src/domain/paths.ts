/**
 * Paths queue writes, inside the repository and nowhere else (pure). A path is relative to the
 * repository root, `/`-separated, and each of its names is one git accepts in a tree: the rules of
 * `git fsck` (no empty name, `.`, `..` or `.git`, including the forms that file systems fold into
 * `.git`: any case, trailing spaces or dots, `git~1`, `.git:stream`, and HFS+'s ignored characters).
 * queue.config.json's paths (`file`, `storiesDir`, `deploymentDir`) obey the same rules, checked by
 * `domain/config.ts`; `git/tree.ts` checks every tree entry it writes and `app/files.ts` every file
 * it writes in the work tree.
 */

/** Code points HFS+ ignores when it compares names (git's `is_hfs_dotgit`): `.g\u200cit` is `.git` there. */
const HFS_IGNORED = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

/** Why `name` cannot be one name of a path in a git tree, or null when it can. */
export function badName(name: string): string | null {
  if (name === '') return 'an empty name (a leading, trailing or doubled `/`)';
  if (name === '.' || name === '..') return `a "${name}" name`;
  if (name.includes('\\')) return 'a backslash';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'a control character';
  const folded = name.replace(HFS_IGNORED, '').toLowerCase();
  // NTFS drops trailing spaces and dots, and `.git::$INDEX_ALLOCATION` names the directory `.git`.
  const ntfs = folded.replace(/[ .]+$/, '');
  if (ntfs === '.git' || ntfs === 'git~1' || folded.startsWith('.git:')) return `a "${name}" name (git's own directory)`;
  return null;
}

/**
 * Why `path` (relative to the repository root, `/`-separated) cannot be written by queue, or null
 * when it can: it must be relative and every name in it must pass {@link badName}.
 */
export function badPath(path: string): string | null {
  if (path === '') return 'an empty path';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'an absolute path';
  for (const name of path.split('/')) {
    const why = badName(name);
    if (why) return why;
  }
  return null;
}

/**
 * A path from queue.config.json, checked and normalized: relative, inside the work tree, not `.git`
 * or under it, no `..` name, no backslash or control character, not starting with `-`. `./` names
 * and a trailing `/` are dropped (`./stories/` is `stories`). Returns the normalized path, or why
 * it is refused.
 */
export function configPath(value: string): { path: string } | { why: string } {
  if (value.startsWith('-')) return { why: 'it starts with "-"' };
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value) || value.startsWith('\\')) return { why: 'it is an absolute path' };
  const names = value.split('/');
  if (names.includes('..')) return { why: 'it has a ".." name' };
  const kept = names.filter((n, i) => n !== '.' && !(n === '' && i === names.length - 1));
  if (kept.length === 0) return { why: 'it names the repository root itself' };
  const path = kept.join('/');
  if (path.startsWith('-')) return { why: 'it starts with "-"' };
  const why = badPath(path);
  return why ? { why: `it has ${why}` } : { path };
}
