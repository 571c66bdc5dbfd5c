/**
 * Status grammar: `[ ]`, `[x]`, `[BLOCKED]`, `[BLOCKED: reason]`, `[IN PROGRESS: Dev 2]`,
 * `[CLAIMING: Dev X]`, `[PREP: Dev 3]`, `[DONE]`, bare words in any case and separator style
 * (`DONE`, `in_progress`, `in-progress`, `PENDING`, `VERIFY`), emoji (✅ 🔄 ⏳ 🔴 ❌ …), status words
 * of other languages (`完了`, `terminé`, …), and trailing text after the keyword (`DONE — 730833e`,
 * `CLAIMED [date]`, `**DONE (AGENT-2)** — spikes/…`), a later status after `then` (`REOPENED then DONE`),
 * and a second status after a slash when the first says only "to do" (`Next / In progress` is in
 * progress). Pure.
 */
import type { Status, StatusCategory } from '../domain/types.js';
import { fold } from './normalize.js';
import { isClaimed } from '../domain/status.js';
import type { Lexicon } from './vocabulary.js';
import { fastInlineText } from '../markdown/inline.js';

/**
 * The status words of the languages queue files are written in, one list per language, each in the
 * same order of categories (done, in progress, review, to do, held, cancelled), the usual word for a
 * category first: read as the English words are (they are part of {@link WORDS}), and written by
 * {@link nativeWord} in a file written in that language.
 */
