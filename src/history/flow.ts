/**
 * The team's flow from the queue's history (`queue stats --history`): the typed events of
 * `queue log`, each with its commit time, → throughput per day and week, cycle time (claim → done),
 * lead time (add → done), blocker resolution time (a hold with a reason → unblock), the reopen rate,
 * handoffs per story done, and per agent. Times in seconds. Pure.
 *
 * - Cycle time runs from the claim that started the work to the done: a release or a reopen ends
 *   that work, and the next claim starts it again; a handover from one agent to another does not.
 * - Lead time runs from the story's add (or its reopen) to the done; a story already in the file
 *   when the history starts has no add, and no lead time.
 * - A blocker is a block with a reason (`[BLOCKED: waiting on keys]`): a story that only waits on
 *   its dependencies is no blocker.
 * - A story added already done to a file that was there before (an `add` that is `finished`) was
 *   done by that change: it counts as done, with no cycle or lead time.
 * - Only what ends on or after `since` counts; what started before it is measured in full.
 * - Median: the middle value (the mean of the two middle ones for an even count); p90: the
 *   nearest-rank 90th percentile (the ⌈0.9·n⌉-th smallest).
 */
import type { QueueEvent } from './events.js';

/** An event of the history, with when it was committed and who the log names for it. */
export interface TimedEvent extends QueueEvent {
  /** Commit time, milliseconds since the epoch. */
  time: number;
  /** The agent `queue log` names for the event. */
  agent?: string | null;
}

/** A distribution of durations, in seconds; null figures when there are none. */
export interface Durations {
  count: number;
  median: number | null;
  p90: number | null;
}

/** A handoff written for a story (a file added under the handoffs directory), and when. */
export interface TimedHandoff {
  story: string;
  time: number;
}

/** One agent's share of the flow. */
export interface AgentFlow {
  done: number;
  cycleTime: Durations;
}

/** The flow of a history. */
export interface FlowStats {
  /** YYYY-MM-DD, or null for the whole history. */
  since: string | null;
  done: number;
  /** Every day from the first done to the last, with the stories done that day (UTC). */
  throughputByDay: Array<{ date: string; done: number }>;
  /** Every week (by its Monday, UTC) from the first done to the last. */
  throughputByWeek: Array<{ week: string; done: number }>;
  cycleTime: Durations;
  leadTime: Durations;
  blockedTime: Durations;
  reopens: number;
  /** Reopens per done (0 with none done). */
  reopenRate: number;
  /** Handoffs per story done: those written for it while it was open (since its add or reopen). */
  handoffsPerStory: { mean: number; max: number };
  /** Agents who finished stories (the holder at the done). */
  byAgent: Record<string, AgentFlow>;
}

/** Median and nearest-rank p90 of `values` (seconds). */
export function durations(values: readonly number[]): Durations {
  if (values.length === 0) return { count: 0, median: null, p90: null };
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { count: v.length, median, p90: v[Math.ceil(0.9 * v.length) - 1] };
}

const DAY = 86_400_000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** The Monday of the week `ms` falls in (UTC). */
const monday = (ms: number) => {
  const d = Math.floor(ms / DAY) * DAY;
  return d - ((new Date(d).getUTCDay() + 6) % 7) * DAY;
};

