/**
 * A story's identity across versions in which it does not read. A commit may delete or rename the
 * queue file, move rows out of a status table, break a header or write a status no dialect knows:
 * the stories it touches vanish from that version. Such a commit is judged as removing them, and a
 * later commit that brings them back is judged against the last version in which they were read,
 * never as adding new stories. Pure.
 */
import type { Queue } from '../read/queue.js';
import type { Story } from '../domain/types.js';
import { QueueGraph } from '../model/graph.js';

/** Stories read in an earlier version and not readable since, by id. */
export type Remembered = ReadonlyMap<string, Story>;

/** No story remembered. */
export const NOTHING_REMEMBERED: Remembered = new Map();

/** Whether a version reads `story` as a story with a status: present, and its status understood. */
export function readable(story: Story | undefined): story is Story {
  return story !== undefined && story.status.category !== 'unknown';
}

/**
 * The queue to judge the change to `after` against: `before` (null: no queue file there), with each
 * remembered story that `after` brings back standing in for its unreadable or missing version.
 * Remembered stories that stay away are left out, so their removal is judged once, by the commit
 * that made them vanish.
 */
export function recall(before: Queue | null, remembered: Remembered, after: Queue): Queue | null {
  const back = [...remembered.values()].filter((s) => readable(after.graph.byId.get(s.id)) && !readable(before?.graph.byId.get(s.id)));
  if (back.length === 0) return before;
  const ids = new Set(back.map((s) => s.id));
  const stories = [...(before?.stories ?? []).filter((s) => !ids.has(s.id)), ...back];
  return { documents: before?.documents ?? [], stories, graph: QueueGraph.from(stories), diagnostics: before?.diagnostics ?? [] };
}

/**
 * What is remembered after the change from `before` (as {@link recall} gave it) to `after` (null:
 * the file is gone): the stories readable before, or remembered, that `after` does not read.
 */
export function remember(before: Queue | null, remembered: Remembered, after: Queue | null): Remembered {
  const out = new Map(remembered);
  for (const s of before?.stories ?? []) if (readable(s)) out.set(s.id, s);
  for (const id of [...out.keys()]) if (readable(after?.graph.byId.get(id))) out.delete(id);
  return out;
}
