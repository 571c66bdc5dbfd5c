/**
 * Handoff files on disk (I/O; the format is `workspace/handoff.ts`):
 * `<deploymentDir>/handoffs/*.md` apart from a README, in name order. Light on purpose: `queue
 * claim` looks here for the handoffs naming its story without loading the YAML and markdown readers
 * unless one does.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readablePath } from './files.js';
import { MAX_FILE_BYTES, tooLarge } from '../domain/limits.js';
import type { Queue } from '../read/queue.js';
import { wholeQueue } from '../read/partial.js';
import type { Diagnostic } from '../domain/types.js';
import type { Handoff } from '../workspace/handoff.js';
import { mentionedIds, writtenIds } from '../workspace/mentions.js';

/** One handoff file: its name, absolute path and text. */
export interface HandoffFile {
  name: string;
  path: string;
  text: string;
}

/** The handoff files under `root`/`deploymentDir`/handoffs; none when the directory is absent.
 * QueueError `too_large` for one over {@link MAX_FILE_BYTES}, found before it is read. */
export function handoffFiles(root: string, deploymentDir: string): HandoffFile[] {
  const dir = join(root, deploymentDir, 'handoffs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md')
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      // Only a file really inside the work tree: a committed link to elsewhere is not a handoff.
      const real = readablePath(root, path);
      if (!real) return [];
      const size = statSync(real).size;
      if (size > MAX_FILE_BYTES) throw tooLarge(relative(root, path), size);
      return [{ name, path, text: readFileSync(real, 'utf8') }];
    });
}

/** Handoff files in name order. */
const byName = (a: HandoffFile, b: HandoffFile) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The handoff files under `deploymentDir`/handoffs in the tree of `commit` (the shared branch's tip a
 * read decided on) of the repository at `root`: regular files named `*.md` apart from a README and
 * those named in `skip` (not read), in name order, each with the path it has in a work tree. A file
 * over {@link MAX_FILE_BYTES} is QueueError `too_large`, told from the tree before it is read. None
 * when git cannot list them.
 */
export async function tipHandoffFiles(root: string, commit: string, deploymentDir: string, skip: ReadonlySet<string> = new Set()): Promise<HandoffFile[]> {
  const { Git } = await import('../git/git.js');
  const git = new Git(root);
  const dir = `${deploymentDir.replace(/\/+$/, '')}/handoffs/`;
  const listing = await git.raw(['ls-tree', '-l', '-z', commit, '--', dir]).catch(() => '');
  const out: HandoffFile[] = [];
  for (const entry of listing.split('\0')) {
    const m = /^(100644|100755) blob ([0-9a-f]{40,64}) +(\d+)\t(.*)$/s.exec(entry);
    if (!m?.[4].startsWith(dir)) continue;
    const name = m[4].slice(dir.length);
    if (name.includes('/') || !name.endsWith('.md') || name.toLowerCase() === 'readme.md' || skip.has(name)) continue;
    if (Number(m[3]) > MAX_FILE_BYTES) throw tooLarge(m[4], Number(m[3]));
    const text = await git.raw(['cat-file', 'blob', m[2]]).catch(() => null);
    if (text !== null) out.push({ name, path: join(root, deploymentDir, 'handoffs', name), text });
  }
  return out.sort(byName);
}

/**
 * The handoff files a read shows: those of the work tree, and, when the read decided on the shared
 * branch's tip (`tip`), those the tip has and the work tree does not yet (a handoff another clone
 * pushed). The work tree's copy of a file both have is the one read. In name order.
 */
export async function shownHandoffFiles(root: string, deploymentDir: string, tip: string | null): Promise<HandoffFile[]> {
  const here = handoffFiles(root, deploymentDir);
  if (!tip) return here;
  const more = await tipHandoffFiles(root, tip, deploymentDir, new Set(here.map((f) => f.name)));
  return more.length ? [...here, ...more].sort(byName) : here;
}

/**
 * The handoffs for story `id`: those whose `story` field names it (in any case, as the graph's
 * lookup matches ids), and those without one whose file name or text names it (word-bounded, as
 * {@link mentionedIds}), read with their front matter.
 */
export async function handoffsNaming(root: string, deploymentDir: string, id: string, queue: Queue): Promise<Handoff[]> {
  // Files that cannot be for it are not parsed: those that never name it, in any case (a `story`
  // field names its story as lookups do, case aside).
  const lower = id.toLowerCase();
  const files = handoffFiles(root, deploymentDir).filter((f) => mentionedIds(`${f.name} ${f.text}`.toLowerCase(), [lower]).length);
  if (files.length === 0) return [];
  // Which story a handoff is for is told among all the file's stories (a partial queue holds some).
  const whole = await wholeQueue(queue);
  const story = whole.graph.lookup(id)?.id ?? id;
  return (await readHandoffs(files, root, whole)).map((r) => r.handoff).filter((h) => h.stories.includes(story));
}

/**
 * Read handoff files (their YAML front matter; the YAML reader loads on first use), each linked to
 * the stories of `queue` its name or text names, with its diagnostics (paths relative to `root`).
 */
export async function readHandoffs(files: HandoffFile[], root: string, queue: Queue): Promise<Array<{ handoff: Handoff; diagnostics: Diagnostic[] }>> {
  if (files.length === 0) return [];
  const { readHandoff } = await import('../workspace/handoff.js');
  const ids = writtenIds(queue);
  return files.map((f) => {
    const read = readHandoff(f.text, relative(root, f.path));
    // A handoff that says which story it is for (queue writes `story:`) belongs to that story alone;
    // one written by hand belongs to every story it names.
    const own = typeof read.handoff.data.story === 'string' ? queue.graph.lookup(read.handoff.data.story) : undefined;
    read.handoff.stories = own ? [own.id] : mentionedIds(`${f.name} ${f.text}`, ids);
    return read;
  });
}
