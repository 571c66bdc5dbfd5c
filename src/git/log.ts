/**
 * Commits as git log lists them, field by field. Commit messages, author names and trailer values
 * are anyone's text and may hold any byte but NUL (git keeps no NUL in a commit's header or message),
 * so fields are separated by NUL alone, and their number is fixed: a subject with a control byte in
 * it (`\x1e`, `\x1f`) is a subject, never the end of a record. A listing that does not read as the
 * fields asked for is refused (QueueError `git`), never skipped.
 *
 * The stream of `git log -z --format=%x00%H%x00<f1>%x00…%x00<fn>` (with `--name-only`, each commit's
 * paths after it, the first led by a line feed) splits at NUL into, per commit: an empty marker, the
 * commit id, the n fields, then its paths; commits are separated by one NUL, and no path is empty.
 */
import { QueueError } from '../domain/errors.js';
import type { Git } from './git.js';

/** One commit listed: its id, the fields asked for in their order, and with `names`, its paths. */
export interface LoggedCommit {
  commit: string;
  fields: string[];
  /** The paths `--name-only` lists for the commit (empty without `names`). */
  names: string[];
}

const COMMIT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** A pretty-format placeholder for the values of trailer `key`, one per line, continuation lines
 * unfolded (so that no value holds a line feed): read back with {@link trailerValues}. */
export function trailerField(key: string): string {
  return `%(trailers:key=${key},valueonly,unfold,separator=%x0a)`;
}

/** The values a {@link trailerField} printed, trimmed, empty ones left out. */
export function trailerValues(field: string): string[] {
  const out: string[] = [];
  for (const v of field.split('\n')) {
    const t = v.trim();
    if (t !== '') out.push(t);
  }
  return out;
}

/**
 * `git log` with `args` (revisions, options such as `--reverse`, and `-- paths`), each commit with
 * the pretty-format `fields` (`%ct`, `%s`, {@link trailerField}). `names`: list each commit's paths
 * too (adds `--name-only`). Throws QueueError `git` when git fails or prints what does not read as
 * the fields asked for.
 */
export async function logCommits(git: Git, fields: readonly string[], args: readonly string[], opts: { names?: boolean } = {}): Promise<LoggedCommit[]> {
  const format = `--format=%x00%H${fields.map((f) => `%x00${f}`).join('')}`;
  const out = await git.raw(['log', '-z', format, ...(opts.names ? ['--name-only'] : []), ...args]);
  return parseCommits(out, fields.length);
}

/** The commits of a {@link logCommits} listing with `count` fields each. Exported for tests. */
export function parseCommits(out: string, count: number): LoggedCommit[] {
  const commits: LoggedCommit[] = [];
  if (out === '') return commits;
  const t = out.split('\0');
  let i = 0;
  const unreadable = (why: string): never => {
    throw new QueueError('git', `git log printed what queue cannot read (${why}); nothing was judged`);
  };
  while (i < t.length) {
    // The listing ends with the separator after the last path, when paths are listed.
    if (i === t.length - 1 && t[i] === '' && commits.length > 0) break;
    if (t[i] !== '') unreadable(`expected the start of a commit, found ${JSON.stringify(t[i].slice(0, 40))}`);
    if (i + 1 + count >= t.length) unreadable('a commit with fewer fields than asked for');
    const commit = t[i + 1];
    if (!COMMIT_ID.test(commit)) unreadable(`${JSON.stringify(commit.slice(0, 40))} is no commit id`);
    const fields = t.slice(i + 2, i + 2 + count);
    i += 2 + count;
    const names: string[] = [];
    for (; i < t.length && t[i] !== ''; i++) names.push(names.length === 0 ? t[i].replace(/^\n/, '') : t[i]);
    commits.push({ commit, fields, names });
  }
  return commits;
}