/** A block that names a reason: a hold, not a wait on dependencies. */
function isBlocker(e: TimedEvent): boolean {
  return /blocked\s*[:(–—-]\s*\S/i.test(e.to ?? '');
}

/**
 * The flow of the history `events` (in commit order), counting what ends on or after `since` (ms);
 * `handoffs` for the handoffs per story done.
 */
export function flowStats(events: readonly TimedEvent[], since: number | null = null, handoffs: readonly TimedHandoff[] = []): FlowStats {
  const claimedAt = new Map<string, number>();
  const openedAt = new Map<string, number>();
  const blockedAt = new Map<string, number>();
  const cycle: number[] = [];
  const lead: number[] = [];
  const blocked: number[] = [];
  const doneTimes: number[] = [];
  const perAgent = new Map<string, number[]>();
  const agentDone = new Map<string, number>();
  let reopens = 0;
  const handed: number[] = [];
  const counts = (t: number) => since === null || t >= since;
  /** A story done at `e`: its cycle and lead time end, its throughput and agent count. */
  const finish = (e: TimedEvent) => {
    const s = e.story;
    const at = claimedAt.get(s);
    const from = openedAt.get(s);
    claimedAt.delete(s);
    openedAt.delete(s);
    blockedAt.delete(s);
    if (!counts(e.time)) return;
    doneTimes.push(e.time);
    handed.push(handoffs.filter((h) => h.story === s && h.time <= e.time && (from === undefined || h.time >= from)).length);
    if (at !== undefined) cycle.push((e.time - at) / 1000);
    if (from !== undefined) lead.push((e.time - from) / 1000);
    const who = e.claimantBefore ?? e.agent ?? null;
    if (who) {
      agentDone.set(who, (agentDone.get(who) ?? 0) + 1);
      if (!perAgent.has(who)) perAgent.set(who, []);
      if (at !== undefined) perAgent.get(who)!.push((e.time - at) / 1000);
    }
  };
  for (const e of events) {
    const s = e.story;
    switch (e.kind) {
      case 'add':
        if (e.finished) {
          finish(e);
          break;
        }
        openedAt.set(s, e.time);
        if (e.claimant) claimedAt.set(s, e.time);
        break;
      case 'claim':
        if (!claimedAt.has(s)) claimedAt.set(s, e.time);
        break;
      case 'release':
        claimedAt.delete(s);
        break;
      case 'cancel':
        // Ended without being done: it counts in no cycle or lead time.
        claimedAt.delete(s);
        openedAt.delete(s);
        break;
      case 'reopen':
        claimedAt.delete(s);
        openedAt.set(s, e.time);
        if (counts(e.time)) reopens++;
        break;
      case 'block':
        if (isBlocker(e) && !blockedAt.has(s)) blockedAt.set(s, e.time);
        break;
      case 'unblock': {
        const at = blockedAt.get(s);
        if (at !== undefined && counts(e.time)) blocked.push((e.time - at) / 1000);
        blockedAt.delete(s);
        break;
      }
      case 'done':
        finish(e);
        break;
      case 'remove':
        claimedAt.delete(s);
        openedAt.delete(s);
        blockedAt.delete(s);
        break;
    }
  }
  const byDay: Array<{ date: string; done: number }> = [];
  const byWeek: Array<{ week: string; done: number }> = [];
  if (doneTimes.length) {
    const first = Math.min(...doneTimes);
    const last = Math.max(...doneTimes);
    for (let d = Math.floor(first / DAY) * DAY; d <= last; d += DAY) byDay.push({ date: isoDate(d), done: doneTimes.filter((t) => t >= d && t < d + DAY).length });
    for (let w = monday(first); w <= last; w += 7 * DAY) byWeek.push({ week: isoDate(w), done: doneTimes.filter((t) => t >= w && t < w + 7 * DAY).length });
  }
  const done = doneTimes.length;
  return {
    since: since === null ? null : isoDate(since),
    done,
    throughputByDay: byDay,
    throughputByWeek: byWeek,
    cycleTime: durations(cycle),
    leadTime: durations(lead),
    blockedTime: durations(blocked),
    reopens,
    reopenRate: done ? reopens / done : 0,
    handoffsPerStory: { mean: done ? handed.reduce((a, b) => a + b, 0) / done : 0, max: Math.max(0, ...handed) },
    byAgent: Object.fromEntries([...agentDone].sort(([a], [b]) => a.localeCompare(b)).map(([who, n]) => [who, { done: n, cycleTime: durations(perAgent.get(who) ?? []) }])),
  };
}
