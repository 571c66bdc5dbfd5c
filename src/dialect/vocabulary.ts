/**
 * A team's own vocabulary, compiled for reading: status words and column headers from
 * `queue.config.json` (`domain/config.ts`, {@link Vocabulary}) and from the file's own legend (a
 * `| State | Meaning |` table, or a "Status definitions" section that gives each word a line or a
 * heading), and the meaning of a legend's words read as a category. Pure: the config's text is
 * parsed in `domain/`, the file's text is the document being read.
 */
import type { DocBlocks, RawTable } from '../markdown/blocks.js';
import type { ColumnRole, Vocabulary } from '../domain/config.js';
import type { Diagnostic, Status, StatusCategory } from '../domain/types.js';
import { fold } from './normalize.js';

/** A vocabulary ready for the grammars: folded status phrases (longest first), header keys, id
 * patterns, and a memo of the status cells read with it. */
export interface Lexicon {
  statuses: ReadonlyArray<readonly [string, StatusCategory]>;
  /** Each folded phrase of `statuses` as the config or the legend spells it (`sign-off`, `Shipped`):
   * what a write of the team's word writes. */
  spelled: ReadonlyMap<string, string>;
  /** Folded header (`headerKey`) → role. */
  columns: ReadonlyMap<string, ColumnRole>;
  ids: readonly RegExp[];
  /** Status cells read with this lexicon (`status.ts`): never shared with the grammar's own memo. */
  memo: Map<string, Status>;
}

/** Header keys already folded: a queue repeats the same few headers over all its tables. */
const HEADER_KEYS = new Map<string, string>();