const LANGUAGES: ReadonlyArray<readonly [string, ReadonlyArray<[string, StatusCategory]>]> = [
  [
    'Japanese',
    [
      ['完了', 'done'],
      ['済み', 'done'],
      ['済', 'done'],
      ['対応済', 'done'],
      ['進行中', 'in_progress'],
      ['対応中', 'in_progress'],
      ['作業中', 'in_progress'],
      ['実装中', 'in_progress'],
      ['レビュー中', 'review'],
      ['レビュー', 'review'],
      ['確認中', 'review'],
      ['検証中', 'review'],
      ['未着手', 'todo'],
      ['未対応', 'todo'],
      ['予定', 'todo'],
      ['ブロック', 'blocked'],
      ['保留', 'blocked'],
      ['待ち', 'blocked'],
      ['提案', 'blocked'],
      ['中止', 'cancelled'],
      ['キャンセル', 'cancelled'],
      ['取り消し', 'cancelled'],
    ],
  ],
  [
    'Chinese (simplified and traditional)',
    [
      ['已完成', 'done'],
      ['完成', 'done'],
      ['已完成', 'done'],
      ['进行中', 'in_progress'],
      ['處理中', 'in_progress'],
      ['处理中', 'in_progress'],
      ['开发中', 'in_progress'],
      ['開發中', 'in_progress'],
      ['审核中', 'review'],
      ['審核中', 'review'],
      ['评审中', 'review'],
      ['待审核', 'review'],
      ['待办', 'todo'],
      ['待辦', 'todo'],
      ['待处理', 'todo'],
      ['未开始', 'todo'],
      ['未開始', 'todo'],
      ['阻塞', 'blocked'],
      ['受阻', 'blocked'],
      ['暂停', 'blocked'],
      ['暫停', 'blocked'],
      ['搁置', 'blocked'],
      ['已取消', 'cancelled'],
      ['取消', 'cancelled'],
      ['废弃', 'cancelled'],
    ],
  ],
  [
    'Korean',
    [
      ['완료', 'done'],
      ['진행중', 'in_progress'],
      ['진행 중', 'in_progress'],
      ['작업중', 'in_progress'],
      ['작업 중', 'in_progress'],
      ['검토중', 'review'],
      ['검토 중', 'review'],
      ['검토', 'review'],
      ['리뷰', 'review'],
      ['대기', 'todo'],
      ['미착수', 'todo'],
      ['예정', 'todo'],
      ['할 일', 'todo'],
      ['차단', 'blocked'],
      ['보류', 'blocked'],
      ['제안', 'blocked'],
      ['취소', 'cancelled'],
    ],
  ],
  [
    'Russian',
    [
      ['готово', 'done'],
      ['выполнено', 'done'],
      ['сделано', 'done'],
      ['завершено', 'done'],
      ['завершена', 'done'],
      ['завершён', 'done'],
      ['закрыто', 'done'],
      ['в работе', 'in_progress'],
      ['в процессе', 'in_progress'],
      ['выполняется', 'in_progress'],
      ['на проверке', 'review'],
      ['на ревью', 'review'],
      ['ревью', 'review'],
      ['не начато', 'todo'],
      ['запланировано', 'todo'],
      ['к выполнению', 'todo'],
      ['открыто', 'todo'],
      ['новое', 'todo'],
      ['заблокировано', 'blocked'],
      ['блокировано', 'blocked'],
      ['отложено', 'blocked'],
      ['ожидает', 'blocked'],
      ['на паузе', 'blocked'],
      ['предложено', 'blocked'],
      ['отменено', 'cancelled'],
      ['отклонено', 'cancelled'],
    ],
  ],
  [
    'Vietnamese',
    [
      ['hoàn thành', 'done'],
      ['đã hoàn thành', 'done'],
      ['đã xong', 'done'],
      ['xong', 'done'],
      ['đang làm', 'in_progress'],
      ['đang thực hiện', 'in_progress'],
      ['đang tiến hành', 'in_progress'],
      ['đang xem xét', 'review'],
      ['chờ duyệt', 'review'],
      ['chưa bắt đầu', 'todo'],
      ['cần làm', 'todo'],
      ['bị chặn', 'blocked'],
      ['tạm dừng', 'blocked'],
      ['đang chờ', 'blocked'],
      ['đề xuất', 'blocked'],
      ['đã hủy', 'cancelled'],
      ['hủy', 'cancelled'],
    ],
  ],
  [
    'Spanish',
    [
      ['hecho', 'done'],
      ['completado', 'done'],
      ['terminado', 'done'],
      ['finalizado', 'done'],
      ['en progreso', 'in_progress'],
      ['en curso', 'in_progress'],
      ['en proceso', 'in_progress'],
      ['en revisión', 'review'],
      ['en revision', 'review'],
      ['pendiente', 'todo'],
      ['por hacer', 'todo'],
      ['no iniciado', 'todo'],
      ['bloqueado', 'blocked'],
      ['en espera', 'blocked'],
      ['propuesto', 'blocked'],
      ['cancelado', 'cancelled'],
      ['descartado', 'cancelled'],
    ],
  ],
  [
    'Portuguese',
    [
      ['concluído', 'done'],
      ['concluido', 'done'],
      ['feito', 'done'],
      ['em andamento', 'in_progress'],
      ['em progresso', 'in_progress'],
      ['em revisão', 'review'],
      ['pendente', 'todo'],
      ['a fazer', 'todo'],
      ['não iniciado', 'todo'],
      ['em espera', 'blocked'],
      ['proposto', 'blocked'],
    ],
  ],
  [
    'French',
    [
      ['terminé', 'done'],
      ['fait', 'done'],
      ['fini', 'done'],
      ['achevé', 'done'],
      ['en cours', 'in_progress'],
      ['en revue', 'review'],
      ['en révision', 'review'],
      ['à faire', 'todo'],
      ['a faire', 'todo'],
      ['non commencé', 'todo'],
      ['bloqué', 'blocked'],
      ['en attente', 'blocked'],
      ['proposé', 'blocked'],
      ['annulé', 'cancelled'],
      ['abandonné', 'cancelled'],
    ],
  ],
  [
    'German',
    [
      ['erledigt', 'done'],
      ['fertig', 'done'],
      ['abgeschlossen', 'done'],
      ['in arbeit', 'in_progress'],
      ['in bearbeitung', 'in_progress'],
      ['in prüfung', 'review'],
      ['offen', 'todo'],
      ['geplant', 'todo'],
      ['ausstehend', 'todo'],
      ['blockiert', 'blocked'],
      ['wartend', 'blocked'],
      ['pausiert', 'blocked'],
      ['zurückgestellt', 'blocked'],
      ['vorgeschlagen', 'blocked'],
      ['abgebrochen', 'cancelled'],
      ['verworfen', 'cancelled'],
    ],
  ],
];

