/**
 * `queue plan`: the queue opened as the read commands open it (the shared branch's tip when the
 * working file has no changes of its own), scheduled on N agents with the config's effort sizes
 * (`model/plan.ts`).
 */
import { openQueue, type OpenedQueue } from './open.js';
import { locateQueueFile } from './locate.js';
import { plan, type Plan } from '../model/plan.js';
import { QueueError } from '../domain/errors.js';

/** The most agents a plan is made for: each gets a track, and a team of more is not one queue's. */
export const MAX_PLAN_AGENTS = 1000;

/** What {@link planQueue} starts from: where the queue is, and how many agents to plan for. */
export interface PlanQueueOptions {
  cwd?: string;
  file?: string;
  offline?: boolean;
  agents: number;
}

/** Open the queue and plan its open stories on `opts.agents` agents. QueueError `usage` for more than {@link MAX_PLAN_AGENTS}. */
export async function planQueue(opts: PlanQueueOptions): Promise<{ queue: OpenedQueue; plan: Plan }> {
  if (opts.agents > MAX_PLAN_AGENTS) throw new QueueError('usage', `--agents ${opts.agents} is more than a plan is made for (at most ${MAX_PLAN_AGENTS})`);
  const { config } = locateQueueFile(opts);
  const queue = await openQueue({ cwd: opts.cwd, file: opts.file, shared: true, offline: opts.offline });
  return { queue, plan: plan(queue.graph, { agents: opts.agents, sizes: config.effort }) };
}
