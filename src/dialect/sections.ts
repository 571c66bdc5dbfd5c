/** Where a place in a document sits among its headings, and what a section heading says. Pure. */
import type { RawHeading } from '../markdown/blocks.js';
import type { Status, StatusCategory } from '../domain/types.js';
import { fold } from './normalize.js';

/**
 * The headings in force at a place in a document, for places asked in document order: one pass over
 * the headings however many places are asked (a queue of 10,000 task items under 2,000 headings
 * reads in linear time). A heading is in force from its start until a later heading of the same or
 * a higher level.
 */
export class SectionCursor {
  private next = 0;
  private readonly path: RawHeading[] = [];
  private texts: string[] | null = [];
  private status: SectionStatus | null | undefined = null;

  constructor(private readonly headings: readonly RawHeading[]) {}

  /** Move to `offset`, which must not be before the last offset asked for. */
  private advance(offset: number): void {
    const hs = this.headings;
    while (this.next < hs.length && hs[this.next].start <= offset) {
      const h = hs[this.next++];
      while (this.path.length && this.path[this.path.length - 1].depth >= h.depth) this.path.pop();
      this.path.push(h);
      this.texts = null;
      this.status = undefined;
    }
  }

  /** The headings in force at `offset`, outermost first. Changes as the cursor moves: copy to keep. */
  headingsAt(offset: number): readonly RawHeading[] {
    this.advance(offset);
    return this.path;
  }

  /** The heading path at `offset`, outermost first, texts trimmed. Shared between the places of one
   * section: never mutate it. */
  sectionAt(offset: number): string[] {
    this.advance(offset);
    this.texts ??= this.path.map((h) => h.text.trim());
    return this.texts;
  }

  /** The innermost heading in force at `offset` that states a status ({@link sectionStatus}), or null. */
  statusSectionAt(offset: number): SectionStatus | null {
    this.advance(offset);
    if (this.status === undefined) {
      this.status = null;
      for (let i = this.path.length - 1; i >= 0 && this.status === null; i--) this.status = sectionStatus(this.path[i]);
    }
    return this.status;
  }
}

/**
 * Section headings that state the status of what sits under them, in queues that keep "status is
 * the section the item lives in" (`## In progress`, `## Blocked`, `## Ready`, `## Done`; kanban
 * boards in Markdown) or that file holds under a heading (`## Blocked on the owner — nobody can
 * build past these`). Longer phrases first. Unlike a status cell, a heading is a title: words
 * that usually mean something else there ("Active sprint", "Active queue", "New features") are
 * left out, and "Inbox" / "Needs refinement" are holds (not ready for an agent to take).
 */