const WORDS: Array<[string, StatusCategory]> = [
  // English, longest phrases first where they share a prefix.
  ['not started', 'todo'],
  ['to do', 'todo'],
  ['todo', 'todo'],
  ['open', 'todo'],
  ['pending', 'todo'],
  ['ready for a contributor', 'todo'],
  ['ready', 'todo'],
  ['new', 'todo'],
  ['backlog', 'todo'],
  ['queued', 'todo'],
  ['planned', 'todo'],
  ['available', 'todo'],
  ['unclaimed', 'todo'],
  ['reopened', 'todo'],
  ['next up', 'todo'],
  ['next', 'todo'],
  // Open work whose work is to write stories (`model/build.ts` flags it for planning).
  ['needs decomposition', 'todo'],
  ['needs breakdown', 'todo'],
  ['blocked', 'blocked'],
  ['on hold', 'blocked'],
  ['hold', 'blocked'],
  ['waiting', 'blocked'],
  ['paused', 'blocked'],
  ['deferred', 'blocked'],
  ['stuck', 'blocked'],
  ['parked', 'blocked'],
  ['in progress', 'in_progress'],
  ['inprogress', 'in_progress'],
  ['wip', 'in_progress'],
  ['doing', 'in_progress'],
  ['active', 'in_progress'],
  ['started', 'in_progress'],
  ['ongoing', 'in_progress'],
  ['working', 'in_progress'],
  ['claimed', 'in_progress'],
  ['claiming', 'in_progress'],
  ['claim', 'in_progress'],
  ['prep', 'in_progress'],
  ['partial', 'in_progress'],
  ['partially done', 'in_progress'],
  ['in development', 'in_progress'],
  ['implementing', 'in_progress'],
  ['in review', 'review'],
  ['needs review', 'review'],
  ['ready for review', 'review'],
  ['awaiting review', 'review'],
  ['team review', 'review'],
  ['review', 'review'],
  ['reviewing', 'review'],
  ['verify', 'review'],
  ['verifying', 'review'],
  ['testing', 'review'],
  ['qa', 'review'],
  ['pr open', 'review'],
  ['done', 'done'],
  ['complete', 'done'],
  ['completed', 'done'],
  ['finished', 'done'],
  ['merged', 'done'],
  ['shipped', 'done'],
  ['closed', 'done'],
  ['resolved', 'done'],
  ['verified', 'done'],
  ['fixed', 'done'],
  ['passed', 'done'],
  ['delivered', 'done'],
  ['landed', 'done'],
  ['cancelled', 'cancelled'],
  ['canceled', 'cancelled'],
  ['dropped', 'cancelled'],
  ["won't do", 'cancelled'],
  ['wont do', 'cancelled'],
  ['wontfix', 'cancelled'],
  ["won't fix", 'cancelled'],
  ['abandoned', 'cancelled'],
  ['skipped', 'cancelled'],
  ['obsolete', 'cancelled'],
  ['superseded', 'cancelled'],
  ['rejected', 'cancelled'],
  ['removed', 'cancelled'],
  ['n/a', 'cancelled'],
  // Words of a status not yet accepted as work: proposed, suggested, an idea (a hold: not ready).
  ['proposed', 'blocked'],
  ['proposal', 'blocked'],
  // Other languages queue files are written in, and their neighbours.
  ...LANGUAGES.flatMap(([, words]) => words),
  // Neighbours: Swedish, Turkish, Italian.
  ['klar', 'done'],
  ['tamamlandı', 'done'],
  ['completato', 'done'],
  ['pågår', 'in_progress'],
  ['devam ediyor', 'in_progress'],
  ['in corso', 'in_progress'],
  ['granskning', 'review'],
  ['ej påbörjad', 'todo'],
  ['att göra', 'todo'],
  ['bekliyor', 'todo'],
  ['da fare', 'todo'],
  ['blockerad', 'blocked'],
  ['beklemede', 'blocked'],
  ['bloccato', 'blocked'],
  ['annullato', 'cancelled'],
];
const PHRASES = [...WORDS].sort((a, b) => b[0].length - a[0].length);

