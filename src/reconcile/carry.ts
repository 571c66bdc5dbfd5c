/**
 * Carrying hand edits onto the shared branch (`queue watch --commit`): the statuses a person changed
 * in a clone's working file (committed there or not) since it last matched the shared branch, as
 * edits of the shared tip's text. Pure: (base, working, tip) → edits.
 */
import type { Queue } from '../read/queue.js';
import type { Change } from '../edit/decide.js';
import type { Edit } from '../edit/splice.js';
import type { Story } from '../domain/types.js';
import type { StatusWish } from '../edit/style.js';

/** A status carried from the working file to the tip. */
export interface CarriedStatus {
  id: string;
  /** The status cell as the base and the tip write it. */
  from: string;
  /** The status cell as the working file writes it (its exact text). */
  to: string;
}

/** What {@link carryStatuses} found: the edits of the tip's first document, the changes they make. */
export interface Carry {
  edits: Edit[];
  changes: Change[];
  carried: CarriedStatus[];
}

/** The one place a story's status is written (a table row, a task item, a heading's status line), or null. */
function statusSpan(s: Story): { start: number; end: number } | null {
  const own = s.occurrences.filter((o) => o.kind !== 'log');
  if (own.length !== 1 || own[0].section) return null;
  return own[0].spans.status ?? null;
}

/**
 * The status changes made in `working` since `base` (the file where the working file's branch and
 * the shared branch last agreed), as edits of `tip`'s first document: for each story whose status
 * cell differs between `base` and `working`, the tip's cell is given the working file's text, when
 * the tip still has the base's status (a status changed on the shared branch meanwhile is left as
 * the tip has it) and the story is written in one place in both (a row under a status heading,
 * or in two rows, is not carried). Stories added or removed by hand, and edits other than statuses,
 * are not carried. Each change expects the working file's category, claimant and reason.
 */
export function carryStatuses(base: Queue, working: Queue, tip: Queue): Carry {
  const out: Carry = { edits: [], changes: [], carried: [] };
  const doc = tip.documents[0];
  const workingDoc = working.documents[0];
  if (!doc || !workingDoc || !doc.editable) return out;
  for (const w of working.stories) {
    const b = base.graph.byId.get(w.id);
    const t = tip.graph.byId.get(w.id);
    if (!b || !t || w.file !== workingDoc.file || t.file !== doc.file) continue;
    if (w.status.raw === b.status.raw || t.status.raw !== b.status.raw || w.status.category === 'unknown') continue;
    const ws = statusSpan(w);
    const ts = statusSpan(t);
    if (!ws || !ts) continue;
    const to = workingDoc.text.slice(ws.start, ws.end);
    out.edits.push({ start: ts.start, end: ts.end, text: to });
    const expect: StatusWish = { category: w.status.category, claimant: w.claimant, reason: w.status.reason ?? null };
    out.changes.push({ id: w.id, expect });
    out.carried.push({ id: w.id, from: doc.text.slice(ts.start, ts.end), to });
  }
  return out;
}
