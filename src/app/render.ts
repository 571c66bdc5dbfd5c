/**
 * Rendering what follows from the graph (docs/render.md), for `queue render` and `queue watch` alike:
 * statuses blocked only by dependencies, done marks, generated blocks and the status board, either
 * in the working file or as a transaction on the shared branch. Every render is proved stable: a
 * second pass over its result must find nothing to do.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { QueueConfig, Vocabulary } from '../domain/config.js';
import { QueueError } from '../domain/errors.js';
import { describeEffect, type Effect } from '../domain/effects.js';
import { readIfExists, swapFile, writablePath, writeFiles } from './files.js';
import { readQueueBytes } from './queue-file.js';
import { asWritten, documentBytes, readQueue, type Queue } from '../read/queue.js';
import { rereadQueue } from '../read/patch.js';
import { write, type WriteOutcome, type WriteTarget } from './write.js';
import { applyDecision, type Applied } from '../edit/apply.js';
import type { Decision } from '../edit/decide.js';
import { Git } from '../git/git.js';
import { TRAILER } from '../domain/trailers.js';
import { reconcile, renderDecision } from '../reconcile/reconcile.js';
import { carryStatuses } from '../reconcile/carry.js';
import { applyEdits } from '../edit/splice.js';
import type { BlockInputs } from '../reconcile/blocks.js';
import { historyFlow } from './flow.js';

/** Files a render writes beside the queue file (the board, handoffs), relative to the root. */
export type RenderFiles = NonNullable<Decision['files']>;

/** The status board's path relative to the root: `<deploymentDir>/status/current-status.md`. */
export function boardPath(config: QueueConfig): string {
  return `${config.deploymentDir}/status/current-status.md`;
}

/** A `queue:metrics` block's opening marker. */
const METRICS = /^[^\S\r\n]{0,3}<!--\s*queue:metrics\b/m;

/**
 * What the generated blocks of `text` need beyond the queue: the config's effort sizes and, when
 * the file has a `queue:metrics` block, the flow of the queue file's history up to `rev` (default
 * HEAD; null outside a repository or without a commit).
 */
export async function blockInputs(root: string, file: string, config: QueueConfig, text: string, rev?: string): Promise<BlockInputs> {
  const out: BlockInputs = { effort: config.effort };
  if (METRICS.test(text)) out.metrics = await historyFlow({ cwd: root, file, rev }).catch(() => null);
  return out;
}

/** Apply a render decision and prove it stable. Throws `parse_error` when a second pass would still act. */
export async function applyRender(queue: Queue, d: Decision, config: QueueConfig): Promise<Applied> {
  const applied = await applyDecision(queue, d, config);
  const again = reconcile(applied.after, { blocks: { effort: config.effort } }).flatMap((r) => r.effects);
  if (again.length)
    throw new QueueError('parse_error', `rendering ${d.document.file} is not stable (a second pass would still ${again.map(describeEffect).join(', ')}); nothing was written`);
  return applied;
}

/**
 * The queue file as committed at `rev` (default `HEAD`) in the repository at `root`, read, or null
 * when there is none (no repository, no commit, no such file there, or a file that does not read).
 */
export async function committedQueue(root: string, file: string, rev = 'HEAD', vocabulary?: Vocabulary): Promise<Queue | null> {
  const git = new Git(root);
  const text = await git.raw(['cat-file', 'blob', `${rev}:${file}`]).catch(() => null);
  if (text === null) return null;
  return readQueue([{ file, text }], { vocabulary }).catch(() => null);
}

/**
 * The queue file where this clone's HEAD and the shared branch last agreed: at
 * `git merge-base HEAD <remote>/<branch>` (the remote-tracking ref as last fetched; the branch
 * itself without a remote), else at HEAD (no shared branch yet). What a person changed by hand in
 * the working file, saved or committed and not pushed, is what differs from it. Null when there is
 * no such file (no repository, no commit).
 */
export async function sharedBase(where: Pick<WriteTarget, 'root' | 'file'> & Partial<Pick<WriteTarget, 'remote' | 'branch' | 'config'>>): Promise<Queue | null> {
  let rev = 'HEAD';
  if (where.branch) {
    const shared = where.remote ? `refs/remotes/${where.remote}/${where.branch}` : `refs/heads/${where.branch}`;
    rev = (await new Git(where.root).line(['merge-base', 'HEAD', shared]).catch(() => '')) || 'HEAD';
  }
  return committedQueue(where.root, where.file, rev, where.config?.vocabulary);
}