/** The grammar's English status words (for {@link nativeWord}'s count of a file's languages). */
const ENGLISH: ReadonlySet<string> = (() => {
  const foreign = new Set(LANGUAGES.flatMap(([, words]) => words.map(([w]) => w)));
  return new Set(WORDS.map(([w]) => w).filter((w) => !foreign.has(w) && /^[a-z][a-z '/-]*$/.test(w)));
})();

/**
 * The blocked words that say a story waits (`[BLOCKED]`, `Waiting`, `⛔`, `Заблокировано`), lower
 * case: written without a reason, they wait on the story's dependencies, and the story is ready
 * once those are done (the follow step writes it back to todo). Every other blocked word, the
 * file's or the team's own included (`On hold`, `Parked`, `Proposed`, `⏸️`, a legend's `BACKLOG` —
 * "not yet ready"), says the story itself is held, whatever its dependencies.
 */
const WAITS = new Set([
  'blocked',
  'waiting',
  'stuck',
  'ブロック',
  '待ち',
  '阻塞',
  '受阻',
  '차단',
  'заблокировано',
  'блокировано',
  'ожидает',
  'bị chặn',
  'đang chờ',
  'bloqueado',
  'en espera',
  'em espera',
  'bloqué',
  'en attente',
  'blockiert',
  'wartend',
  'blockerad',
  'beklemede',
  'bloccato',
  '🔴',
  '⛔',
  '🚫',
  '🛑',
  '⚠️',
  '⚠',
  '🧱',
]);

/**
 * Whether a blocked status without a reason waits on the story's dependencies (its word is one of
 * {@link WAITS}) rather than holding the story itself (`On hold`, `Proposed`, `Parked`). False for
 * any other status, and for a blocked status that gives a reason (a reason is a hold).
 */
export function waitsOnDependencies(status: Status): boolean {
  return status.category === 'blocked' && status.reason === null && WAITS.has(status.token.toLowerCase());
}

const EMOJI: Array<[string, StatusCategory]> = [
  ['✅', 'done'],
  ['✔️', 'done'],
  ['✔', 'done'],
  ['☑️', 'done'],
  ['☑', 'done'],
  ['✓', 'done'],
  ['🎉', 'done'],
  ['🏁', 'done'],
  ['🔄', 'in_progress'],
  ['🚧', 'in_progress'],
  ['🏗️', 'in_progress'],
  ['🏗', 'in_progress'],
  ['🔨', 'in_progress'],
  ['⚙️', 'in_progress'],
  ['🟡', 'in_progress'],
  ['🟠', 'in_progress'],
  ['👷', 'in_progress'],
  ['▶️', 'in_progress'],
  ['⏳', 'todo'],
  ['⌛', 'todo'],
  ['🔲', 'todo'],
  ['⬜', 'todo'],
  ['☐', 'todo'],
  ['◻️', 'todo'],
  ['⚪', 'todo'],
  ['🆕', 'todo'],
  ['🟢', 'todo'],
  ['📋', 'todo'],
  ['🕐', 'todo'],
  ['🔜', 'todo'],
  ['🔴', 'blocked'],
  ['⛔', 'blocked'],
  ['🚫', 'blocked'],
  ['🛑', 'blocked'],
  ['⏸️', 'blocked'],
  ['⏸', 'blocked'],
  ['⚠️', 'blocked'],
  ['🧱', 'blocked'],
  ['👀', 'review'],
  ['🔍', 'review'],
  ['🧪', 'review'],
  ['🔎', 'review'],
  ['❌', 'cancelled'],
  ['✖️', 'cancelled'],
  ['✖', 'cancelled'],
  ['🗑️', 'cancelled'],
  ['🗑', 'cancelled'],
];

/** The emoji queue writes for each category in a file that writes emoji: the first the grammar lists for it. */
export const WRITTEN_EMOJI = Object.fromEntries(
  (['todo', 'blocked', 'in_progress', 'review', 'done', 'cancelled'] as const).map((c) => [c, EMOJI.find(([, k]) => k === c)![0]]),
) as Record<Exclude<StatusCategory, 'unknown'>, string>;

/** Whether `text` starts with a status emoji of the grammar (`✅ Shipped the parser`). */
export function startsWithStatusEmoji(text: string): boolean {
  return EMOJI.some(([e]) => text.startsWith(e));
}

const DATE = /\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?\b/g;

/** The status of a cell that reads as none: `raw` kept as read. */
export function unknownStatus(raw: string): Status {
  return { category: 'unknown', raw, token: '', claimant: null, reason: null };
}

/** Scripts whose words are set apart by spaces: a phrase ending in one of their letters must end a
 * word (`done` is not `doneness`, `готово` not `готовность`). Chinese, Japanese and Korean words run on. */
const SPACED = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{N}]/u;

/** Match a status phrase at the start of `s` (already folded): the team's words first (`team`,
 * longest first), then the grammar's. Returns [phrase, category] or null. */
function leadingPhrase(s: string, team: ReadonlyArray<readonly [string, StatusCategory]> = []): [string, StatusCategory] | null {
  for (const table of [team, PHRASES]) {
    for (const [p, cat] of table) {
      if (s.startsWith(p)) {
        const next = s.charAt(p.length);
        if (next === '' || !/[\p{L}\p{N}]/u.test(next) || !SPACED.test(p.charAt(p.length - 1))) return [p, cat];
      }
    }
  }
  return null;
}

/**
 * What a claimant or reason written as `text` reads back as in a status (`[BLOCKED: text]`,
 * `[IN PROGRESS: text]`): the text without a date, its runs of white space made one space, and
 * without the separators (`,;:—–-`) it starts or ends with; null when nothing is left. A writer
 * compares it with `text` to refuse a name or reason that would not read back as given.
 */
export function argumentAsRead(text: string): string | null {
  return argument(`: ${text}`, false);
}

/** Turn the text after a keyword into a claimant or reason. */
function argument(rest: string, dash: boolean): string | null {
  let r = rest.trim();
  // An emoticon (`Done :( regressed once`) is a note, not a colon before a name.
  if (/^:-?[()DPp/\\|](?:\s|$)/.test(r)) return null;
  const paren = /^\(([^)]*)\)/.exec(r);
  if (paren) r = paren[1];
  else {
    const m = (dash ? /^(?::|—|–|-|by\b)\s*(.*)$/i : /^(?::|by\b)\s*(.*)$/i).exec(r);
    if (!m) return null;
    r = m[1];
  }
  r = r
    .replace(DATE, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,;:—–-]+|[\s,;:—–-]+$/g, '');
  return r === '' ? null : r;
}