const PHRASES: Array<[string, StatusCategory]> = (
  [
    ['needs refinement', 'blocked'],
    ['needs triage', 'blocked'],
    ['triage', 'blocked'],
    ['inbox', 'blocked'],
    ['blocked', 'blocked'],
    ['on hold', 'blocked'],
    ['waiting', 'blocked'],
    ['paused', 'blocked'],
    ['parked', 'blocked'],
    ['deferred', 'blocked'],
    ['in progress', 'in_progress'],
    ['doing', 'in_progress'],
    ['wip', 'in_progress'],
    ['claimed', 'in_progress'],
    ['in flight', 'in_progress'],
    ['ongoing', 'in_progress'],
    ['underway', 'in_progress'],
    ['ready for review', 'review'],
    ['awaiting review', 'review'],
    ['needs review', 'review'],
    ['in review', 'review'],
    ['review', 'review'],
    ['verify', 'review'],
    ['verifying', 'review'],
    ['testing', 'review'],
    ['done', 'done'],
    ['completed', 'done'],
    ['complete', 'done'],
    ['finished', 'done'],
    ['landed', 'done'],
    ['closed', 'done'],
    ['shipped', 'done'],
    ['merged', 'done'],
    ['resolved', 'done'],
    ['cancelled', 'cancelled'],
    ['canceled', 'cancelled'],
    ['dropped', 'cancelled'],
    ["won't do", 'cancelled'],
    ['wont do', 'cancelled'],
    ['abandoned', 'cancelled'],
    ['rejected', 'cancelled'],
    ['superseded', 'cancelled'],
    ['obsolete', 'cancelled'],
    ['ready', 'todo'],
    ['to do', 'todo'],
    ['todo', 'todo'],
    ['backlog', 'todo'],
    ['up next', 'todo'],
    ['next up', 'todo'],
    ['next', 'todo'],
    ['open', 'todo'],
    ['pending', 'todo'],
    ['queued', 'todo'],
    ['not started', 'todo'],
    ['planned', 'todo'],
    ['unclaimed', 'todo'],
    ['later', 'todo'],
    // The same headings in the grammar's other languages (status.ts): Russian, Vietnamese, Chinese,
    // Japanese, Korean, Spanish, Portuguese, French, German.
    ['готово', 'done'],
    ['сделано', 'done'],
    ['выполнено', 'done'],
    ['завершено', 'done'],
    ['в работе', 'in_progress'],
    ['в процессе', 'in_progress'],
    ['на проверке', 'review'],
    ['следующее', 'todo'],
    ['далее', 'todo'],
    ['позже', 'todo'],
    ['бэклог', 'todo'],
    ['запланировано', 'todo'],
    ['заблокировано', 'blocked'],
    ['отложено', 'blocked'],
    ['отменено', 'cancelled'],
    ['hoàn thành', 'done'],
    ['đã xong', 'done'],
    ['đang làm', 'in_progress'],
    ['đang thực hiện', 'in_progress'],
    ['cần làm', 'todo'],
    ['bị chặn', 'blocked'],
    ['đã hủy', 'cancelled'],
    ['已完成', 'done'],
    ['完成', 'done'],
    ['进行中', 'in_progress'],
    ['待办', 'todo'],
    ['待辦', 'todo'],
    ['阻塞', 'blocked'],
    ['已取消', 'cancelled'],
    ['完了', 'done'],
    ['進行中', 'in_progress'],
    ['未着手', 'todo'],
    ['保留', 'blocked'],
    ['中止', 'cancelled'],
    ['완료', 'done'],
    ['진행 중', 'in_progress'],
    ['진행중', 'in_progress'],
    ['할 일', 'todo'],
    ['대기', 'todo'],
    ['보류', 'blocked'],
    ['취소', 'cancelled'],
    ['hecho', 'done'],
    ['completado', 'done'],
    ['terminado', 'done'],
    ['en progreso', 'in_progress'],
    ['en curso', 'in_progress'],
    ['pendiente', 'todo'],
    ['por hacer', 'todo'],
    ['bloqueado', 'blocked'],
    ['cancelado', 'cancelled'],
    ['concluído', 'done'],
    ['em andamento', 'in_progress'],
    ['a fazer', 'todo'],
    ['pendente', 'todo'],
    ['terminé', 'done'],
    ['en cours', 'in_progress'],
    ['à faire', 'todo'],
    ['bloqué', 'blocked'],
    ['annulé', 'cancelled'],
    ['erledigt', 'done'],
    ['abgeschlossen', 'done'],
    ['in arbeit', 'in_progress'],
    ['offen', 'todo'],
    ['blockiert', 'blocked'],
    ['abgebrochen', 'cancelled'],
  ] as Array<[string, StatusCategory]>
).sort((a, b) => b[0].length - a[0].length);

/** What may follow the phrase in a longer heading that still states a status: a separator, or a
 * word naming what it waits on (`Blocked on the owner`, `Waiting for user`, `In progress — claimed`). */