/** What {@link renderWorking} did. */
export interface WorkingRender {
  /** `written`: the file and files are up to date now; `unchanged`: nothing to do (or `check`);
   * `moved`: the file changed while being rendered, and nothing was written. */
  outcome: 'written' | 'unchanged' | 'moved';
  /** What the render does (or, with `check`, would do): dependents unblocked, marks, blocks, the board. */
  effects: Effect[];
  /** The extra files included (their paths). */
  files: string[];
  /** The queue file's new content when it changed, else null. */
  content: string | null;
  /** The queue as it reads afterwards (as read, when nothing was written). */
  after: Queue;
}

/**
 * Render the working file at `where.root/where.file` and the board in the work tree, each written
 * by a compare-and-swap on its bytes (`app/files.ts` {@link swapFile}): only if it still holds what
 * was read. When the queue file changed meanwhile, nothing is written and the outcome is `moved`
 * (the caller decides again on the new text). `extra` adds files decided from the queue as read
 * (handoffs). With `check`, decides and writes nothing. `now` stamps the board. `since` is the
 * earlier state whose stories done since (by hand) join the Completed log: default the file where
 * HEAD and the shared branch last agreed ({@link sharedBase}; none outside a repository).
 * `previous`: an earlier reading of the file (the watcher's last pass), which the file is read by
 * patching where only rows changed (`read/patch.ts` rereadQueue).
 * Throws `parse_error` (unstable render, or an edit that would not read back) and `unreadable`.
 */
export async function renderWorking(
  where: Pick<WriteTarget, 'root' | 'file' | 'config'> & Partial<Pick<WriteTarget, 'remote' | 'branch'>>,
  agent: string,
  now: Date,
  opts: { check?: boolean; extra?: RenderExtra; since?: Queue | null; previous?: Queue | null } = {},
): Promise<WorkingRender> {
  // Refused before anything is decided: a queue file that is a link leading outside the work tree.
  const path = opts.check ? resolve(where.root, where.file) : writablePath(where.root, where.file);
  // As bytes: a file that is not all UTF-8 keeps every byte the render does not change.
  const bytes = readQueueBytes(path, where.file);
  const queue = await rereadQueue(opts.previous ?? null, { file: where.file, bytes }, { vocabulary: where.config.vocabulary });
  const text = asWritten(queue.documents[0]);
  const extra = opts.extra ? await opts.extra(queue, async (p) => existsSync(resolve(where.root, p))) : [];
  const board = boardPath(where.config);
  const boardText = readIfExists(resolve(where.root, board));
  const since = opts.since !== undefined ? opts.since : await sharedBase(where);
  const inputs = await blockInputs(where.root, where.file, where.config, text);
  const d = renderDecision(queue, agent, boardText !== null || where.config.statusBoard ? { path: board, text: boardText, now } : undefined, since, inputs);
  d.files = [...(d.files ?? []), ...extra];
  const files = extra.map((f) => f.path);
  if (opts.check || (d.unchanged && extra.length === 0)) return { outcome: 'unchanged', effects: d.effects, files, content: null, after: queue };
  const applied = await applyRender(queue, d, where.config);
  // Every path is checked before anything is written.
  for (const f of d.files ?? []) writablePath(where.root, f.path);
  const content = applied.content !== text ? applied.content : null;
  const moved: WorkingRender = { outcome: 'moved', effects: [], files: [], content: null, after: queue };
  if (content !== null && (await swapFile(path, bytes, documentBytes(d.document, content))) === 'moved') return moved;
  // The board is compared with what this render read; a handoff must not exist yet.
  const left = await writeFiles(where.root, d, new Map([[board, boardText]]));
  // A file beside the queue changed meanwhile and the queue file had nothing to write: `moved`, so
  // the caller decides again on what is there now.
  if (left.length && content === null) return moved;
  return { outcome: 'written', effects: d.effects, files, content, after: applied.after };
}

/**
 * Extra files for a render, decided from the queue it renders: `exists(path)` says whether `path`
 * (relative to the root) exists where the render writes (the work tree, or the tip's tree).
 */
export type RenderExtra = (queue: Queue, exists: (path: string) => Promise<boolean>) => RenderFiles | Promise<RenderFiles>;

