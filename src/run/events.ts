/**
 * The runner's events: what `queue run --json` prints, one JSON document per line, and what the
 * live terminal view is drawn from. Pure.
 *
 * ```json
 * {"schemaVersion":1,"event":"dispatch","story":"1-3","agent":"run-1","attempt":1,"logDir":"logs/run/…"}
 * {"schemaVersion":1,"event":"exit","story":"1-3","agent":"run-1","attempt":1,"outcome":"done","exit":"exit 0","ms":5230}
 * {"schemaVersion":1,"event":"finish","done":12,"escalated":["2-4"],"attempts":15}
 * ```
 */

/** What an attempt came to, as `exit` events and `run.json` say it. */
export type Outcome = 'done' | 'review' | 'blocked' | 'failed' | 'lost' | 'conflict' | 'interrupted';

/** One event of a run. */
export type RunEvent =
  | {
      event: 'dispatch';
      story: string;
      agent: string;
      attempt: number;
      logDir: string;
      /** Time the claim took (first attempt), and preparing the worktree and the prompt, in ms. */
      claimMs?: number;
      prepareMs?: number;
      dryRun?: boolean;
      command?: string[];
    }
  | { event: 'exit'; story: string; agent: string; attempt: number; outcome: Outcome; exit: string; ms: number; commits: string[]; why?: string }
  | { event: 'retry'; story: string; agent: string; attempt: number; why: string; handoff: string | null }
  | { event: 'escalate'; story: string; agent: string; attempt: number; reason: string }
  | { event: 'release'; story: string; agent: string; attempt: number; why: string }
  | { event: 'idle'; agent: string; story?: null; attempt?: null }
  | { event: 'finish'; done: number; review: string[]; escalated: string[]; attempts: number; interrupted: boolean };

/** The JSON line of an event: `{"schemaVersion": 1, "event": …, …}`. */
export function eventLine(e: RunEvent): string {
  return `${JSON.stringify({ schemaVersion: 1, ...e })}\n`;
}

/** A one-line account of an event for a log on a non-terminal (or above the live lines). */
export function describeEvent(e: RunEvent): string {
  switch (e.event) {
    case 'dispatch':
      return `${e.agent}: ${e.dryRun ? 'would start' : 'started'} ${e.story} (attempt ${e.attempt})${e.command ? `: ${e.command.join(' ')}` : ''}`;
    case 'exit':
      return `${e.agent}: ${e.story} attempt ${e.attempt}: ${e.outcome} (${e.exit}, ${(e.ms / 1000).toFixed(1)}s${e.commits.length ? `, ${e.commits.length} commit${e.commits.length > 1 ? 's' : ''}` : ''})${e.why ? `: ${e.why}` : ''}`;
    case 'retry':
      return `${e.agent}: ${e.story}: retrying with a fresh agent (attempt ${e.attempt}): ${e.why}`;
    case 'escalate':
      return `${e.agent}: ${e.story}: blocked after ${e.attempt} failed attempt${e.attempt === 1 ? '' : 's'}, for a person: ${e.reason}`;
    case 'release':
      return `${e.agent}: ${e.story}: released (${e.why})`;
    case 'idle':
      return `${e.agent}: nothing ready`;
    case 'finish':
      return `finished: ${e.done} done, ${e.review.length ? `${e.review.length} in review (${e.review.join(', ')}), ` : ''}${e.escalated.length} escalated${e.escalated.length ? ` (${e.escalated.join(', ')})` : ''}, ${e.attempts} attempts${e.interrupted ? ' (interrupted)' : ''}`;
  }
}

/** What one worker is doing, for the live line. */
export interface WorkerView {
  agent: string;
  story: string | null;
  attempt: number;
  /** When the attempt started (ms since the epoch). */
  since: number;
  state: 'idle' | 'working' | 'integrating' | 'stopped';
}

/** The live line of one worker: `run-1  1-3  attempt 2  01:23  working`. */
export function workerLine(w: WorkerView, now: number): string {
  if (!w.story) return `${w.agent.padEnd(12)} ${w.state}`;
  const s = Math.max(0, Math.floor((now - w.since) / 1000));
  const elapsed = `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return `${w.agent.padEnd(12)} ${w.story.padEnd(10)} attempt ${w.attempt}  ${elapsed}  ${w.state}`;
}