/** The warning for a status word queue does not know: it stays `unknown`, never a guess, and the
 * message names the config key that teaches it. */
export function unknownStatusMessage(raw: string): string {
  const word = raw
    .replace(/[*_`[\]]/g, '')
    .trim()
    .slice(0, 40);
  return `unrecognized status "${raw.slice(0, 60)}": it reads as unknown; to say what it means, set it in queue.config.json "statuses" (such as {"${word.replace(/"/g, "'")}": "blocked"}) or define it in a legend table (| State | Meaning |)`;
}

/** Struck-through text: `~~OPEN~~`, `~Todo~` (GFM's strikethrough, one tilde or two), and the
 * HTML elements GitHub strikes through (`<del>`, `<s>`, `<strike>`). */
const STRUCK = /(?<!~)(~~?)(?!~)(?=\S)[^~\n]*?[^\s~]\1(?!~)|<(del|s|strike)(?:\s[^<>]*)?>[\s\S]*?<\/\2\s*>/gi;

/**
 * What a status cell says once the statuses crossed out in it are left out (`~~OPEN~~ **DONE**`
 * says done, `~~In progress~~ ✅ Done` done, `~~Done~~ Reopened` reopened): the text after them,
 * its inline markup read, for {@link parseStatus}. Null when `source` (the cell as written) strikes
 * nothing through, or nothing else: then the cell says what its text says.
 */
export function unstruckStatus(source: string): string | null {
  if (!source.includes('~') && !/<(?:del|s|strike)\b/i.test(source)) return null;
  const left = source.replace(STRUCK, ' ').trim();
  if (left === '' || left === source.trim()) return null;
  return fastInlineText(left) ?? left.replace(/[*_`~]+/g, '').trim();
}

/**
 * Parse a status cell's plain text. Never throws; unrecognized text gives category `unknown`.
 * Claimant: `[IN PROGRESS: Dev 2]`, `IN PROGRESS (Dev 2)`, `CLAIMED by Dev 2`. Reason: `[BLOCKED: x]`,
 * `BLOCKED — x`.
 */
export function parseStatus(text: string, lexicon?: Lexicon): Status {
  const team = lexicon && lexicon.statuses.length > 0 ? lexicon : null;
  const memo = team ? team.memo : MEMO;
  let hit = memo.get(text);
  if (hit === undefined) {
    hit = Object.freeze(parseStatusUncached(text, team?.statuses ?? []));
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(text, hit);
  }
  return hit;
}

/** Marks after a status that say it again (`Done✅`), and the space before them, at the end of a text. */
const SAYS_AGAIN = /(?:\p{Extended_Pictographic}|\uFE0F|\u200D|\s)+$/u;

/**
 * Whether offset `at` of `source` lies inside a group the text closes after it: a parenthesis,
 * bracket, angle bracket or code span opened before `at` and closed after it. A note never begins
 * there (`TODO(Dev 1)` at its space, a link's URL `[DONE](https://x/1)`, a tag `<br>`). Groups nest:
 * one opened inside another and left open when that one closes (`[BLOCKED: p95 < 200ms]`,
 * `[BLOCKED: vendor :(]`) ends with it, and one never closed is text, not a group.
 */
function insideGroup(source: string, at: number): boolean {
  // The groups open at `at`, innermost last.
  const stack: string[] = [];
  let ticks = 0;
  for (let i = 0; i < at; i++) {
    const c = source[i];
    if (c === '`') ticks++;
    else if (OPENS.has(c)) stack.push(c);
    else if (CLOSES.has(c)) {
      const k = stack.lastIndexOf(CLOSES.get(c)!);
      if (k !== -1) stack.length = k;
    }
  }
  if (ticks % 2 === 1 && source.indexOf('`', at) !== -1) return true;
  if (stack.length === 0) return false;
  // A closer after `at` that nothing after `at` opened closes one of the groups open at `at`.
  const after: string[] = [];
  for (let i = at; i < source.length; i++) {
    const c = source[i];
    if (OPENS.has(c)) after.push(c);
    else if (CLOSES.has(c)) {
      const open = CLOSES.get(c)!;
      const k = after.lastIndexOf(open);
      if (k !== -1) after.length = k;
      else if (stack.includes(open)) return true;
    }
  }
  return false;
}

const OPENS = new Set(['(', '[', '<']);
const CLOSES = new Map([
  [')', '('],
  [']', '['],
  ['>', '<'],
]);

/**
 * Where the status ends in a status cell's source, and a note of the person's begins: `[IN PROGRESS:
 * Dev 1] since Mon` is the status `[IN PROGRESS: Dev 1]` and the note ` since Mon`; `**REOPENED — the
 * gap has widened.**` is `REOPENED` inside bold that runs on over the note. The status is the
 * shortest run of whole words from the start (after the cell's leading markup) that reads exactly
 * as the whole cell does (category, token, claimant, reason) and is followed by a space; the note is
 * the rest. Returns the status's span in `source`, what a status write replaces: from the cell's
 * start when its leading markup closes within the status (`**DONE** — specs`), else from after
 * that markup, which runs on over the note. Null when the whole cell is the status, or the cell
 * reads as no status.
 */
export function statusExtent(source: string, lexicon?: Lexicon): { start: number; end: number } | null {
  // A non-breaking space before the status (`&nbsp;Todo`) is the person's, kept whatever the status
  // becomes. (An image there is a badge that says the status: it goes with it.)
  const lead = /^\s*(?:(?:&nbsp;|&#160;)\s*)*/.exec(source)![0];
  const kept = /\S/.test(lead) ? lead.length : 0;
  // Read as the reader reads the cell: a non-breaking space is a space (`⬜&nbsp;Pending` is one
  // status), the same length, so offsets stay those of `source`.
  const spaced = source.replace(/&nbsp;|&#160;/g, (m) => ' '.repeat(m.length));
  const whole = parseStatus(spaced.slice(kept), lexicon);
  if (whole.category === 'unknown') return null;
  const same = (to: number) => {
    const s = parseStatus(spaced.slice(kept, to), lexicon);
    return s.category === whole.category && s.token === whole.token && s.claimant === whole.claimant && s.reason === whole.reason;
  };
  const allStatus = () => (kept ? { start: kept, end: source.trimEnd().length } : null);
  const open = /^\s*([*_]{1,3})?/.exec(source.slice(kept))!;
  const start = kept + open[0].length;
  // Where the status may end: before a space, or where a note is written on without one, right
  // after a bracket (`[ ]x`) or a word (`todo…`, `Done/merged`): before a character that is none of
  // a space, markup or code (`**DONE**`, `` `Todo` ``: the status's own), an HTML tag's or a link's
  // (`**Todo**<br>`, `[DONE](url)`), status punctuation, or an emoji (`Done✅`: it says the status
  // again, and goes with it). An HTML tag that opens (`Todo<br>needs review`, `Todo<sub>since
  // Mon</sub>`) or a comment (`Todo<!-- x -->`) always ends it, and so do a footnote reference
  // (`Todo[^1]`) and an HTML entity (`Todo&nbsp;x`, never cut inside: `&lt;b&gt;`): what follows is
  // the person's. A tag that closes (`</b>`) is markup the status may end inside.
  const words =
    /\s+|(?=<[A-Za-z][A-Za-z0-9-]*(?:[\s/][^>]*)?>|<!--|\[\^|&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)|(?<=\])(?=\S)(?![\][*_`<>(]|\p{Extended_Pictographic}|\uFE0F|\u200D)|(?<=[\p{L}\p{N}])(?=[^\s\p{L}\p{N}])(?![*_`<>\][:(),;.\-–—]|\p{Extended_Pictographic}|\uFE0F|\u200D)/gu;
  words.lastIndex = start;
  // Only the first few words: a status is short, and a long note is not searched word by word. The
  // boundaries inside a group (a reason's words) are not counted, up to a bound.
  for (let k = 0, seen = 0; k < 6 && seen < 48; k++, seen++) {
    const m = words.exec(source);
    if (m && m[0] === '') words.lastIndex++;
    if (!m) {
      // The status runs to the end of the text: a sentence's full stop after it (`- Статус:
      // запланировано.`) is the person's, as a note would be.
      const end = source.trimEnd().length;
      if (open[1] === undefined && end - 1 > start && source[end - 1] === '.' && same(end - 1)) return { start, end: end - 1 };
      return allStatus();
    }
    if (m.index > start && insideGroup(source, m.index)) {
      k--;
      continue;
    }
    if (m.index <= start || !same(m.index)) continue;
    const rest = source
      .slice(m.index)
      .trim()
      .replace(/[*_]+$/, '')
      .trim();
    // Nothing after it but markup, or only marks that say the status again (`[DONE] ✅`): all status.
    if (rest === '' || /^(?:\p{Extended_Pictographic}|\uFE0F|\s)+$/u.test(rest)) return allStatus();
    // A separator after the status (`Done; shipped`) stays with the note.
    let end = m.index;
    while (end - 1 > start && ';:,.'.includes(source[end - 1]) && same(end - 1)) end--;
    // The leading markup closes within the status when it closes before the status's own marks
    // (`__TODO__✅`); a closer is its opener reversed (`**_TODO_**`).
    const closer = open[1] === undefined ? '' : [...open[1]].reverse().join('');
    const closes = open[1] !== undefined && source.slice(start, end).replace(SAYS_AGAIN, '').endsWith(closer);
    return { start: closes ? kept : start, end };
  }
  return null;
}

/**
 * The word a file writes `category` in when none of its statuses shows one, from the status words it
 * writes (`samples`, each as written): the team's own word for it (`lexicon`: the config's
 * `statuses`, a legend in the file), else the usual word for it of the language (`LANGUAGES`) most
 * samples are words of (a Russian file gets `в работе`, a Japanese one `進行中`); null when neither
 * says (the caller writes English).
 */
export function nativeWord(category: StatusCategory, samples: readonly string[], lexicon?: Lexicon): string | null {
  for (const [w, c] of lexicon?.statuses ?? []) if (c === category && /\p{L}/u.test(w)) return lexicon?.spelled.get(w) ?? w;
  // The language most of the samples are words of; English (null) when as many are English words.
  const votes = new Map<ReadonlyArray<[string, StatusCategory]>, number>();
  let english = 0;
  for (const sample of samples) {
    const word = fold(
      sample
        .replace(/\p{Extended_Pictographic}|\uFE0F|[*_`]/gu, '')
        .replace(/[.;:,]+$/, '')
        .replace(/\s*\(.*$/, ''),
    );
    if (ENGLISH.has(word)) english++;
    for (const [, words] of LANGUAGES) if (words.some(([w]) => w === word)) votes.set(words, (votes.get(words) ?? 0) + 1);
  }
  const [language, n] = [...votes].sort((x, y) => y[1] - x[1])[0] ?? [null, 0];
  if (language === null || english >= n) return null;
  return language.find(([, c]) => c === category)?.[0] ?? null;
}

/**
 * Status cells repeat (`[DONE]`, `[ ]`, `[IN PROGRESS: Dev 2]`): a queue of 10,000 rows has a few
 * dozen distinct ones. Results are frozen and shared, so callers must copy before changing one.
 */
const MEMO = new Map<string, Status>();
const MEMO_LIMIT = 4096;

type Team = ReadonlyArray<readonly [string, StatusCategory]>;

function parseStatusUncached(text: string, team: Team): Status {
  const raw = text.trim();
  if (raw === '') return unknownStatus(text);
  const s = raw.replace(/^[*_`\s]+|[*_`\s]+$/g, '');

  const bracket = /^\[([^\]]*)\]\s*(.*)$/s.exec(s);
  if (bracket) {
    const inner = bracket[1].trim();
    if (inner === '') return { category: 'todo', raw, token: '[ ]', claimant: null, reason: null };
    if (inner === 'x' || inner === 'X') return { category: 'done', raw, token: '[X]', claimant: null, reason: null };
    const parsed = parseWords(inner, raw, team);
    if (parsed.category !== 'unknown') return parsed;
    return unknownStatus(raw);
  }
  for (const [e, cat] of EMOJI) {
    if (s.startsWith(e)) {
      const rest = s.slice(e.length).replace(/^[\uFE0F\s]+/, '');
      if (rest) {
        const w = parseWords(rest, raw, team);
        if (w.category !== 'unknown') return w;
      }
      return { category: cat, raw, token: e, claimant: null, reason: cat === 'blocked' && rest ? rest : null };
    }
  }
  return parseWords(s, raw, team);
}

function parseWords(s: string, raw: string, team: Team): Status {
  const folded = fold(s);
  const hit = leadingPhrase(folded, team);
  if (!hit) return unknownStatus(raw);
  const [phrase, category] = hit;
  // Find the rest in the original string: skip as many word characters as the phrase holds.
  const rest = restAfter(s, phrase);
  // `REOPENED then DONE — …`: the later status is the current one.
  // `Next / In progress`: a cell naming a second status is not claimable
  // work; the second one is read, so a story someone works on is never offered as ready.
  // `Todo → In progress`: an arrow says the same.
  const then = /^[*_`\s]*(?:[,;]\s*)?(?:(?:and\s+)?then\s+|(?:→|->|⟶|⇒|=>)\s*)(\S.*)$/is.exec(rest);
  if (then) {
    const later = parseWords(then[1], raw, team);
    if (later.category !== 'unknown') return later;
  }
  const slash = category === 'todo' ? /^[*_`\s]*\/[*_`\s]*(\S.*)$/s.exec(rest) : null;
  if (slash) {
    const other = parseWords(slash[1], raw, team);
    if (other.category !== 'unknown' && other.category !== 'todo') return other;
  }
  const arg = argument(rest, category !== 'done');
  const token = phrase.toUpperCase();
  if (category === 'blocked') return { category, raw, token, claimant: null, reason: arg };
  if (isClaimed(category) || category === 'done') return { category, raw, token, claimant: arg && arg.length <= 60 ? arg : null, reason: null };
  return { category, raw, token, claimant: null, reason: null };
}

const PHRASE_RE = new Map<string, RegExp>();

/** The part of `s` after the leading status phrase `phrase` (as folded by {@link fold}). */
function restAfter(s: string, phrase: string): string {
  let re = PHRASE_RE.get(phrase);
  if (!re) {
    const pattern = phrase.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/ /g, '[-_\\s]+');
    re = new RegExp(`^${pattern}`, 'iu');
    PHRASE_RE.set(phrase, re);
  }
  const m = re.exec(s.trimStart());
  return m ? s.trimStart().slice(m[0].length) : '';
}

/** Is the text a recognizable status (used to spot `[DONE] **5-3**` log rows)? */
export function isStatusText(text: string, lexicon?: Lexicon): boolean {
  return parseStatus(text, lexicon).category !== 'unknown';
}