/** Options of {@link renderCommitted}. */
export interface CommittedRenderOptions {
  /** Extra files decided on the queue at the tip (handoffs). */
  extra?: RenderExtra;
  /** The earlier state whose stories done since join the Completed log, given the queue at the tip
   * (before any carried hand edits) and the tip commit. Default: none (the log is left as it is). */
  since?: (queue: Queue, base: string | null) => Queue | null | Promise<Queue | null>;
  /** Hand edits to carry onto the tip (`reconcile/carry.ts`): the working file (`working`) and the
   * file where it last agreed with the shared branch (`base`). Their status changes are written into
   * the tip's file in the same commit, and the render follows from them. */
  carry?: { base: Queue; working: Queue };
}

/**
 * Render the shared branch's tip as a transaction (`app/write.ts`): the board is read from that
 * commit, and `extra` is decided on the queue at that commit (again on each attempt), its files
 * added to the commit. With `carry`, the statuses changed by hand in the working file are carried
 * onto the tip first (the commit's subject names them) and judged by the claim rules with the rest.
 * Returns the write's outcome, the effects of the decision that was committed (none when nothing
 * changed) and the ids of the stories whose status was carried. Throws as {@link write}.
 */
export async function renderCommitted(
  where: WriteTarget,
  agent: string,
  now: Date,
  opts: CommittedRenderOptions = {},
): Promise<WriteOutcome & { effects: Effect[]; carried: string[] }> {
  const git = new Git(where.root);
  const board = boardPath(where.config);
  let effects: Effect[] = [];
  let carried: string[] = [];
  const out = await write(where, async (tip, base) => {
    // Without a commit yet (an empty repository), the work tree stands in for the tip's tree.
    const exists = (path: string) =>
      base
        ? git.raw(['cat-file', '-e', `${base}:${path}`]).then(
            () => true,
            () => false,
          )
        : Promise.resolve(existsSync(resolve(where.root, path)));
    const text = base ? await git.raw(['cat-file', 'blob', `${base}:${board}`]).catch(() => null) : readIfExists(resolve(where.root, board));
    const carry = opts.carry ? carryStatuses(opts.carry.base, opts.carry.working, tip) : null;
    const doc = tip.documents[0];
    // The queue as the carried statuses leave it: what the render, the board and the handoffs follow from.
    const queue = carry?.edits.length
      ? await readQueue([{ file: doc.file, text: asWritten(doc, applyEdits(doc.text, carry.edits)) }], { vocabulary: where.config.vocabulary })
      : tip;
    const since = opts.since ? await opts.since(tip, base) : null;
    // The board is kept where the tip has one, and created only when the config asks for it.
    const inputs = await blockInputs(where.root, where.file, where.config, doc.text, base ?? undefined);
    const d = renderDecision(queue, agent, text !== null || where.config.statusBoard ? { path: board, text, now } : undefined, since, inputs);
    effects = d.effects;
    carried = carry?.carried.map((c) => c.id) ?? [];
    const files = opts.extra ? await opts.extra(queue, exists) : [];
    const all = files.length ? { ...d, files: [...(d.files ?? []), ...files], unchanged: false } : d;
    if (!carry?.edits.length) return all;
    // The carried statuses are this decision's edits of the tip; the render follows from the queue
    // they leave, as a step of its own (proved the same way).
    const hand = carry.carried.map((c) => `${c.id} ${c.to} by hand`).join(', ');
    return {
      ...all,
      id: carry.changes[0].id,
      document: doc,
      edits: carry.edits,
      changes: carry.changes,
      unchanged: false,
      subject: `queue: render (${hand}${effects.length ? `; ${d.subject.replace(/^queue: render \((.*)\)$/, '$1')}` : ''})`,
      trailers: [[TRAILER.op, 'render'], ...carry.changes.map((c): [string, string] => [TRAILER.story, c.id]), ...d.trailers.filter(([k]) => k !== TRAILER.op)],
      follow: (after: Queue) => {
        const r = renderDecision(after, agent, undefined, since, inputs);
        return r.edits.length ? { document: r.document, edits: r.edits, changes: r.changes, effects: r.effects } : null;
      },
    };
  });
  return { ...out, effects: out.commit ? effects : [], carried: out.commit ? carried : [] };
}
