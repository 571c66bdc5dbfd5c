/**
 * The one home of what the status categories mean to the rest of queue: which ones hold a claim
 * (a claimant works on the story), which are finished, and their order. Dialects map a team's words
 * onto these categories (`dialect/status.ts`); everything else asks here.
 */
import type { StatusCategory } from './types.js';

/** Every category, in a fixed order (the graph's integer codes are indices into it). */
export const CATEGORIES = ['todo', 'blocked', 'in_progress', 'review', 'done', 'cancelled', 'unknown'] as const satisfies readonly StatusCategory[];

/** The categories in which a story is held by a claimant: in progress, or in review. */
export type ClaimedCategory = 'in_progress' | 'review';

/** True when a story in category `c` is claimed: in progress or in review. Only a claimed story has a claimant. */
export function isClaimed(c: StatusCategory): c is ClaimedCategory {
  return c === 'in_progress' || c === 'review';
}

/** True when a story in category `c` is finished: done, or cancelled. */
export function isFinished(c: StatusCategory): boolean {
  return c === 'done' || c === 'cancelled';
}

/** Categories of a story that is not finished: everything but `done` and `cancelled` (an `unknown` status is not taken for finished). */
export const OPEN_CATEGORIES: ReadonlySet<StatusCategory> = new Set(CATEGORIES.filter((c) => !isFinished(c)));
