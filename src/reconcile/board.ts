/**
 * The status board: deployment/status/current-status.md with one section per agent, in the format
 * agent teams keep it in (docs/formats.md, "Workspace files") —
 *
 *     ## Dev 2 Status
 *     **Last Updated**: 2026-11-21 14:00
 *     **Current Task**: 5-3 — Batch progress tracking
 *     **Progress**: 60%
 *     **Blockers**: None
 *     **Next Update**: When the task changes
 *
 * — kept in step with the claims. A section's Current Task is rewritten only when the stories it
 * names are not the ones the agent holds (a person's wording that names the right story stays), and
 * then Last Updated takes the clock the caller gives; Progress, Blockers, Next Update and anything
 * else a person wrote are kept. An agent who holds a story and has no section gets one. Pure, and
 * idempotent: a second pass over its own output changes nothing.
 */
import type { Queue } from '../read/queue.js';
import type { Effect } from '../domain/effects.js';
import { lineEnding } from '../edit/common.js';
import type { Story } from '../domain/types.js';
import { mentionedIds, writtenIds } from '../workspace/mentions.js';
import { isClaimed } from '../domain/status.js';
import type { PhrasingContent } from 'mdast';
import { inlineMarkdown, strong, text as textNode } from '../markdown/generate.js';
import { titleContent } from './title.js';

const HEADING = /^##\s+(.+?)\s+Status\s*$/;
const FIELD = (name: string) => new RegExp(`^\\*\\*${name}\\*\\*:[ \\t]*(.*)$`);

/** What the agent's Current Task should say: `id — title` for each story held (the title as written). */
function task(queue: Queue, held: Story[]): PhrasingContent[] {
  if (held.length === 0) return [textNode('None')];
  return held.flatMap((s, i) => [textNode(`${i ? '; ' : ''}${s.id} — `), ...titleContent(queue, s)]);
}

/** A field line: `**Name**: value`, built as mdast. */
const field = (name: string, ...value: Array<string | PhrasingContent>) => inlineMarkdown(strong(name), ': ', ...value);

/** The task in a few words, for an action line: `5-3`, `5-3, 5-4`, `5-3, 5-4, 5-5 and 12 more`. */
function brief(held: Story[]): string {
  if (held.length === 0) return 'None';
  const ids = held
    .slice(0, 3)
    .map((s) => s.id)
    .join(', ');
  return held.length > 3 ? `${ids} and ${held.length - 3} more` : held.length === 1 ? `${held[0].id} — ${held[0].title.replace(/[\r\n]+/g, ' ')}` : ids;
}

/**
 * The board after bringing it in step with `queue`'s claims, or null when it needs no change.
 * `text` is the board as it is (null: no file); `now` is written as `YYYY-MM-DD HH:MM` (UTC).
 */
export function updateBoard(text: string | null, queue: Queue, now: Date): { content: string; effects: Effect[] } | null {
  const held = new Map<string, Story[]>();
  const names = new Map<string, string>();
  for (const s of queue.stories) {
    if (!isClaimed(s.status.category) || !s.claimant) continue;
    const key = s.claimant.toLowerCase();
    names.set(key, names.get(key) ?? s.claimant);
    held.set(key, [...(held.get(key) ?? []), s]);
  }
  if (text === null && held.size === 0) return null;
  const eol = text === null ? '\n' : lineEnding(text);
  const lines = (text ?? `# Current Status${eol}`).split(/\r?\n/);
  const ids = writtenIds(queue);
  const stamp = now.toISOString().slice(0, 16).replace('T', ' ');
  const effects: Effect[] = [];
  const seen = new Set<string>();

  for (let i = 0; i < lines.length; i++) {
    const h = HEADING.exec(lines[i]);
    if (!h) continue;
    const key = h[1].toLowerCase();
    seen.add(key);
    let end = i + 1;
    while (end < lines.length && !/^#{1,2}\s/.test(lines[end])) end++;
    const mine = held.get(key) ?? [];
    const at = (name: string) => {
      for (let k = i + 1; k < end; k++) if (FIELD(name).test(lines[k])) return k;
      return -1;
    };
    const t = at('Current Task');
    const current = t === -1 ? '' : FIELD('Current Task').exec(lines[t])![1];
    const named = new Set(mentionedIds(current, ids));
    const same = named.size === mine.length && mine.every((s) => named.has(s.id));
    if (same && t !== -1) continue;
    const desired = field('Current Task', ...task(queue, mine));
    const updated = field('Last Updated', stamp);
    const u = at('Last Updated');
    if (t !== -1) lines[t] = desired;
    if (u !== -1) lines[u] = updated;
    const insert = [...(u === -1 ? [updated] : []), ...(t === -1 ? [desired] : [])];
    if (insert.length) {
      lines.splice(i + 1, 0, ...insert);
      end += insert.length;
    }
    effects.push({ kind: 'board', agent: h[1], task: brief(mine) });
    i = end - 1;
  }
  for (const [key, stories] of held) {
    if (seen.has(key)) continue;
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    lines.push(
      '',
      // The heading as the reader above matches it (an agent's name, literally): not escaped.
      `## ${names.get(key)} Status`,
      field('Last Updated', stamp),
      field('Current Task', ...task(queue, stories)),
      field('Progress', '0%'),
      field('Blockers', 'None'),
      field('Next Update', 'When the task changes'),
      '',
    );
    effects.push({ kind: 'board', agent: names.get(key)!, task: brief(stories) });
  }
  if (effects.length === 0) return null;
  return { content: lines.join(eol), effects };
}
