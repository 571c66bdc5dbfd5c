// Random queues and random edits of their rows, for the tests that compare an incremental read
// (read/rows.ts, read/patch.ts, app/index-cache.ts patchIndex) with a full read.
import { rng } from '../helpers.js';

const STATUSES = [
  '[ ]',
  '[DONE]',
  '[BLOCKED]',
  '[BLOCKED: waiting on ops]',
  '[IN PROGRESS: Dev 1]',
  '[~]',
  '[x]',
  'TODO',
  'Done ✅',
  'wat',
  '',
  '[REVIEW]',
  '[CANCELLED]',
  'needs decomposition',
];

/** A queue of `n` stories in tables of 7 to 40 rows, some with an Owner or Priority column, some with
 * dependencies marked done, unknown or on themselves, a task list and a Completed log. */
export function generate(seed: number, n: number): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const out = ['# Queue', '', 'Rules of the road.', ''];
  let i = 0;
  let t = 0;
  while (i < n) {
    const rows = 7 + Math.floor(r() * 34);
    const withOwner = r() < 0.5;
    const withPriority = r() < 0.3;
    out.push(`## Tier ${++t}`, '', `| Status | ID | Title | Depends On |${withOwner ? ' Owner |' : ''}${withPriority ? ' Priority |' : ''}`);
    out.push(`|---|---|---|---|${withOwner ? '---|' : ''}${withPriority ? '---|' : ''}`);
    for (let k = 0; k < rows && i < n; k++, i++) {
      const deps: string[] = [];
      for (let d = 0; d < 3; d++) {
        if (i === 0 || r() < 0.5) continue;
        const j = Math.floor(r() * i);
        deps.push(`Q-${j}${r() < 0.2 ? ' ✅' : ''}`);
      }
      if (r() < 0.03) deps.push('NOPE-1');
      out.push(
        `| ${pick(STATUSES)} | Q-${i} | Story ${i} **bold** \`code\` | ${deps.join(', ') || '—'} |${withOwner ? ` ${r() < 0.5 ? '' : pick(['ann', 'Bob'])} |` : ''}${withPriority ? ` ${pick(['P1', 'P2', 'high', ''])} |` : ''}`,
      );
    }
    out.push('');
    if (r() < 0.2) out.push('- [ ] a task of its own', '- [x] a task done', '');
  }
  out.push('## Completed', '', '| Done | Story |', '|---|---|', '| [DONE] | **Q-1** |', '');
  return out.join('\n');
}

/** One random edit of `text`'s lines. */
export function edit(text: string, r: () => number): string {
  const lines = text.split('\n');
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const rows = lines.flatMap((l, i) => (l.startsWith('|') ? [i] : []));
  if (rows.length === 0) return `${text}\n`;
  const times = r() < 0.7 ? 1 : 2 + Math.floor(r() * 3);
  for (let k = 0; k < times; k++) {
    const at = pick(rows);
    const cells = lines[at].split('|');
    const cell = (c: number, v: string) => {
      if (c < cells.length - 1) cells[c] = ` ${v} `;
    };
    const kind = r();
    if (kind < 0.45)
      cell(1, pick(STATUSES)); // a claim, a done, a hold, a release
    else if (kind < 0.55) cell(3, `Retitled ${Math.floor(r() * 1000)}`);
    else if (kind < 0.62) cell(5, pick(['', 'ann', 'Carol']));
    else if (kind < 0.66) cell(4, pick(['—', 'Q-1', 'Q-2 ✅, Q-3', 'NOPE-9', 'Q-0, q-0']));
    else if (kind < 0.7 && cells.length > 5) {
      // Done marks added beside every reference, or all taken away, as a write's follow step does.
      const deps = cells[4].trim();
      cell(4, deps.includes('✅') ? deps.replace(/ ?✅/g, '') : deps.replace(/(Q-\d+|NOPE-\d+)/g, '$1 ✅'));
    } else if (kind < 0.74) cell(2, `Q-${Math.floor(r() * 50)}`);
    else if (kind < 0.78) cell(3, 'a \\| piped `x | y` title');
    else if (kind < 0.8) cell(3, 'see [the doc][d]');
    else if (kind < 0.82) {
      lines[at] = '```';
      continue;
    } else if (kind < 0.84) {
      lines.splice(at, 0, lines[at]);
      continue;
    } else if (kind < 0.86) {
      lines[at] = `${lines[at]} extra |`;
      continue;
    } else if (kind < 0.88) {
      lines[at] = '|||||||';
      continue;
    } else if (kind < 0.9) {
      lines[at] = lines[at].slice(1);
      continue;
    } else if (kind < 0.92) cell(1, 'Owner');
    else if (kind < 0.94) cell(2, '');
    else if (kind < 0.955) cell(1, pick(['[ ]', '[DONE]']));
    else if (kind < 0.97) {
      // A done and its follow step: the story done, and a done mark beside it in each row that
      // depends on it.
      const id = (cells[2] ?? '').trim();
      cell(1, '[DONE]');
      lines[at] = cells.join('|');
      if (!/^[\w-]+$/.test(id)) continue;
      const ref = new RegExp(`(^|[ ,])(${id})(?![\\w-]|\\s*✅)`, 'g');
      for (let j = 0; j < lines.length; j++) {
        const cs = lines[j].split('|');
        if (j === at || !lines[j].startsWith('|') || cs.length < 6) continue;
        cs[4] = cs[4].replace(ref, '$1$2 ✅');
        lines[j] = cs.join('|');
      }
      continue;
    } else {
      // A `|` lost between the status and the id: the row is short, its Status cell holds the id.
      lines[at] = lines[at].replace(/^(\| *\[[^\]|]*\] *)\|/, '$1');
      continue;
    }
    lines[at] = cells.join('|');
  }
  return lines.join('\n');
}

/** What a walk of edits did: how many were read incrementally, how many in full. */
export interface WalkCount {
  patched: number;
  full: number;
}

/**
 * `walk` over 12 generated queues of 40 to 240 stories, 40 edits each, seeded from `seed` (the
 * run's QUEUE_TEST_SEED) and `salt` (one per test, so that tests walk different edits); the counts
 * summed.
 */
export async function walkGenerated(walk: (text: string, steps: number, r: () => number) => Promise<WalkCount>, seed: number, salt: number): Promise<WalkCount> {
  const total = { patched: 0, full: 0 };
  for (let q = 0; q < 12; q++) {
    const s = Math.imul(seed + q, 2654435761) >>> 0;
    const r = rng(s ^ salt);
    const w = await walk(generate(s, 40 + Math.floor(r() * 200)), 40, r);
    total.patched += w.patched;
    total.full += w.full;
  }
  return total;
}
