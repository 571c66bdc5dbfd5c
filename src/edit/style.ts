/**
 * Written forms of statuses in a file's own dialect: a queue that writes `[IN PROGRESS: Dev 2]` and
 * `[DONE]` gets those; one that writes `In Progress` / `Done` gets words in that case; one that
 * writes `✅ Done` gets emoji. Pure.
 *
 * The form for a category is taken from an exemplar: the most frequent status cell of that category
 * already in the file, with its claimant swapped. Without an exemplar, the file's prevailing style
 * (brackets, words in its case and separator, emoji) gives the form, its word in the team's or the
 * file's own language where they say one (`nativeWord`); a file with no statuses at all
 * gets the bracket form (`[IN PROGRESS: Dev 2]`, `[DONE]`). Every form is checked by parsing it
 * back (`parseStatus`): a form that does not read as what was meant is never returned.
 */
import { nativeWord, parseStatus, statusExtent, WRITTEN_EMOJI } from '../dialect/status.js';
import type { Lexicon } from '../dialect/vocabulary.js';
import type { StatusCategory } from '../domain/types.js';
import { isClaimed } from '../domain/status.js';
import { fastInlineText } from '../markdown/inline.js';

/** What to write: a category, and the claimant (in progress, review) or hold reason (blocked). */
export interface StatusWish {
  category: Exclude<StatusCategory, 'unknown'>;
  claimant?: string | null;
  reason?: string | null;
}

/** A file's status dialect. */
export interface StatusStyle {
  /** The cell source for `wish`. `after`: what will follow it in its cell (a person's note,
   * `<sub>since Mon</sub>`): a form is taken only if it reads as `wish` with that after it (a
   * reason written `Blocked: …` would run on into the note). Throws nothing: falls back to the
   * bracket form. */
  write(wish: StatusWish, after?: string): string;
}

const BRACKET: Record<StatusWish['category'], string> = {
  todo: '[ ]',
  blocked: 'BLOCKED',
  in_progress: 'IN PROGRESS',
  review: 'REVIEW',
  done: 'DONE',
  cancelled: 'CANCELLED',
};

const EMOJI: Record<StatusWish['category'], string> = WRITTEN_EMOJI;

