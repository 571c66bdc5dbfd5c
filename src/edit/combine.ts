/**
 * Group commit: carry out other agents' pending claims on top of a claim already applied,
 * so one commit serves them all (the protocol is `git/requests.ts`). Pure apart from the lazy remark
 * import inside `readQueue`: each claim is decided on the queue as the previous ones left it and
 * proved by {@link applyDecision}, exactly as if its own process had made it on that state.
 */
import type { QueueConfig } from '../domain/config.js';
import { QueueError } from '../domain/errors.js';
import { applyDecision, type Applied } from './apply.js';
import { decide, type Decision, type Operation } from './decide.js';
import type { Queue } from '../read/queue.js';

/** A pending claim: its request id and operation. */
export interface PendingClaim {
  id: string;
  op: Omit<Extract<Operation, { op: 'claim' }>, 'maxClaims'>;
}

/** A claim served on top: the request, the story it got and its agent. */
export interface ServedClaim {
  id: string;
  story: string;
  agent: string;
}

/**
 * Apply `pending` claims in order on top of `applied` (the queue after this process's own write),
 * at most `max` of them. A claim that is refused (its story taken, not ready, the agent at its
 * limit, no story left for it), that would change nothing, or that breaks a rule, is skipped and
 * stays pending: its requester decides it again and reports the refusal itself. The claim limit is
 * `config.maxClaims`, never the request's. `follow` gives each claim's decision the follow step its
 * own process would (`reconcile/` withFollow: the generated blocks after it). Returns the final state and the claims served, in order.
 */
export async function serveClaims(
  applied: Applied,
  pending: readonly PendingClaim[],
  config: QueueConfig,
  max: number,
  follow: (before: Queue, d: Decision) => Decision = (_, d) => d,
): Promise<{ applied: Applied; served: ServedClaim[] }> {
  let current = applied;
  const served: ServedClaim[] = [];
  for (const p of pending) {
    if (served.length >= max) break;
    try {
      const d = follow(current.after, decide(current.after, { ...p.op, renew: undefined, maxClaims: config.maxClaims }, config.agents));
      if (d.unchanged || d.files?.length) continue;
      const next = await applyDecision(current.after, d, config);
      current = { ...next, derived: [] };
      served.push({ id: p.id, story: d.id, agent: p.op.agent });
    } catch (e) {
      // Refused on this state: left to its requester.
      if (!(e instanceof QueueError)) throw e;
    }
  }
  return { applied: current, served };
}