const QUALIFIER = /^(?:[—–:(,;]|(?:on|by|for|until|pending|awaiting)\b)/;

/** A noun naming the collection after a phrase that cannot be an imperative (`## Done log`,
 * `## Blocked tasks`, `## Completed items`). After "Review", "Ready" or
 * "Next" the same words would name work to do ("Review tasks"), so those phrases do not take them. */
const COLLECTION = /^(?:log|archive|items|tasks|tickets|issues|stories|work|list|history)$/;
const TAKES_COLLECTION = new Set<StatusCategory>(['done', 'cancelled', 'in_progress', 'blocked']);

/** A section heading read as a status ({@link sectionStatus}). */
export interface SectionStatus {
  /** What the heading says of the stories under it, as a status: the heading's text is `raw` and
   * (for a hold) the `reason`, its phrase upper-cased the `token`. */
  status: Status;
  /** The heading, 1-based line and level. */
  line: number;
  depth: number;
  /** The heading is the status phrase alone (`## Ready`, `## 🔄 In Progress`, `## Done (12)`). */
  exact: boolean;
}

/**
 * The status a section heading states, or null: its text (leading emoji and marks, and a trailing
 * count such as `(3)` or a colon, set aside) starts with one of the phrases above, alone (`exact`)
 * or followed by a separator or `on`/`by`/`for`/`until` (`Blocked on the owner — …`), or, for a
 * phrase that is not an imperative, by a collection noun alone (`Done log`).
 */
export function sectionStatus(h: RawHeading): SectionStatus | null {
  let memo = MEMO.get(h);
  if (memo === undefined) {
    memo = h.depth < 2 ? null : readSection(h);
    MEMO.set(h, memo);
  }
  return memo;
}

const MEMO = new WeakMap<RawHeading, SectionStatus | null>();

function readSection(h: RawHeading): SectionStatus | null {
  const heading = h.text.trim();
  const core = fold(heading.replace(/^[^\p{L}]+/u, '').replace(/\s*(?:\(\d+\)|:)\s*$/, ''));
  for (let k = 0; k < PHRASES.length; k++) {
    const phrase = PHRASES[k][0];
    const category = PHRASES[k][1];
    if (!core.startsWith(phrase)) continue;
    const rest = core.slice(phrase.length).trim();
    const collection = TAKES_COLLECTION.has(category) && COLLECTION.test(rest);
    if (rest !== '' && !collection && (/^[\p{L}\p{N}]/u.test(core.charAt(phrase.length)) || !QUALIFIER.test(rest))) continue;
    const status: Status = { category, raw: heading, token: phrase.toUpperCase(), claimant: null, reason: category === 'blocked' ? heading : null };
    return { status, line: h.line, depth: h.depth, exact: rest === '' };
  }
  return null;
}

/** Phrases preferred when several sections state the wished status (`## Blocked` over `## Inbox`). */
const PREFERRED = ['READY', 'TO DO', 'TODO', 'IN PROGRESS', 'BLOCKED', 'IN REVIEW', 'REVIEW', 'DONE', 'CANCELLED'];

/** Indices of the headings beside section `hs[from]` (same level, same parent) that state a status alone. */
export function sectionsBeside(hs: readonly RawHeading[], from: number): number[] {
  const depth = hs[from].depth;
  let first = from;
  while (first > 0 && hs[first - 1].depth >= depth) first--;
  const out: number[] = [];
  for (let k = first; k < hs.length && hs[k].depth >= depth; k++) if (hs[k].depth === depth && sectionStatus(hs[k])?.exact) out.push(k);
  return out;
}

/** The section beside `hs[from]` (or itself) that states `category`, preferring the plain phrases; -1 for none. */
export function targetSection(hs: readonly RawHeading[], from: number, category: StatusCategory): number {
  const candidates = sectionsBeside(hs, from).filter((k) => sectionStatus(hs[k])!.status.category === category);
  if (candidates.includes(from)) return from;
  const rank = (k: number) => {
    const r = PREFERRED.indexOf(sectionStatus(hs[k])!.status.token);
    return r === -1 ? PREFERRED.length : r;
  };
  return candidates.sort((a, b) => rank(a) - rank(b) || a - b)[0] ?? -1;
}
