/**
 * Presentation for people: aligned, colored tables. Loaded only when output is not `--json`.
 * Width is measured with string-width (emoji are two columns); color via picocolors, which
 * honours NO_COLOR, FORCE_COLOR and whether stdout is a TTY.
 */
import pc from 'picocolors';
type Colors = ReturnType<typeof pc.createColors>;
import stringWidth from 'string-width';
import { colorWanted } from './color.js';
import type { QueueGraph } from '../model/graph.js';
import type { Diagnostic, Story } from '../domain/types.js';

// `--no-color` (context.ts) wins; otherwise picocolors decides from NO_COLOR, FORCE_COLOR and the TTY.
const colors: Colors = colorWanted() ? pc : pc.createColors(false);
/** The picocolors instance for this run (colors off with `--no-color`, NO_COLOR or no TTY). */
export const c = () => colors;

const STATUS_COLOR: Record<string, (s: string) => string> = {
  done: (s) => colors.green(s),
  in_progress: (s) => colors.yellow(s),
  review: (s) => colors.cyan(s),
  blocked: (s) => colors.red(s),
  cancelled: (s) => colors.dim(s),
  unknown: (s) => colors.magenta(s),
  todo: (s) => s,
};

/** `text` in the color of a status category (done green, in progress yellow, …); others as they are. */
export function colorStatus(category: string, text: string): string {
  return (STATUS_COLOR[category] ?? ((s: string) => s))(text);
}

/** Printable ASCII only: one column per character. */
const PLAIN = /^[\x20-\x7e]*$/;
/** picocolors' codes (SGR: `ESC [ params m`), which string-width counts as zero columns. */
const SGR = /\u001b\[[0-9;]*m/g;

/**
 * Display width in columns: emoji and CJK are two, ANSI codes zero. Printable ASCII, colored or not
 * (the common case: ids, statuses, titles), is one column a character, counted here; anything else
 * goes to string-width, whose segmenter costs 10 to 30 ms to build (scripts/build.mjs builds it on
 * its first use).
 */
export function widthOf(s: string): number {
  const bare = s.includes('\u001b') ? s.replace(SGR, '') : s;
  return PLAIN.test(bare) ? bare.length : stringWidth(s);
}

/** Pad to a display width. */
function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - widthOf(s)));
}

/** Truncate to a display width with an ellipsis. */
export function clip(s: string, width: number): string {
  if (widthOf(s) <= width) return s;
  let out = '';
  for (const ch of s) {
    if (widthOf(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** Render rows as aligned columns, two spaces apart; the last column is not padded. */
export function table(rows: string[][], header?: string[]): string {
  const all = header ? [header.map((h) => colors.bold(h)), ...rows] : rows;
  if (all.length === 0) return '';
  const widths: number[] = [];
  for (const r of all) for (const [i, cell] of r.entries()) widths[i] = Math.max(widths[i] ?? 0, widthOf(cell));
  return `${all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : pad(cell, widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

/** One line per story: id, status, claimant, title, deps. */
export function storyRows(stories: Story[], graph: QueueGraph): string[][] {
  return stories.map((s) => [
    colors.bold(s.id),
    colorStatus(s.status.category, clip(s.status.raw || s.status.category, 24)),
    s.claimant ?? '',
    clip(s.title, 60),
    s.deps.length ? colors.dim(`← ${s.deps.map((d) => (graph.satisfied(d) ? (d.id ?? d.ref) : colors.red(d.id ?? d.ref))).join(', ')}`) : '',
  ]);
}

/** One diagnostic as a line: `file:line:column: severity code message` (the compiler convention). */
export function formatDiagnostic(d: Diagnostic): string {
  const sev = d.severity === 'error' ? colors.red('error') : d.severity === 'warning' ? colors.yellow('warning') : colors.dim('info');
  return `${d.file}:${d.line}:${d.column}: ${sev} ${colors.dim(d.code)} ${d.message}`;
}

/** `1 error`, `2 errors`: `k` and the word for it in the singular (`one`) or plural (`many`). */
export function count(k: number, one: string, many: string): string {
  return `${k} ${k === 1 ? one : many}`;
}