/** The style a status is written in: in brackets (`[DONE]`, `**[ ]**`), after an emoji, or as words. */
function styleOf(source: string): 'bracket' | 'emoji' | 'word' {
  if (/^[*_]*\[/.test(source)) return 'bracket';
  return /^[*_]*\p{Extended_Pictographic}/u.test(source) ? 'emoji' : 'word';
}

/** A status cell that joins two statuses (`REOPENED then DONE`, `Next / In progress`, `Todo → Done`). */
const COMPOUND = /\s(?:then|→|->|=>|\/)\s/i;

/** Claim tokens that mean "about to start" rather than "working": used only when nothing else is. */
const TRANSIENT = /^\[?\s*(?:claiming|prep)\b/i;

/**
 * Learn the style from the status cells of a file, as written (`src.slice(span)` of each table
 * row's status cell), in file order, read with the team's words the file was read with (`lexicon`):
 * a word a legend narrows (`Backlog` — "not yet ready") is never written for a category it no longer means.
 * `declared`: the status words the file declares (a list of its values, a legend), the form of a
 * category no cell shows.
 */
export function statusStyle(cells: readonly string[], lexicon?: Lexicon, declared: readonly string[] = []): StatusStyle {
  const byCategory = new Map<string, Map<string, number>>();
  let brackets = 0;
  let emoji = 0;
  let words = 0;
  const wordSamples: string[] = [];
  // Each form once, with how many cells write it, in the order of the first cell that does (a file
  // of thousands of rows writes a handful of forms).
  const cellForms = new Map<string, number>();
  for (const cell of cells) {
    const source = cell.trim();
    cellForms.set(source, (cellForms.get(source) ?? 0) + 1);
  }
  // The status alone, not a note written after it (`OPEN — reported, needs the cutover`).
  const written = new Map<string, number>();
  for (const [cell, n] of cellForms) {
    const note = statusExtent(cell, lexicon);
    const source = note ? cell.slice(note.start, note.end) : cell;
    written.set(source, (written.get(source) ?? 0) + n);
  }
  for (const [source, n] of written) {
    const st = parseStatus(source, lexicon);
    if (st.category === 'unknown') continue;
    const counts = byCategory.get(st.category) ?? new Map<string, number>();
    // Count the form, not the agent: `[IN PROGRESS: Dev 1]` and `[IN PROGRESS: Dev 2]` are one form.
    counts.set(source, n);
    byCategory.set(st.category, counts);
    const form = styleOf(source);
    if (form === 'bracket') brackets += n;
    else if (form === 'emoji') emoji += n;
    else {
      words += n;
      wordSamples.push(source);
    }
  }

  // The file's declared word for a category no cell shows (`Status values: … IN_PROGRESS`), when it
  // is written in the file's style (a bare word in a file of brackets is not its form).
  const declaredFor = (category: string): string | null =>
    declared.find((w) => parseStatus(w, lexicon).category === category && (brackets + emoji + words === 0 || styleOf(w) === style)) ?? null;
  // A form with parentheses that are neither its claimant nor its reason (`TODO(Dev 1)`) says more
  // than its status: copied to another story, it would say that of it too.
  const saysMore = (f: string): boolean => {
    if (!f.includes('(')) return false;
    const st = parseStatus(f, lexicon);
    return st.claimant === null && (st.reason ?? null) === null;
  };
  const exemplar = (category: string): string | null => {
    const counts = byCategory.get(category);
    if (!counts) return declaredFor(category);
    // A cell that tells a story's history (`REOPENED then DONE`, `Next / In progress`) is no form
    // for another story: it would write a history that never happened.
    const forms = [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([f]) => f)
      .filter((f) => !COMPOUND.test(f) && !saysMore(f));
    if (forms.length === 0) return declaredFor(category);
    return forms.find((f) => !TRANSIENT.test(f.replace(/^[*_]+/, ''))) ?? forms[0];
  };
  const style: 'bracket' | 'emoji' | 'word' = brackets >= emoji && brackets >= words ? 'bracket' : emoji >= words ? 'emoji' : 'word';
  const caseOf = wordCase(wordSamples);

  // The statuses as written, for the language a word is written in.
  const samples = [...written.keys()];
  const fallback = (w: StatusWish): string => {
    if (style === 'bracket') return bracketForm(w);
    const arg = argOf(w);
    const native = nativeWord(w.category, samples, lexicon);
    // In the file's case where the word has one to take (Latin letters); as the language writes it otherwise.
    const word = native === null ? caseOf(w.category === 'todo' ? 'TODO' : BRACKET[w.category]) : /^[a-z ]+$/i.test(native) ? caseOf(native.toUpperCase()) : native;
    const text = arg ? `${word} (${arg})` : word;
    return style === 'emoji' ? `${EMOJI[w.category]} ${text}` : text;
  };

  return {
    write(w: StatusWish, after = ''): string {
      const wantArg = argOf(w);
      const ex = exemplar(w.category);
      const candidates: string[] = [];
      if (ex !== null) {
        const st = parseStatus(ex, lexicon);
        const had = w.category === 'blocked' ? st.reason : st.claimant;
        if (had && wantArg && ex.includes(had)) candidates.push(ex.replace(had, () => wantArg));
        else if (!had && !wantArg) candidates.push(ex);
        else if (had && !wantArg && /^\[[^\]:]+:[^\]]*\]$/.test(ex)) candidates.push(ex.replace(/:[^\]]*\]$/, ']'));
        else if (!had && wantArg && /^\[[^\]:]+\]$/.test(ex)) candidates.push(`${ex.slice(0, -1)}: ${wantArg}]`);
        // The file's own word written with no one beside it (`CLAIMED`, `**WIP**`): the word, with the
        // claimant or reason after it in parentheses, inside its emphasis; kept only if it reads back so.
        else if (!had && wantArg && !ex.startsWith('[')) {
          const m = emphasisOf(ex);
          candidates.push(m ? `${m.mark}${m.inner} (${wantArg})${m.mark}` : `${ex} (${wantArg})`);
        }
      }
      candidates.push(fallback(w), bracketForm(w));
      for (const c of candidates) if (reads(c + after, w, wantArg, lexicon)) return c;
      return bracketForm(w);
    },
  };
}

/** A status written inside emphasis (`**DONE**`, `_Todo._`): the emphasis mark and what it wraps; null otherwise. */
export function emphasisOf(status: string): { mark: string; inner: string } | null {
  const m = /^([*_]{1,3})(.+)\1$/s.exec(status);
  return m ? { mark: m[1], inner: m[2] } : null;
}

