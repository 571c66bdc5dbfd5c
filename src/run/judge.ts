/**
 * Judging an attempt and deciding what follows, as a coordinator running agents by hand does: success is
 * the story closed, a clean exit and no critical error in the log; anything else is a failed
 * attempt, retried with a fresh agent up to the configured number of attempts, then escalated to a
 * person. A story the agent blocked itself (a blocker it found) is not a failure. Pure.
 */
import type { StatusCategory } from '../domain/types.js';
import { sameAgent, type QueueConfig } from '../domain/config.js';

/** How an agent process ended. */
export interface Exit {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  /** The signal that ended it, or null. */
  signal: string | null;
  /** The runner killed it: the attempt ran past the timeout. */
  timedOut: boolean;
  /** The runner killed it: a second Ctrl-C. */
  interrupted: boolean;
  /** It could not be started (e.g. the command does not exist). */
  error: string | null;
}

/** What the runner knows when an agent has exited. */
export interface AttemptFacts {
  exit: Exit;
  /** The agent ran `queue done ID` (recorded for the runner to publish with the code). */
  doneRequested: boolean;
  /** The story at the shared tip: its category and claimant; null when it is no longer in the file. */
  tip: { category: StatusCategory; claimant: string | null; waitingOn: string[] } | null;
  /** The worker's agent name. */
  agent: string;
  /** The config's agent aliases, through which the tip's claimant is compared with `agent`
   * (`domain/config.ts` sameAgent: a claim writes the canonical name). None: names compared as they are. */
  agents?: QueueConfig['agents'];
  /** Lines of the agent's output that report a critical error ({@link criticalLines}). */
  critical: string[];
}

/**
 * What an attempt came to:
 * - `finish`: the agent asked for done after a clean exit with no critical error: integrate, then mark done;
 * - `closed`: the story is already done or in review at the tip (closed by other means): integrate what is there;
 * - `blocked`: the agent put a hold on it, or gave it a dependency that is not done: not a failure, the claim is let go;
 * - `lost`: someone else holds or released it meanwhile: nothing to do;
 * - `failed`: anything else (a non-zero exit, a crash, a timeout, a clean exit without done, a critical error).
 */
export type Verdict = { kind: 'finish' } | { kind: 'closed' } | { kind: 'blocked' } | { kind: 'lost' } | { kind: 'failed'; why: string };

/** Judge an attempt from its {@link AttemptFacts}. */
export function judge(f: AttemptFacts): Verdict {
  const tip = f.tip;
  if (tip && (tip.category === 'done' || tip.category === 'review')) return { kind: 'closed' };
  const mine = tip !== null && sameAgent({ agents: f.agents ?? {} }, tip.claimant, f.agent);
  if (tip && tip.category === 'blocked' && !mine) return { kind: 'blocked' };
  if (tip && mine && tip.waitingOn.length > 0 && !f.doneRequested) return { kind: 'blocked' };
  if (!tip || !mine) return { kind: 'lost' };
  const status = describeExit(f.exit);
  if (f.exit.interrupted) return { kind: 'failed', why: `interrupted (${status})` };
  if (f.exit.timedOut) return { kind: 'failed', why: status };
  if (f.exit.error) return { kind: 'failed', why: status };
  if (f.exit.code !== 0) return { kind: 'failed', why: status };
  if (f.critical.length) return { kind: 'failed', why: `critical error in the log: ${f.critical[0].slice(0, 200)}` };
  if (!f.doneRequested) return { kind: 'failed', why: 'exited 0 without marking the story done' };
  return { kind: 'finish' };
}

/** An exit for people and logs: `exit 0`, `exit 3`, `killed by SIGSEGV`, `timed out`, `could not start: …`. */
export function describeExit(e: Exit): string {
  if (e.error) return `could not start: ${e.error}`;
  if (e.timedOut) return `timed out (process group killed${e.signal ? ` by ${e.signal}` : ''})`;
  if (e.interrupted) return `killed on a second Ctrl-C${e.signal ? ` (${e.signal})` : ''}`;
  if (e.signal) return `killed by ${e.signal}`;
  return `exit ${e.code}`;
}

/** Lines that report a critical error: starting with `FATAL`, `CRITICAL` or `PANIC` (any case), or a panic of a Go or Rust program. */
export function criticalLines(log: string): string[] {
  return log.split(/\r?\n/).filter((l) => /^\s*(fatal|critical|panic)\b[:!\s]/i.test(l) || /^thread '.*' panicked at/.test(l));
}

/** What the runner does after a failed attempt: try again with a fresh agent, give the story to a person, or hand it back (stopping). */
export type NextStep = 'retry' | 'escalate' | 'release';

/**
 * After failed attempt number `attempt` (1-based) of a story allowed `attempts` in all: `retry` while
 * attempts remain, else `escalate` (block it with the reason and go on). A runner that is stopping
 * (Ctrl-C) starts nothing new: it releases the claim with a handoff instead.
 */
export function afterFailure(attempt: number, attempts: number, stopping: boolean): NextStep {
  if (stopping) return 'release';
  return attempt < attempts ? 'retry' : 'escalate';
}

/** The last `n` non-empty lines of `text`. */
export function tail(text: string, n: number): string[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines.slice(Math.max(0, lines.length - n));
}