/** Fold a header cell for lookup: markup, emoji and trailing colons removed. */
export function headerKey(text: string): string {
  let key = HEADER_KEYS.get(text);
  if (key === undefined) {
    key = fold(text.replace(/[*_`:：]/g, ' ').replace(/[^\p{L}\p{N}\p{M}\s#./&'-]/gu, ' '));
    // Bounded, so that a long-lived process reading many files keeps a small memo.
    if (HEADER_KEYS.size >= 4096) HEADER_KEYS.clear();
    HEADER_KEYS.set(text, key);
  }
  return key;
}

/** The status words a legend or the config teaches, folded, longest first. */
function phrases(words: Readonly<Record<string, StatusCategory>>): Array<[string, StatusCategory]> {
  return Object.entries(words)
    .map(([w, c]) => [fold(w.replace(/^[\s*_`[]+|[\s*_`\]]+$/g, '')), c] as [string, StatusCategory])
    .filter(([w]) => w !== '')
    .sort((a, b) => b[0].length - a[0].length);
}

const COMPILED = new WeakMap<Vocabulary, Lexicon>();

/**
 * Compile a vocabulary (the config's, with the file's legend words added by {@link withLegend}).
 * The config's words win over a legend's, and both over the grammar's.
 */
export function compileVocabulary(v: Vocabulary, legend: Readonly<Record<string, StatusCategory>> = {}): Lexicon {
  const plain = Object.keys(legend).length === 0;
  if (plain) {
    const hit = COMPILED.get(v);
    if (hit) return hit;
  }
  const config = phrases(v.statuses);
  const known = new Set(config.map(([w]) => w));
  const statuses = [...config, ...phrases(legend).filter(([w]) => !known.has(w))];
  const spelled = new Map<string, string>();
  for (const words of [v.statuses, legend])
    for (const w of Object.keys(words)) {
      const written = w.replace(/^[\s*_`[]+|[\s*_`\]]+$/g, '');
      const key = fold(written);
      if (key !== '' && !spelled.has(key)) spelled.set(key, written);
    }
  const lexicon: Lexicon = {
    statuses,
    spelled,
    columns: new Map(Object.entries(v.columns).map(([h, r]) => [headerKey(h), r])),
    ids: v.ids.map((p) => new RegExp(`^(?:${p})$`, 'u')),
    memo: new Map(),
  };
  if (plain) COMPILED.set(v, lexicon);
  return lexicon;
}

/**
 * What a legend's meaning says a word is, or null when it says nothing queue can rely on. Read in a
 * fixed order, the most careful first: a meaning that says "replaced", "abandoned" or "cancelled" is
 * a cancellation; "not yet ready", "waiting for", "cannot continue", "needs a decision" (or an accepted input) a hold; then
 * review, in progress, done and to do by their plain words. English, with the languages of the
 * grammar's status words for the commonest meanings.
 */
export function categoryOfMeaning(meaning: string): StatusCategory | null {
  const m = fold(meaning.replace(/[*_`]/g, ''));
  for (const [re, cat] of MEANINGS) if (re.test(m)) return cat;
  return null;
}

const MEANINGS: Array<[RegExp, StatusCategory]> = [
  [
    /\b(?:replaced|superseded|abandoned|cancel+ed|dropped|discarded|obsolete|will not be (?:done|implemented)|won'?t (?:do|be done)|no longer (?:needed|planned|relevant))\b|заменен|отменен|被取代|已取消|取り消|中止|대체|취소|reemplazad|cancelad|remplacé|annulé|ersetzt|verworfen|abgebrochen|thay thế|đã hủy/u,
    'cancelled',
  ],
  [
    /\bnot (?:yet )?(?:ready|approved|specified|defined|scheduled|started by agents)\b|\b(?:waiting|awaits?|awaiting) (?:for |on )?(?:an? |the )?(?:owner|approval|decision|input|confirmation|external|spec)|\bcannot (?:safely )?(?:continue|start|proceed|be (?:started|picked))|\bon hold\b|\bparked\b|\bblocked\b|\bneeds? (?:an? )?(?:accepted |approved |agreed )?(?:decision|approval|refinement|triage|specification|confirmation|artifact|input)|\bdo not (?:start|begin|pick|take)|\bnot (?:to be )?(?:picked|taken)\b|\bidea\b|\bproposal\b|не готов|ожида|заблокир|требует (?:решения|подтверждения)|未準備|保留|待定|阻塞|준비되지|보류|no está lista?|en espera|pas (?:encore )?prêt|en attente|noch nicht bereit|wartet|chưa sẵn sàng|đang chờ/u,
    'blocked',
  ],
  [
    /\b(?:in review|under review|awaiting review|needs review|ready for review|verification|verify|being verified|qa|testing)\b|на проверке|ревью|レビュー|確認待ち|审核|검토|en revisión|em revisão|en revue|in prüfung|đang xem xét/u,
    'review',
  ],
  [
    /\b(?:in progress|being (?:worked|implemented|built|done)|currently (?:being )?(?:worked|implemented|in progress)|someone is working|claimed|started)\b|в работе|進行中|进行中|진행 ?중|en curso|em andamento|en cours|in arbeit|đang làm/u,
    'in_progress',
  ],
  [
    /\b(?:done|complete|completed|finished|shipped|merged|released|delivered|deployed|satisfied)\b|готов|выполнен|完了|已完成|완료|terminad|concluíd|terminé|erledigt|abgeschlossen|hoàn thành/u,
    'done',
  ],
  [
    /\b(?:to do|todo|not started|ready to (?:start|pick|take)|may be (?:selected|picked|taken|started)|can be (?:picked|taken|started)|can (?:begin|start)|available)\b|не начат|未着手|待办|대기|pendiente|pendente|à faire|offen|chưa bắt đầu/u,
    'todo',
  ],
];

/** Headings over a legend: "Status legend", "Status meanings", "Status definitions", "Statuses", "Legend", in the grammar's languages. */
const LEGEND_HEADING =
  /\blegend\b|\bstatus(?:es)? (?:meanings?|definitions?|values|key|codes|glossary|reference)\b|\b(?:meanings?|definitions?) of (?:the )?status(?:es)?\b|^statuses$|^states$|легенда|значения статусов|статусы|凡例|图例|圖例|状态说明|ステータス(?:の)?(?:定義|説明|一覧)|상태 (?:정의|설명)|범례|leyenda|significado de (?:los )?estados|légende|signification des statuts|legende|statusbedeutung|chú thích|ý nghĩa trạng thái/iu;

/** Whether a heading introduces a legend of status words (`## Status meanings`). */
export function isLegendHeading(text: string): boolean {
  return LEGEND_HEADING.test(text.trim());
}

/** Header synonyms of a legend's meaning column. `Description` also heads story tables' titles, so it
 * names a meaning only under a legend heading ({@link DESCRIPTION_HEADER}). */
const MEANING_HEADER = /^(?:meaning|means|definition|what it means|significado|signification|bedeutung|значение|意味|含义|含義|의미|ý nghĩa)$/iu;
const DESCRIPTION_HEADER = /^(?:description|explanation|descripción|beschreibung|описание|説明|说明|說明|설명|mô tả)$/iu;

/** Whether a header cell names a legend's meaning column (`Meaning`, `Значение`, `意味`; under a
 * legend heading `Description` too). */
export function isMeaningHeader(text: string, underLegend = false): boolean {
  const key = headerKey(text);
  return MEANING_HEADER.test(key) || (underLegend && DESCRIPTION_HEADER.test(key));
}

/** A line listing a file's status values (`Status values: \`PENDING\` | \`IN_PROGRESS\` | \`DONE\``,
 * `Statuses: todo, doing, done`): the list after the colon. A plain `Status:` line is a story's
 * field, not a list. */
const VALUES_LINE =
  /^[ \t>*+-]*(?:\*\*|__)?(?:(?:valid|allowed|possible)[ \t]+)?(?:status[ \t]+(?:values|words|codes|options)|statuses|states)(?:\*\*|__)?[ \t]*:(?:\*\*|__)?[ \t]*(.+)$/gim;

/** Fenced code blocks, whose lines are no list of the file's. */
const FENCED = /^[ \t]{0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^[ \t]{0,3}\1[ \t]*$|(?![\s\S]))/gm;

/**
 * The status words a file declares as written, in file order: those a one-line list of its status
 * values names (two or more, split at `|`, `,` or `/`, each as written but for the code span or
 * emphasis around it and a full stop after it; a line is taken only when every value reads as a
 * status, `known`) and the words its legends define. A write takes the form of a category from them
 * when no status cell of the file shows one (`edit/style.ts`): a file listing `IN_PROGRESS` gets
 * `IN_PROGRESS (Dev 1)`, not the grammar's `IN PROGRESS`.
 */
export function declaredForms(src: string, legend: readonly LegendWord[], known: (word: string) => StatusCategory): string[] {
  const out: string[] = [];
  if (/status|states/i.test(src)) {
    for (const m of src.replace(FENCED, '').matchAll(VALUES_LINE)) {
      const items = m[1].split(/[ \t]*[|,/][ \t]*/).map((t) =>
        t
          .trim()
          .replace(/[.;:!]+$/, '')
          .replace(/^([*_`]+)(.*?)\1$/, '$2')
          .trim(),
      );
      if (items.length < 2 || items.some((w) => w === '' || w.length > 30 || known(w) === 'unknown')) continue;
      out.push(...items);
    }
  }
  for (const w of legend) out.push(w.word);
  return out;
}

/** A word a legend defines, and the category its meaning gives (null: it could not be mapped). */
export interface LegendWord {
  word: string;
  meaning: string;
  category: StatusCategory | null;
  line: number;
}

/**
 * The category a legend teaches for `word`, given what the grammar reads it as (`known`): the
 * meaning's category for a word the grammar does not know; for a word the grammar reads as to do, a
 * hold or a cancellation when the meaning says so (`BACKLOG` — "not yet ready": a team that says its
 * backlog is not ready is believed, so `ready` never offers it). A word the grammar reads as claimed,
 * in review, held or finished keeps that reading: a legend narrows, it never widens.
 */
export function legendCategory(known: StatusCategory, meaning: StatusCategory | null): StatusCategory | null {
  if (meaning === null) return null;
  if (known === 'unknown') return meaning;
  if (known === 'todo' && (meaning === 'blocked' || meaning === 'cancelled')) return meaning;
  return null;
}

/** Strip a legend cell's dressing: markup, brackets and backticks (`` `BACKLOG` ``, `**[BLOCKED]**`). */
function legendWord(text: string): string {
  return text
    .replace(/[*_`]/g, '')
    .trim()
    .replace(/^\[(.*)\]$/, '$1')
    .trim();
}

/** A legend table: a meaning column after the first (`| State | Meaning |`, `| State | Meaning | Action |`),
 * every row a word and its meaning. Returns its rows as [word, meaning, line], or null. `underLegend`:
 * the table sits under a legend heading, so a table of two or three columns need not name the meaning. */
export function legendRows(table: RawTable, underLegend: boolean, isId: (text: string) => boolean): Array<[string, string, number]> | null {
  const headers = table.header.cells.map((c) => c.text);
  if (headers.length < 2) return null;
  const meaningAt = headers.findIndex((h, i) => i > 0 && isMeaningHeader(h, underLegend));
  const at = meaningAt !== -1 ? meaningAt : underLegend && headers.length <= 3 ? 1 : -1;
  if (at === -1) return null;
  const rows: Array<[string, string, number]> = [];
  const seen = new Set<string>();
  for (const r of table.rows) {
    // No work in the rows: a cell that is an id makes the table a story table, not a legend.
    if (r.cells.some((c) => isId(c.text.replace(/[*_`[\]]/g, '').trim()))) return null;
    const word = legendWord(r.cells[0]?.text ?? '');
    const meaning = (r.cells[at]?.text ?? '').trim();
    if (word === '' || meaning === '') continue;
    // A word is short, and each is defined once. Under a header that names the meaning column, a
    // row that defines a phrase (`` `ready` + `Blocked By: GATE-*` ``) is passed over, not taken for work.
    if (word.length > 40 && meaningAt !== -1) continue;
    if (word.length > 40 || seen.has(word.toLowerCase())) return null;
    seen.add(word.toLowerCase());
    rows.push([word, meaning, r.line]);
  }
  return rows.length ? rows : null;
}

/** A bullet's text after its marker (and a check box, if any). */
const BULLET = /^[ \t]*[-*+][ \t]+(?:\[[ xX]\][ \t]+)?(.*)$/;
/** A word in bold or code, its closing marks included: the word may hold a hyphen (`` `in-progress` ``)
 * and end with the colon that separates it (`**parked:**`). */
const WRAPPED_WORD = /^(\*\*|__|`)([^*_`]{1,40}?)\1/;
/** What separates a definition's word from its meaning: a colon, a dash or `=`; a hyphen only with a
 * space after it, so that `in-progress: …` is one word. */
const THEN_MEANING = /^[ \t]*(?::|—|–|=|-(?=[ \t]))[ \t]*(\S.*)$/;
const BARE_WORD = /^([^*_`:—–=]{1,40}?)[ \t]*(?::|—|–|=|-(?=[ \t]))[ \t]*(\S.*)$/;

/** A definition line under a legend heading (`- **parked** — waiting on the owner`, `` - `BACKLOG`:
 * not yet ready ``, `- in-progress: someone works on it`) as its word and meaning, or null. */
function definition(line: string): [string, string] | null {
  const rest = BULLET.exec(line)?.[1];
  if (rest === undefined) return null;
  const w = WRAPPED_WORD.exec(rest);
  if (w) {
    const after = rest.slice(w[0].length).trim();
    const inner = w[2].replace(/[ \t]*:$/, '');
    if (inner !== w[2]) return after !== '' && inner.trim() !== '' ? [inner, after] : null;
    const m = THEN_MEANING.exec(after);
    return m ? [w[2], m[1]] : null;
  }
  const m = BARE_WORD.exec(rest);
  return m ? [m[1], m[2]] : null;
}

/**
 * The words a document's legends define: `| State | Meaning |` tables anywhere, and under a legend
 * heading (`isLegendHeading`) any two-column table, definition bullets, and sub-headings that are a
 * word alone with their first paragraph as the meaning (`### BACKLOG` then "… not yet ready.").
 * `known` is what the grammar reads a word as. Returns the words with their categories (those that
 * map, {@link legendCategory}), every word defined, and the tables read as legends (by start offset).
 */
export function readLegends(
  blocks: DocBlocks,
  src: string,
  known: (word: string) => StatusCategory,
  isId: (text: string) => boolean,
): { statuses: Record<string, StatusCategory>; words: LegendWord[]; tables: Set<number> } {
  const words: LegendWord[] = [];
  const tables = new Set<number>();
  const hs = blocks.headings;
  // Legend sections: [start, end) of each heading's section whose heading is a legend heading.
  const sections: Array<[number, number, number]> = [];
  hs.forEach((h, i) => {
    if (!isLegendHeading(h.text)) return;
    let end = src.length;
    for (let j = i + 1; j < hs.length; j++)
      if (hs[j].depth <= h.depth) {
        end = hs[j].start;
        break;
      }
    sections.push([h.start, end, i]);
  });
  const inLegend = (at: number) => sections.some(([s, e]) => s <= at && at < e);
  const add = (word: string, meaning: string, line: number) => words.push({ word, meaning, category: categoryOfMeaning(meaning), line });
  for (const t of blocks.tables) {
    const rows = legendRows(t, inLegend(t.start), isId);
    if (!rows) continue;
    // Under no legend heading, a table is a legend only when its first column reads as statuses.
    if (!inLegend(t.start) && rows.filter(([w]) => known(w) !== 'unknown').length * 2 < rows.length) continue;
    tables.add(t.start);
    for (const [w, m, line] of rows) add(w, m, line);
  }
  for (const [start, end, i] of sections) {
    // Sub-headings that are a word alone (`### BACKLOG`), their first paragraph the meaning.
    for (let j = i + 1; j < hs.length && hs[j].start < end; j++) {
      const word = legendWord(hs[j].text);
      if (word.length > 30 || word.split(/\s+/).length > 3) continue;
      const lineEnd = src.indexOf('\n', hs[j].start);
      const bodyEnd = j + 1 < hs.length ? Math.min(hs[j + 1].start, end) : end;
      const body = lineEnd === -1 ? '' : src.slice(lineEnd + 1, bodyEnd).trim();
      const para = body.split(/\n\s*\n/)[0]?.replace(/\s+/g, ' ') ?? '';
      if (para !== '') add(word, para, hs[j].line);
    }
    // Definition bullets.
    let at = src.indexOf('\n', start) + 1;
    let line = hs[i].line + 1;
    while (at > 0 && at < end) {
      let nl = src.indexOf('\n', at);
      if (nl === -1 || nl > end) nl = end;
      const d = definition(src.slice(at, nl).replace(/\r$/, ''));
      if (d) add(legendWord(d[0]), d[1], line);
      at = nl + 1;
      line++;
    }
  }
  const statuses: Record<string, StatusCategory> = {};
  for (const w of words) {
    const cat = legendCategory(known(w.word), w.category);
    if (cat !== null) statuses[w.word] = cat;
  }
  return { statuses, words, tables };
}

/** The diagnostics of a document's legend: what each word taught, and the words it could not map. */
export function legendDiagnostics(
  words: readonly LegendWord[],
  statuses: Readonly<Record<string, StatusCategory>>,
  known: (word: string) => StatusCategory,
  file: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const w of words) {
    const taught = statuses[w.word];
    if (taught !== undefined) {
      out.push({ severity: 'info', code: 'legend', message: `the legend reads "${w.word}" as ${taught}: "${w.meaning.slice(0, 60)}"`, file, line: w.line, column: 1 });
    } else if (known(w.word) === 'unknown') {
      out.push({
        severity: 'warning',
        code: 'unknown_status',
        message: `the legend defines "${w.word}" ("${w.meaning.slice(0, 60)}") with a meaning queue cannot map to a status: set it in queue.config.json "statuses" (such as {"${w.word}": "blocked"})`,
        file,
        line: w.line,
        column: 1,
      });
    }
  }
  return out;
}
