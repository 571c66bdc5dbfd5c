/**
 * `queue stats`'s answer (without `--history`, which is `app/flow.ts`): how far the queue is, as the
 * JSON contract gives it (docs/json.md): stories by status category and by section, how many are
 * ready and blocked, the waves left and the critical path, the agents of the status board, and the
 * diagnostics by severity. Pure.
 */
import type { Severity } from '../domain/types.js';
import type { Queue } from '../read/queue.js';
import { rankReady } from '../model/rank.js';
import type { Workspace } from './workspace.js';

/** One section's progress: its innermost heading (`(no section)` above every heading), its stories done and in all. */
export interface SectionProgress {
  section: string;
  done: number;
  total: number;
}

/** The answer of `queue stats`. Counts are of stories; `criticalPath` is story ids in order. */
export interface QueueStats {
  total: number;
  /** Stories by status category (`todo`, `in_progress`, `done`, …), only the categories present. */
  byStatus: Record<string, number>;
  ready: number;
  blocked: number;
  /** Waves to finish the open work (stories a wave can start once the waves before it are done). */
  waves: number;
  /** Open stories no wave reaches (a cycle, or an unknown dependency, in their way). */
  unschedulable: number;
  criticalPath: string[];
  cycles: number;
  /** Sections in the order their first story is read. */
  sections: SectionProgress[];
  /** The agents of the status board, when the queue was opened with its workspace: `progress` in
   * percent (0-100) when written as a number; `stories`, the ids their current task names. */
  agents: Array<{ name: string; currentTask: string | null; progress: number | null; stories: string[] }>;
  diagnostics: Record<Severity, number>;
}

/** {@link QueueStats} of `q`, with the agents of `q.workspace` when it was read. */
export function queueStats(q: Queue & { workspace?: Workspace }): QueueStats {
  const byStatus: Record<string, number> = {};
  const bySection = new Map<string, { done: number; total: number }>();
  for (const s of q.stories) {
    byStatus[s.status.category] = (byStatus[s.status.category] ?? 0) + 1;
    const key = s.sectionPath.length ? s.sectionPath[s.sectionPath.length - 1] : '(no section)';
    const e = bySection.get(key) ?? { done: 0, total: 0 };
    e.total++;
    if (s.status.category === 'done') e.done++;
    bySection.set(key, e);
  }
  const { waves, unschedulable } = q.graph.waves();
  const diagnostics: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const d of q.diagnostics) diagnostics[d.severity]++;
  return {
    total: q.stories.length,
    byStatus,
    // As `queue ready` counts: what `queue claim` offers (`model/rank.ts` rankReady).
    ready: rankReady(q.graph).length,
    blocked: q.graph.blocked().length,
    waves: waves.length,
    unschedulable: unschedulable.length,
    criticalPath: q.graph.criticalPath(),
    cycles: q.graph.cycles.length,
    sections: [...bySection].map(([section, v]) => ({ section, ...v })),
    agents: (q.workspace?.agents ?? []).map((a) => ({ name: a.name, currentTask: a.currentTask, progress: a.progress, stories: a.stories })),
    diagnostics,
  };
}
