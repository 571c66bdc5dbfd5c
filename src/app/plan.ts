/**
 * `queue plan`: the queue opened as the read commands open it (the shared branch's tip when the
 * working file has no changes of its own), scheduled on N agents with the config's effort sizes
 * (`model/plan.ts`).
 */
import { openQueue, type OpenedQueue } from './open.js';
import { locateQueueFile } from './locate.js';
import { plan, type Plan } from '../model/plan.js';

/** What {@link planQueue} starts from: where the queue is, and how many agents to plan for. */
export interface PlanQueueOptions {
  cwd?: string;
  file?: string;
  offline?: boolean;
  agents: number;
}

/** Open the queue and plan its open stories on `opts.agents` agents. */
export async function planQueue(opts: PlanQueueOptions): Promise<{ queue: OpenedQueue; plan: Plan }> {
  const { config } = locateQueueFile(opts);
  const queue = await openQueue({ cwd: opts.cwd, file: opts.file, shared: true, offline: opts.offline });
  return { queue, plan: plan(queue.graph, { agents: opts.agents, sizes: config.effort }) };
}
