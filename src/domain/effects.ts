/**
 * What a write did, as typed data: the status it set, what followed from it (dependents
 * unblocked, done marks, generated blocks re-rendered, the status board), and the files it wrote.
 * The CLI prints them with {@link describeEffect}; the JSON contract, the MCP server and the runner
 * read the fields. Commit subjects are built from them ({@link summarizeEffects}), never parsed back.
 */
import type { StatusCategory } from './types.js';

/** One thing a write did. */
export type Effect =
  /** The story acted on now reads as `to` (with its claimant, or a hold's reason). */
  | { kind: 'status'; id: string; to: StatusCategory; claimant?: string | null; reason?: string | null }
  /** A story blocked only by its dependencies became ready (`[BLOCKED]` → `[ ]`). */
  | { kind: 'unblock'; id: string }
  /** A todo story that waits on open dependencies was marked `[BLOCKED]`. */
  | { kind: 'block'; id: string; waitingOn: string[] }
  /** A done mark (`✅`, `[DONE]`) was written beside dependency `id` in story `in`'s Depends On cell. */
  | { kind: 'mark'; id: string; in: string; mark: string }
  /** The done mark beside dependency `id` in story `in` was removed (it is no longer done). */
  | { kind: 'unmark'; id: string; in: string }
  /** The story's block moved to the section `to` (from `from`): a queue whose sections state the
   * status (`## In progress`) moves a story there when its status changes. Null: no heading. */
  | { kind: 'move'; id: string; from: string | null; to: string | null }
  /** A done story was appended to the file's Completed log. */
  | { kind: 'log'; id: string }
  /** A generated block (`queue:ready`, `queue:progress`, `queue:graph`) was rewritten. */
  | { kind: 'render'; block: string }
  /** The status board's section for `agent` now names `task`. */
  | { kind: 'board'; agent: string; task: string }
  /** A file was written beside the queue file, relative to the repository root. */
  | { kind: 'file'; path: string; role: 'handoff' | 'story' | 'board' | 'decision' };

/** One line for people: `unblock 8-3`, `move WQ-1 to "In progress"`, `mark 8-2 ✅ in 8-3`, `render queue:ready`, `wrote deployment/handoffs/…`. */
export function describeEffect(e: Effect): string {
  switch (e.kind) {
    case 'status':
      return `${e.id} → ${e.to}${e.claimant ? ` (${e.claimant})` : ''}${e.reason ? `: ${e.reason}` : ''}`;
    case 'unblock':
      return `unblock ${e.id}`;
    case 'block':
      return `block ${e.id} (waits on ${e.waitingOn.join(', ')})`;
    case 'mark':
      return `mark ${e.id} ${e.mark} in ${e.in}`;
    case 'unmark':
      return `unmark ${e.id} in ${e.in}`;
    case 'move':
      return `move ${e.id} to ${e.to === null ? 'the top of the file' : `"${e.to}"`}`;
    case 'log':
      return `log ${e.id} in the Completed log`;
    case 'render':
      return `render ${e.block}`;
    case 'board':
      return `status board: ${e.agent} → ${e.task}`;
    case 'file':
      return `wrote ${e.path}`;
  }
}

/** `unblock 8-3, 8-4; 2 marks; queue:ready; status board`: a commit subject's worth of effects. */
export function summarizeEffects(effects: readonly Effect[]): string {
  const status = effects.filter((e) => e.kind === 'unblock' || e.kind === 'block').map((e) => `${e.kind} ${e.id}`);
  const marks = effects.filter((e) => e.kind === 'mark' || e.kind === 'unmark').length;
  const blocks = effects.flatMap((e) => (e.kind === 'render' ? [e.block] : []));
  const board = effects.some((e) => e.kind === 'board') ? 'status board' : '';
  return [status.join(', '), marks ? `${marks} mark${marks > 1 ? 's' : ''}` : '', blocks.join(', '), board].filter(Boolean).join('; ');
}

/** Ids of the stories the effects unblocked, in order. */
export function unblockedIds(effects: readonly Effect[]): string[] {
  return effects.flatMap((e) => (e.kind === 'unblock' ? [e.id] : []));
}
