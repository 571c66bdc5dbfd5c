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
  ['next', 'todo'],
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
  // Other languages queue files are written in, and their neighbours.
  ['完了', 'done'],
  ['済', 'done'],
  ['完成', 'done'],
  ['已完成', 'done'],
  ['완료', 'done'],
  ['terminé', 'done'],
  ['fait', 'done'],
  ['hecho', 'done'],
  ['completado', 'done'],
  ['klar', 'done'],
  ['tamamlandı', 'done'],
  ['готово', 'done'],
  ['выполнено', 'done'],
  ['сделано', 'done'],
  ['erledigt', 'done'],
  ['fertig', 'done'],
  ['concluído', 'done'],
  ['feito', 'done'],
  ['進行中', 'in_progress'],
  ['対応中', 'in_progress'],
  ['作業中', 'in_progress'],
  ['进行中', 'in_progress'],
  ['진행중', 'in_progress'],
  ['진행 중', 'in_progress'],
  ['en cours', 'in_progress'],
  ['en progreso', 'in_progress'],
  ['pågår', 'in_progress'],
  ['devam ediyor', 'in_progress'],
  ['в работе', 'in_progress'],
  ['in arbeit', 'in_progress'],
  ['em andamento', 'in_progress'],
  ['未着手', 'todo'],
  ['未対応', 'todo'],
  ['待办', 'todo'],
  ['待处理', 'todo'],
  ['대기', 'todo'],
  ['à faire', 'todo'],
  ['a faire', 'todo'],
  ['pendiente', 'todo'],
  ['ej påbörjad', 'todo'],
  ['att göra', 'todo'],
  ['bekliyor', 'todo'],
  ['offen', 'todo'],
  ['открыто', 'todo'],
  ['pendente', 'todo'],
  ['保留', 'blocked'],
  ['阻塞', 'blocked'],
  ['ブロック', 'blocked'],
  ['차단', 'blocked'],
  ['bloqué', 'blocked'],
  ['bloqueado', 'blocked'],
  ['blockerad', 'blocked'],
  ['beklemede', 'blocked'],
  ['заблокировано', 'blocked'],
  ['blockiert', 'blocked'],
  ['レビュー', 'review'],
  ['검토', 'review'],
  ['en revisión', 'review'],
  ['granskning', 'review'],
  ['中止', 'cancelled'],
  ['取消', 'cancelled'],
  ['취소', 'cancelled'],
  ['annulé', 'cancelled'],
  ['cancelado', 'cancelled'],
];
const PHRASES = [...WORDS].sort((a, b) => b[0].length - a[0].length);

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

function unknown(raw: string): Status {
  return { category: 'unknown', raw, token: '', claimant: null, reason: null };
}

/** Match a status phrase at the start of `s` (already folded). Returns [phrase, category] or null. */
function leadingPhrase(s: string): [string, StatusCategory] | null {
  for (const [p, cat] of PHRASES) {
    if (s.startsWith(p)) {
      const next = s.charAt(p.length);
      if (next === '' || !/[\p{L}\p{N}]/u.test(next) || !/[a-z]/.test(p.charAt(p.length - 1))) return [p, cat];
    }
  }
  return null;
}

/** Turn the text after a keyword into a claimant or reason. */
function argument(rest: string, dash: boolean): string | null {
  let r = rest.trim();
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

/**
 * Parse a status cell's plain text. Never throws; unrecognized text gives category `unknown`.
 * Claimant: `[IN PROGRESS: Dev 2]`, `IN PROGRESS (Dev 2)`, `CLAIMED by Dev 2`. Reason: `[BLOCKED: x]`,
 * `BLOCKED — x`.
 */
export function parseStatus(text: string): Status {
  let hit = MEMO.get(text);
  if (hit === undefined) {
    hit = Object.freeze(parseStatusUncached(text));
    if (MEMO.size >= MEMO_LIMIT) MEMO.clear();
    MEMO.set(text, hit);
  }
  return hit;
}

/**
 * Status cells repeat (`[DONE]`, `[ ]`, `[IN PROGRESS: Dev 2]`): a queue of 10,000 rows has a few
 * dozen distinct ones. Results are frozen and shared, so callers must copy before changing one.
 */
const MEMO = new Map<string, Status>();
const MEMO_LIMIT = 4096;

function parseStatusUncached(text: string): Status {
  const raw = text.trim();
  if (raw === '') return unknown(text);
  const s = raw.replace(/^[*_`\s]+|[*_`\s]+$/g, '');

  const bracket = /^\[([^\]]*)\]\s*(.*)$/s.exec(s);
  if (bracket) {
    const inner = bracket[1].trim();
    if (inner === '') return { category: 'todo', raw, token: '[ ]', claimant: null, reason: null };
    if (inner === 'x' || inner === 'X') return { category: 'done', raw, token: '[X]', claimant: null, reason: null };
    const parsed = parseWords(inner, raw);
    if (parsed.category !== 'unknown') return parsed;
    return unknown(raw);
  }
  for (const [e, cat] of EMOJI) {
    if (s.startsWith(e)) {
      const rest = s.slice(e.length).replace(/^[\uFE0F\s]+/, '');
      if (rest) {
        const w = parseWords(rest, raw);
        if (w.category !== 'unknown') return w;
      }
      return { category: cat, raw, token: e, claimant: null, reason: cat === 'blocked' && rest ? rest : null };
    }
  }
  return parseWords(s, raw);
}

function parseWords(s: string, raw: string): Status {
  const folded = fold(s);
  const hit = leadingPhrase(folded);
  if (!hit) return unknown(raw);
  const [phrase, category] = hit;
  // Find the rest in the original string: skip as many word characters as the phrase holds.
  const rest = restAfter(s, phrase);
  // `REOPENED then DONE — …`: the later status is the current one.
  // `Next / In progress`: a cell naming a second status is not claimable
  // work; the second one is read, so a story someone works on is never offered as ready.
  const then = /^[*_`\s]*(?:[,;]\s*)?(?:and\s+)?then\s+(\S.*)$/is.exec(rest);
  if (then) {
    const later = parseWords(then[1], raw);
    if (later.category !== 'unknown') return later;
  }
  const slash = category === 'todo' ? /^[*_`\s]*\/[*_`\s]*(\S.*)$/s.exec(rest) : null;
  if (slash) {
    const other = parseWords(slash[1], raw);
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
export function isStatusText(text: string): boolean {
  return parseStatus(text).category !== 'unknown';
}
