/**
 * Carry out a {@link Decision} on its document's text and prove the result (the fidelity rule: a
 * command that cannot edit a file with full fidelity refuses to write it). Pure apart from the
 * lazy remark import inside `readQueue`.
 *
 * The proof re-reads the edited text with the same reader: the story must read as the decision
 * wished, every other story must keep its status exactly, and no new error may appear. A decision's
 * `follow` step (edits derived from the result) is applied and proved the same way, in turn.
 */
import { QueueError } from '../domain/errors.js';
import { asWritten, readQueue, type Queue } from '../read/queue.js';
import { patchQueue } from '../read/patch.js';
import type { Story } from '../domain/types.js';
import type { Effect } from '../domain/effects.js';
import type { QueueConfig } from '../domain/config.js';
import { checkTransition } from '../rules/check.js';
import type { Decision } from './decide.js';
import { applyEdits, keepPadding, widthFor } from './splice.js';
import { isClaimed } from '../domain/status.js';
import { TRAILER } from '../domain/trailers.js';

/** The edited file and the queue as it reads afterwards. */
export interface Applied {
  /** Full new file content, BOM restored. */
  content: string;
  /** The queue re-read from `content`. */
  after: Queue;
  /** The story after the change (none for a render that changes no status). */
  story: Story | undefined;
  /** What the decision's follow-up step did (dependents unblocked, done marks); empty for none. */
  derived: Effect[];
}

/** Whether two stories' dependencies are written alike (the same references in the same order), as
 * their refs joined by newlines compare: checked for every story of the file, so without joining. */
function sameRefs(a: readonly { ref: string }[], b: readonly { ref: string }[]): boolean {
  const joined = () => a.map((x) => x.ref).join('\n') === b.map((x) => x.ref).join('\n');
  if (a.length !== b.length) return joined();
  for (let i = 0; i < a.length; i++) if (a[i].ref !== b[i].ref) return joined();
  return true;
}

/**
 * Apply and verify. Throws `parse_error` when the edited file would not read back as intended, and
 * with `config`, `rule_violation` when the change breaks a claim rule (`rules/check.ts`, the same
 * rules the hooks apply to hand edits), judged with the decision's trailers as the actor.
 */
export async function applyDecision(before: Queue, d: Decision, config?: QueueConfig): Promise<Applied> {
  const doc = d.document;
  const edits = keepPadding(doc.text, d.edits, await widthFor(doc.text, d.edits));
  const text = applyEdits(doc.text, edits);
  const content = asWritten(doc, text);
  // Re-read: from `before` where only rows that read alone changed (read/patch.ts), else in full.
  // The texts agree before the first edit and after the last: no need to compare them there.
  let prefix = doc.text.length;
  let suffix = doc.text.length;
  for (const e of edits) {
    prefix = Math.min(prefix, e.start);
    suffix = Math.min(suffix, doc.text.length - e.end);
  }
  const after =
    (before.documents.length === 1 && before.documents[0].text === doc.text ? await patchQueue(before, text, { prefix, suffix }) : null) ??
    (await readQueue(
      before.documents.map((x) => ({ file: x.file, text: x.file === doc.file ? content : asWritten(x) })),
      { vocabulary: before.vocabulary },
    ));
  const refuse = (why: string): never => {
    // Where the write edits (its first edit, in the text before it): an insertion that starts a line
    // of its own (an added row or item) is at the start of that line. Worked out only for a refusal.
    const first = d.edits.reduce<(typeof d.edits)[number] | null>((m, e) => (m === null || e.start < m.start ? e : m), null);
    const at = first?.start ?? 0;
    const lineStart = doc.text.lastIndexOf('\n', at - 1) + 1;
    const opensLine = first !== null && first.start === first.end && /^\r?\n/.test(first.text);
    const line = doc.text.slice(0, lineStart).split('\n').length + (opensLine ? 1 : 0);
    const column = opensLine ? 1 : at - lineStart + 1;
    throw new QueueError('parse_error', `${doc.file}:${line}:${column}: editing ${d.id} would not read back as intended (${why}); nothing was written`, {
      file: doc.file,
      line,
      column,
      id: d.id,
    });
  };
  const changed = new Set(d.changes.map((c) => c.id));
  for (const change of d.changes) {
    const { id, expect } = change;
    const s = after.graph.byId.get(id);
    if (!s) return refuse(`${id} disappeared`);
    if (s.status.category !== expect.category) refuse(`${id} reads as "${s.status.raw}"`);
    const wantClaimant = isClaimed(expect.category) ? (expect.claimant ?? null) : null;
    if (wantClaimant !== null && s.claimant !== wantClaimant) refuse(`the claimant of ${id} reads as ${s.claimant ?? 'nobody'}`);
    if (expect.category === 'blocked' && (s.status.reason ?? null) !== (expect.reason ?? null)) refuse(`the reason of ${id} reads as ${s.status.reason ?? 'none'}`);
    const deps = s.deps.map((x) => x.id ?? x.ref);
    if (change.deps && deps.join('\n') !== change.deps.join('\n')) {
      refuse(`the dependencies of ${id} read as ${deps.join(', ') || 'none'}`);
    }
    if (change.parent !== undefined && s.parent !== change.parent) refuse(`the parent of ${id} reads as ${s.parent ?? 'none'}`);
    // A status change leaves the rest of the story as it read (a task's tag is not its title).
    const was = before.graph.byId.get(id);
    if (was && s.title !== was.title) refuse(`the title of ${id} reads as "${s.title}"`);
    if (was && !change.deps && s.deps.map((x) => x.ref).join('\n') !== was.deps.map((x) => x.ref).join('\n'))
      refuse(`the dependencies of ${id} read as ${deps.join(', ') || 'none'}`);
  }
  const added = d.adds?.length ?? 0;
  if (after.stories.length !== before.stories.length + added) refuse(`${before.stories.length} stories became ${after.stories.length}`);
  for (const s of before.stories) {
    if (changed.has(s.id)) continue;
    const t = after.graph.byId.get(s.id);
    if (!t || t.status.raw !== s.status.raw || t.title !== s.title || !sameRefs(t.deps, s.deps)) refuse(`${s.id} changed too`);
  }
  const errors = (q: Queue) => q.diagnostics.filter((x) => x.severity === 'error').length;
  if (errors(after) > errors(before)) refuse('a new error appeared');
  if (config) {
    const trailer = (k: string) => d.trailers.find(([key]) => key === k)?.[1] ?? null;
    const broken = checkTransition(before, after, { agent: trailer(TRAILER.agent), op: trailer(TRAILER.op), force: trailer(TRAILER.force) !== null, local: true, config }).filter(
      (v) => v.severity === 'error',
    );
    if (broken.length) {
      throw new QueueError('rule_violation', broken.map((v) => `${v.rule}${v.story ? ` ${v.story}` : ''}: ${v.message} (fix: ${v.fix})`).join('; '), { violations: broken });
    }
  }
  const derived = d.follow?.(after);
  if (derived && derived.document.file === doc.file && derived.edits.length) {
    // The second step is proved like the first, against the queue the first one left; so is any
    // step that follows from it.
    const next = await applyDecision(after, { ...d, changes: derived.changes, document: derived.document, edits: derived.edits, adds: undefined, follow: derived.follow }, config);
    return { content: next.content, after: next.after, story: next.after.graph.byId.get(d.id), derived: [...derived.effects, ...next.derived] };
  }
  return { content, after, story: after.graph.byId.get(d.id), derived: [] };
}
