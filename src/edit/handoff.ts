/**
 * Handoff files, in the context-handoff format agent teams use to pass work on: deployment/handoffs/
 * YYYY-MM-DD-<from>-<to>-<id>.md with the fields from_agent, to_agent, timestamp, task_completed,
 * dependencies_ready, blockers, next_steps, artifacts, notes as YAML front matter (written with the
 * `yaml` package) and a body a person reads. Pure: the caller gives the clock.
 */
import { stringify } from 'yaml';
import { slug } from '../dialect/normalize.js';
import type { Queue } from '../read/queue.js';
import type { DependencyRef, Story } from '../domain/types.js';
import type { RootContent } from 'mdast';
import { bulletList, heading, inline, markdownLines, paragraph, strong } from '../markdown/generate.js';

/** A handoff to write: who hands which story to whom, with notes, next steps and blockers. */
export interface HandoffRequest {
  from: string;
  /** The agent taking over, or null when it is whoever claims the story next. */
  to: string | null;
  story: Story;
  notes?: string | null;
  next?: string[];
  blockers?: string[];
  artifacts?: Array<{ path: string; description: string }>;
  /** Stories completed with this handoff (the done story, for `queue done --handoff`). */
  completed?: Story[];
  /** ISO 8601 time of writing. */
  now: string;
  /** Whether a dependency of the story is done (satisfied) in the queue the handoff is written from. */
  satisfied: (dep: DependencyRef) => boolean;
}

/** Whoever claims the story next: the addressee of a handoff written when a done unblocks it. */
export const NEXT_CLAIMANT = 'next claimant';

/** Path (relative to the repository root) and content of a handoff file. */
export function handoffFile(deploymentDir: string, req: HandoffRequest): { path: string; content: string } {
  const to = req.to ?? NEXT_CLAIMANT;
  const name = `${req.now.slice(0, 10)}-${slug(req.from, 24)}-${slug(to, 24)}-${slug(req.story.id, 24)}.md`;
  const data = {
    from_agent: req.from,
    to_agent: to,
    timestamp: req.now,
    task_completed: (req.completed ?? []).map((s) => `${s.id}: ${s.title}`),
    // Only the dependencies that are done: the handoff tells the next agent what it can build on.
    dependencies_ready: req.story.deps.filter((d) => req.satisfied(d)).map((d) => d.id ?? d.ref),
    blockers: req.blockers ?? [],
    next_steps: req.next?.length ? req.next : [`queue claim ${req.story.id}`],
    artifacts: req.artifacts ?? (req.story.storyFile ? [{ path: req.story.storyFile, description: `story file of ${req.story.id}` }] : []),
    notes: req.notes ?? '',
    story: req.story.id,
  };
  // Built as mdast: the story's title and the agents' names are text (escaped where they would read
  // as markup); next steps and blockers are Markdown, read as the person wrote them; the notes come
  // last, verbatim (a raw node), so the body keeps every byte of them.
  const body: RootContent[] = [
    heading(1, `Handoff: ${req.story.id} — ${req.story.title}`),
    paragraph('From ', strong(req.from), ' to ', strong(to), `, ${req.now}.`),
    ...(data.task_completed.length ? [heading(2, 'Completed'), bulletList(data.task_completed)] : []),
    heading(2, 'Next steps'),
    bulletList(data.next_steps.map(inline)),
    ...(data.blockers.length ? [heading(2, 'Blockers'), bulletList(data.blockers.map(inline))] : []),
    ...(data.notes.trim() ? [heading(2, 'Notes'), { type: 'html' as const, value: data.notes.trim() }] : []),
  ];
  return { path: `${deploymentDir.replace(/\/+$/, '')}/handoffs/${name}`, content: `---\n${stringify(data)}---\n\n${markdownLines(body).join('\n')}\n` };
}

/** Stories that `done` of `id` makes ready (their only open dependency was `id`), in file order. */
export function unblockedBy(queue: Queue, id: string): Story[] {
  const g = queue.graph;
  return (g.dependents.get(id) ?? [])
    .map((d) => g.byId.get(d)!)
    .filter((s) => (s.status.category === 'todo' || (s.status.category === 'blocked' && !g.isHold(s))) && !g.inCycle(s.id) && g.waitingOn(s).every((w) => w === id));
}
