/**
 * Stories written as heading blocks: a heading, then `field: value` lines, one of them a status
 * (about a tenth of the real queues in ../shared/corpus/real). Pure.
 *
 *   ## QW-001 Crash-safe persistence design        (jaylauffer/qcoin)
 *   Status: `todo`
 *
 *   ### BUG-1: Store process start time alongside PID   (OrgLoop/agentctl)
 *   **Status:** RESOLVED
 *
 *   ## P2CSE-002: Select Project License            (AyushSolanki-17/physics2cse)
 *   Status: done
 *   Dependencies: P2CSE-001
 *
 * A heading is a story when the lines before its first sub-heading hold a `Status:` (or `State:`)
 * field, bare, bold (`**Status:**`, `**Status**:`) or as a list item (`- **Status**: …`), outside
 * code fences. Its id is the heading's leading id (`QW-001`, `BUG-1:`, `1.`), else an `id:` field;
 * `Depends on:` / `Dependencies:` / `Blocked by:` give its
 * dependencies and `Owner:` / `Assignee:` its owner. The status span is the value inside any
 * backticks or bold, so a write keeps them (`` `todo` `` → `` `done` ``). Prose says "Status:" too,
 * so unlike a table row (always a story), a heading is one only with an id (in the heading, a
 * numbered heading's number, or an `id:` field) and a status the grammar knows.
 */
import type { DocBlocks, RawHeading } from '../markdown/blocks.js';
import type { Status } from '../model/types.js';
import { parseDeps, type ParsedDeps } from './deps.js';
import { entry, ownerOf, type Entry } from './entry.js';
import { leadingId } from './normalize.js';
import { sectionAt } from './sections.js';
import { parseStatus } from './status.js';

const FIELD = /^[ \t]*(?:[-*+][ \t]+)?(\*\*|__)?(status|state|depends on|dependencies|deps|blocked by|id|owner|assignee)(?::\1|\1[ \t]*:|:)[ \t]*(.*?)[ \t]*$/i;
const FENCE = /^[ \t]{0,3}(`{3,}|~{3,})/;

interface Field {
  value: string;
  start: number;
  end: number;
}

/** The value's span inside wrapping backticks or bold (`` `todo` ``, `**done**`). */
function unwrap(src: string, start: number, end: number): { start: number; end: number } {
  for (const w of ['`', '**', '__', '*', '_']) {
    const v = src.slice(start, end);
    if (v.length > 2 * w.length && v.startsWith(w) && v.endsWith(w)) return unwrap(src, start + w.length, end - w.length);
  }
  return { start, end };
}

/** The fields of the lines from `from` to `to` (before the next heading), outside code fences. */
function fieldsIn(src: string, from: number, to: number): Map<string, Field> {
  const out = new Map<string, Field>();
  let fence: string | null = null;
  let at = from;
  while (at < to) {
    let nl = src.indexOf('\n', at);
    if (nl === -1 || nl > to) nl = to;
    const line = src.slice(at, nl).replace(/\r$/, '');
    const f = FENCE.exec(line);
    if (f && (fence === null || f[1][0] === fence[0])) fence = fence === null ? f[1] : null;
    else if (fence === null) {
      const m = FIELD.exec(line);
      if (m) {
        const key = m[2].toLowerCase();
        const name = key === 'state' ? 'status' : /^(?:depends on|dependencies|deps|blocked by)$/.test(key) ? 'deps' : key === 'assignee' ? 'owner' : key;
        const start = at + line.length - m[3].length - (line.length - line.trimEnd().length);
        if (!out.has(name) && m[3] !== '') out.set(name, { value: m[3], start, end: start + m[3].length });
      }
    }
    at = nl + 1;
  }
  return out;
}

/** Read the heading-block stories of a document into `out`. */
export function readHeadingStories(blocks: DocBlocks, src: string, file: string, out: Entry[]): void {
  const hs = blocks.headings;
  hs.forEach((h: RawHeading, i) => {
    if (h.depth < 2) return;
    const lineEnd = src.indexOf('\n', h.start);
    const bodyStart = lineEnd === -1 ? src.length : lineEnd + 1;
    const bodyEnd = i + 1 < hs.length ? hs[i + 1].start : src.length;
    if (bodyStart >= bodyEnd) return;
    const fields = fieldsIn(src, bodyStart, bodyEnd);
    const st = fields.get('status');
    if (!st) return;
    const span = unwrap(src, st.start, st.end);
    const raw = src.slice(span.start, span.end);
    const status: Status = { ...parseStatus(raw), raw };
    // Prose says "Status:" too (`**Status:** Ignored with note …` in a report): a heading is a story
    // only with a status the grammar knows and an id, written in the heading or as an `id:` field.
    if (status.category === 'unknown') return;
    const heading = h.text.trim();
    const lead = leadingId(heading, true);
    const id = lead?.id ?? (fields.get('id')?.value.replace(/^`|`$/g, '').trim() || null);
    if (id === null) return;
    const title = lead?.rest || heading;
    const depsField = fields.get('deps');
    const deps: ParsedDeps | null = depsField ? parseDeps(depsField.value.replace(/`/g, '')) : null;
    const ownerField = fields.get('owner')?.value;
    out.push(entry({
      id,
      title,
      status,
      owner: ownerField ? ownerOf(ownerField) : null,
      deps,
      sectionPath: sectionAt(blocks, h.start - 1),
      occurrence: {
        file,
        line: h.line,
        column: 1,
        kind: 'heading',
        status,
        spans: { status: span, ...(depsField ? { deps: unwrap(src, depsField.start, depsField.end) } : {}) },
        start: h.start,
        end: lineEnd === -1 ? src.length : lineEnd,
      },
    }));
  });
}