/** The claimant (in progress, review) or reason (blocked) a wish carries, else null. */
function argOf(w: StatusWish): string | null {
  return (w.category === 'blocked' ? w.reason : isClaimed(w.category) ? w.claimant : null) ?? null;
}

/** An `&` that begins an HTML entity (`&amp;`, `&#39;`). */
const ENTITY_AMP = /&(?=(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)/g;

/** A web address as GFM reads one (`<https://…>`, `https://…`, `www.…`): its characters are
 * read literally, a backslash too, so nothing in it is escaped. */
const ADDRESS = /(?:https?:\/\/|www\.)[^\s<>]*/giu;
/** A web address (kept whole), an `&` that would begin an entity, or a character whose Markdown
 * meaning a backslash takes away. */
const ADDRESS_OR_MARK = new RegExp(`(${ADDRESS.source})|(${ENTITY_AMP.source})|[\\\\*_\`~<[]`, 'giu');

/**
 * `style`'s text for `wish` in a table cell, after `before` (the cell's text before the status, when
 * a note follows it) and before `after` (the note that stays, {@link StatusStyle.write}). A table
 * cell is read as Markdown: where the claimant or reason would not read as itself (`x *y* z` reads
 * `x y z`, `see a &amp; b` reads `see a & b`), its markup is escaped (`x \*y\* z`) and an `&` that
 * would begin an entity written `&amp;`, so that the cell reads back as given; a web address is left
 * as written (a backslash there is read as itself, so emphasis marks in one cannot be kept). Inside
 * a code span (the form's own, `` `blocked: …` ``, or one the cell opens before the status), which
 * is read as written, the text goes as it is.
 */
export function cellStatus(style: StatusStyle, wish: StatusWish, before: string, after = ''): string {
  const plain = style.write(wish, after);
  const arg = argOf(wish);
  if (arg === null || fastInlineText(arg) === arg) return plain;
  const inCode = ((before.match(/`/g)?.length ?? 0) + (plain.slice(0, plain.indexOf(arg)).match(/`/g)?.length ?? 0)) % 2 === 1;
  if (inCode) return plain;
  const escaped = arg.replace(ADDRESS_OR_MARK, (m, address: string | undefined, amp: string | undefined) => address ?? (amp !== undefined ? '&amp;' : `\\${m}`));
  return style.write(wish.category === 'blocked' ? { ...wish, reason: escaped } : { ...wish, claimant: escaped }, after);
}

function bracketForm(w: StatusWish): string {
  if (w.category === 'todo') return '[ ]';
  const arg = argOf(w);
  return `[${BRACKET[w.category]}${arg ? `: ${arg}` : ''}]`;
}

/** Does `text` parse back as the wished category, with the wished claimant or reason? */
function reads(text: string, w: StatusWish, arg: string | null, lexicon?: Lexicon): boolean {
  const st = parseStatus(text, lexicon);
  if (st.category !== w.category) return false;
  if (w.category === 'blocked') return (st.reason ?? null) === arg;
  if (isClaimed(w.category)) return (st.claimant ?? null) === arg;
  return true;
}

/** The case and separator convention of word statuses (`In Progress`, `in_progress`, `IN-PROGRESS`). */
function wordCase(samples: readonly string[]): (upper: string) => string {
  const multi = samples.find((s) => /^[A-Za-z]+[ _-][A-Za-z]/.test(s)) ?? samples[0] ?? 'Done';
  const sep = /^[A-Za-z]+_/.test(multi) ? '_' : /^[A-Za-z]+-[A-Za-z]/.test(multi) ? '-' : ' ';
  // Only the status words count: a claimant (`in progress (Dev A)`) has a case of its own.
  const letters = (/^[A-Za-z]+(?:[ _-][A-Za-z]+)*/.exec(multi)?.[0] ?? multi).replace(/[^A-Za-z]/g, '');
  const kind = letters === letters.toUpperCase() ? 'upper' : letters === letters.toLowerCase() ? 'lower' : 'title';
  return (upper: string) => {
    const parts = upper.split(' ');
    const cased = parts.map((p) => (kind === 'upper' ? p : kind === 'lower' ? p.toLowerCase() : p[0] + p.slice(1).toLowerCase()));
    return cased.join(sep);
  };
}
