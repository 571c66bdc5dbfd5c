/**
 * The one home of done marks: what people write beside a dependency to say it is done (`8-2 ✅`,
 * `8-2 [DONE]`, `8-2 (done)`), which of them queue itself writes, and how each is recognized. The
 * dependency reader (`deps.ts`) strips them from references; the reconciler (`reconcile/`) adds
 * them in a file's own style and removes them beside a story that is no longer done.
 */

/** Symbols that mark a dependency done. */
const SYMBOLS = '✅|✔️|✔|☑️|☑|✓';
/** Words that mark a dependency done, in brackets (`[DONE]`, `[x]`), parentheses or alone. */
const WORDS = 'done|complete|completed';

/** Any done mark with the space around it (global: for `replace`). */
export const DONE_MARK = new RegExp(`\\s*(?:${SYMBOLS}|\\[(?:${WORDS}|x)\\]|\\((?:${WORDS})\\)|\`?\\b(?:${WORDS})\\b\`?)\\s*`, 'giu');

/** Whether a text holds a done mark (no global flag: a global regex keeps `lastIndex` between tests). */
export const HAS_DONE_MARK = new RegExp(DONE_MARK.source, 'iu');

/** A mark right at the start of a text that queue may remove: a symbol or a bracketed tag, never a bare word of the prose. */
export const LEADING_DONE_MARK = new RegExp(`^\\s*(?:${SYMBOLS}|\\[(?:${WORDS}|x)\\])`, 'iu');

/** The marks queue writes beside a done dependency, each with how to find it in a cell; a file's style is the one it uses most. */
export const WRITTEN_MARKS: ReadonlyArray<{ mark: string; re: RegExp }> = [
  { mark: '✅', re: /✅/ },
  { mark: '[DONE]', re: /\[DONE\]/i },
];

/** Which of {@link WRITTEN_MARKS} a Depends On cell's text holds: bit `k` for mark `k`. */
export function writtenMarks(cell: string): number {
  let bits = 0;
  for (let k = 0; k < WRITTEN_MARKS.length; k++) if (WRITTEN_MARKS[k].re.test(cell)) bits |= 1 << k;
  return bits;
}
