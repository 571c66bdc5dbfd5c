/**
 * Rendering what follows from the graph (docs/render.md), for `queue render` and `queue watch` alike:
 * statuses blocked only by dependencies, done marks, generated blocks and the status board, either
 * in the working file or as a transaction on the shared branch. Every render is proved stable: a
 * second pass over its result must find nothing to do.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { QueueConfig } from '../domain/config.js';
import { QueueError } from '../domain/errors.js';
import { describeEffect, type Effect } from '../domain/effects.js';
import { readIfExists, readText, swapFile, writablePath, writeFiles } from './files.js';
import { readQueue, type Queue } from '../read/queue.js';
import { write, type WriteOutcome, type WriteTarget } from './write.js';
import { applyDecision, type Applied } from '../edit/apply.js';
import type { Decision } from '../edit/decide.js';
import { Git } from '../git/git.js';
import { reconcile, renderDecision } from '../reconcile/reconcile.js';

/** Files a render writes beside the queue file (the board, handoffs), relative to the root. */
export type RenderFiles = NonNullable<Decision['files']>;

/** The status board's path relative to the root: `<deploymentDir>/status/current-status.md`. */
export function boardPath(config: QueueConfig): string {
  return `${config.deploymentDir}/status/current-status.md`;
}

/** Apply a render decision and prove it stable. Throws `parse_error` when a second pass would still act. */
export async function applyRender(queue: Queue, d: Decision, config: QueueConfig): Promise<Applied> {
  const applied = await applyDecision(queue, d, config);
  const again = reconcile(applied.after).flatMap((r) => r.effects);
  if (again.length)
    throw new QueueError('parse_error', `rendering ${d.document.file} is not stable (a second pass would still ${again.map(describeEffect).join(', ')}); nothing was written`);
  return applied;
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
 * (handoffs). With `check`, decides and writes nothing. `now` stamps the board.
 * Throws `parse_error` (unstable render, or an edit that would not read back) and `unreadable`.
 */
export async function renderWorking(
  where: Pick<WriteTarget, 'root' | 'file' | 'config'>,
  agent: string,
  now: Date,
  opts: { check?: boolean; extra?: RenderExtra } = {},
): Promise<WorkingRender> {
  // Refused before anything is decided: a queue file that is a link leading outside the work tree.
  const path = opts.check ? resolve(where.root, where.file) : writablePath(where.root, where.file);
  const text = readText(path, where.file);
  const queue = await readQueue([{ file: where.file, text }], { vocabulary: where.config.vocabulary });
  const extra = opts.extra ? await opts.extra(queue, async (p) => existsSync(resolve(where.root, p))) : [];
  const board = boardPath(where.config);
  const boardText = readIfExists(resolve(where.root, board));
  const d = renderDecision(queue, agent, boardText !== null || where.config.statusBoard ? { path: board, text: boardText, now } : undefined);
  d.files = [...(d.files ?? []), ...extra];
  const files = extra.map((f) => f.path);
  if (opts.check || (d.unchanged && extra.length === 0)) return { outcome: 'unchanged', effects: d.effects, files, content: null, after: queue };
  const applied = await applyRender(queue, d, where.config);
  // Every path is checked before anything is written.
  for (const f of d.files ?? []) writablePath(where.root, f.path);
  const content = applied.content !== text ? applied.content : null;
  const moved: WorkingRender = { outcome: 'moved', effects: [], files: [], content: null, after: queue };
  if (content !== null && (await swapFile(path, text, content)) === 'moved') return moved;
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

/**
 * Render the shared branch's tip as a transaction (`app/write.ts`): the board is read from that
 * commit, and `extra` is decided on the queue at that commit (again on each attempt), its files
 * added to the commit. Returns the write's outcome and the effects of the decision that was
 * committed (none when nothing changed). Throws as {@link write}.
 */
export async function renderCommitted(where: WriteTarget, agent: string, now: Date, extra?: RenderExtra): Promise<WriteOutcome & { effects: Effect[] }> {
  const git = new Git(where.root);
  const board = boardPath(where.config);
  let effects: Effect[] = [];
  const out = await write(where, async (queue, base) => {
    // Without a commit yet (an empty repository), the work tree stands in for the tip's tree.
    const exists = (path: string) =>
      base
        ? git.raw(['cat-file', '-e', `${base}:${path}`]).then(
            () => true,
            () => false,
          )
        : Promise.resolve(existsSync(resolve(where.root, path)));
    const text = base ? await git.raw(['cat-file', 'blob', `${base}:${board}`]).catch(() => null) : readIfExists(resolve(where.root, board));
    // The board is kept where the tip has one, and created only when the config asks for it.
    const d = renderDecision(queue, agent, text !== null || where.config.statusBoard ? { path: board, text, now } : undefined);
    effects = d.effects;
    const files = extra ? await extra(queue, exists) : [];
    return files.length ? { ...d, files: [...(d.files ?? []), ...files], unchanged: false } : d;
  });
  return { ...out, effects: out.commit ? effects : [] };
}
