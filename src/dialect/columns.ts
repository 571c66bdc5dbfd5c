/**
 * Column roles from header synonyms, in the languages queue files are written in (English, French,
 * Spanish, German, Japanese, Korean, Chinese, Russian, Turkish, …). Pure.
 */
import type { ColumnRole } from '../domain/config.js';
import { headerKey } from './vocabulary.js';

export { headerKey } from './vocabulary.js';

/** What a table column holds, from its header ({@link assignRoles}) or its cells ({@link inferRoles}). */
export type Role = ColumnRole;

const SYNONYMS: Record<Role, string[]> = {
  status: [
    'status',
    'state',
    'statut',
    'estado',
    'stato',
    'stand',
    'zustand',
    'ステータス',
    '状態',
    '進捗',
    '상태',
    'статус',
    'состояние',
    '状态',
    '狀態',
    'durum',
    'tillstånd',
    'stav',
    'trạng thái',
    'tình trạng',
    'situação',
    'état',
    'etat',
    'stan',
    '进度',
    '進度',
    '상태값',
    'статус задачи',
  ],
  id: [
    'id',
    'story id',
    'task id',
    'item id',
    'story',
    'key',
    'ticket',
    '#',
    'no',
    'no.',
    'nr',
    'number',
    'ref',
    '番号',
    '번호',
    'номер',
    '编号',
    '編號',
    'mã',
    'mã số',
    'código',
    'código id',
    'kennung',
    'identifiant',
    'идентификатор',
    'код',
    'item',
    'task',
  ],
  title: [
    'title',
    'description',
    'task',
    'summary',
    'name',
    'item',
    'work',
    'objective',
    'milestone',
    'feature',
    'issue',
    'finding',
    'project',
    'phase',
    'goal',
    'deliverable',
    'uppgift',
    'タスク',
    '内容',
    '項目',
    '항목',
    '작업',
    'tâche',
    'título',
    'titre',
    'aufgabe',
    '任务',
    '标题',
    '描述',
    'başlık',
    'görev',
    'descripción',
    'задача',
    'название',
    'описание',
    'skinny',
    'text',
    'tên',
    'công việc',
    'nhiệm vụ',
    'mô tả',
    'tiêu đề',
    '名称',
    '名稱',
    '任務',
    '標題',
    '内容',
    '件名',
    'タイトル',
    '名前',
    '제목',
    '이름',
    '내용',
    'tarea',
    'nombre',
    'descripcion',
    'tarefa',
    'título',
    'nome',
    'descrição',
    'descricao',
    'nom',
    'intitulé',
    'titel',
    'beschreibung',
    'bezeichnung',
    'komponente',
    'название задачи',
    'компонент',
    'работа',
  ],
  deps: [
    'depends on',
    'depends',
    'dependencies',
    'dependency',
    'deps',
    'blocked by',
    'requires',
    'prerequisites',
    'prereqs',
    'needs',
    '依存',
    '依存関係',
    '前提',
    '의존성',
    '선행',
    'зависимости',
    '依赖',
    '前置',
    'bağımlılık',
    'beroenden',
    'dépend de',
    'dépendances',
    'depende de',
    'dependencias',
    'dependências',
    'dependencia',
    'depende',
    'abhängigkeiten',
    'abhängig von',
    'voraussetzungen',
    'зависит от',
    'блокируется',
    'phụ thuộc',
    '依赖项',
    '依賴',
    '前置任务',
    '依存先',
    '선행 작업',
    '의존',
  ],
  owner: [
    'owner',
    'agent',
    'assignee',
    'assigned',
    'assigned to',
    'claimed by',
    'claimant',
    'dev',
    'developer',
    'who',
    '担当',
    '担当者',
    '담당',
    '담당자',
    '负责人',
    'исполнитель',
    'responsable',
    'ansvarig',
    'sorumlu',
    'ответственный',
    'người phụ trách',
    'phụ trách',
    '负责',
    '負責人',
    '担当者名',
    'responsável',
    'asignado',
    'verantwortlich',
    'zuständig',
  ],
  storyFile: ['story file', 'task card', 'card', 'file', 'files', 'spec', 'spec file', 'link', 'path', 'doc', 'document', 'ファイル', '파일', '文件'],
  priority: ['priority', 'prio', 'p', '優先度', '우선순위', '优先级', 'priorité', 'prioridad', 'prioritet', 'öncelik', 'приоритет', 'ưu tiên', '優先級', 'prioridade', 'priorität'],
  effort: ['effort', 'estimate', 'size', 'points', 'sp', 'hours', 'est', 'est.', '工数', '견적', '工作量'],
  wave: ['wave', 'sprint', 'iteration', 'cycle', 'batch'],
  parent: ['parent', 'parent id', 'parent story', 'parent task', 'epic', 'epic id', 'part of', 'belongs to', 'родитель', 'эпик', '親', '父任务', '상위'],
};

/** Each role's synonyms by rank (their first place in {@link SYNONYMS}): one lookup per header, not a search. */
const SYNONYM_RANK = Object.fromEntries(
  Object.entries(SYNONYMS).map(([role, words]) => {
    const rank = new Map<string, number>();
    words.forEach((w, i) => {
      if (!rank.has(w)) rank.set(w, i);
    });
    return [role, rank];
  }),
) as Record<Role, Map<string, number>>;

/** Roles of each column, or null for "other". `id` and `title` never share a column. `team`: the
 * config's `columns` (header key → role), which come before the synonyms. */
export function assignRoles(headers: string[], team?: ReadonlyMap<string, Role>): Array<Role | null> {
  const keys = headers.map(headerKey);
  const roles: Array<Role | null> = keys.map(() => null);
  if (team && team.size > 0) {
    keys.forEach((k, i) => {
      const r = team.get(k);
      if (r !== undefined && !roles.includes(r)) roles[i] = r;
    });
  }
  const take = (role: Role) => {
    const syn = SYNONYM_RANK[role];
    let best = -1;
    let rank = Infinity;
    keys.forEach((k, i) => {
      if (roles[i] !== null) return;
      const r = syn.get(k) ?? -1;
      if (r !== -1 && r < rank) {
        best = i;
        rank = r;
      }
    });
    if (best !== -1) roles[best] = role;
  };
  for (const role of ['status', 'deps', 'owner', 'priority', 'effort', 'wave', 'id', 'title', 'storyFile'] as Role[]) if (!roles.includes(role)) take(role);
  // A Parent or Epic column only beside an id or title column a header names: `| Epic | Status |`
  // lists epics (its first column is their title, found by content), it names no parents.
  if (!roles.includes('parent') && (roles.includes('id') || roles.includes('title'))) take('parent');
  return roles;
}

/** What the content of a table's columns says, beside their headers ({@link inferRoles}). */
export interface InferredRoles {
  roles: Array<Role | null>;
  /** Each role taken from the cells rather than the header, said as a person would check it
   * (`column 1 taken as title: header "Component" unknown`): info diagnostics of `queue validate`. */
  decisions: string[];
  /** Why the table is not a story table although a column reads as statuses (a report), or null. */
  notStories: string | null;
}

/** How one cell reads, for {@link inferRoles}: a status, a status with a word (not a bare mark). */
export interface CellReader {
  /** Whether the text reads as a status, and whether it holds a status word (`✅ Done`, not `✅` alone). */
  status(text: string): { status: boolean; word: boolean };
  /** Whether the text is id-shaped (`ORDER-001`, `5-3`, the config's `ids`). */
  id(text: string): boolean;
}

/** A priority cell (`P1`, `p0`, `High`, `Hoch`, `Высокий`, `高`): repeated, id-shaped or not, it is
 * never an id, nor a title. */
const PRIORITY_CELL =
  /^(?:p[0-5]|critical|high|medium|low|urgent|must|should|could|hoch|mittel|niedrig|kritisch|dringend|haute|moyenne|basse|élevée|faible|critique|alta|media|baja|média|crítica|высокий|средний|низкий|критический|срочно|高|中|低|緊急|높음|보통|낮음|긴급|cao|trung bình|thấp|khẩn cấp)$/iu;
/** Headers and headings of reports: results of checks, not work (`| Check | Result |` under
 * `## Test results`), in the languages queue reads (`| Prüfung | Ergebnis |`, `| Проверка | Итог |`,
 * `| 항목 | 결과 |`). */
const REPORT_HEADER =
  /^(?:check|checks|test|tests|result|results|outcome|verdict|gate|gates|metric|metrics|criterion|criteria|prüfung|prüfungen|ergebnis|ergebnisse|проверка|проверки|итог|итоги|результат|результаты|결과|검사|점검|resultado|resultados|prueba|pruebas|résultat|résultats|vérification|kết quả|kiểm tra|结果|結果|检查|検査|チェック)$/iu;
const REPORT_HEADING = /\b(?:report|results?|summary|health|checks?|gates?|verification|audit|metrics|scorecard|test(?:s|ing)? (?:status|results?)|build status|ci)\b/i;

/** Why a table whose roles came from its cells is a report, not work: it sits under a heading that
 * reports (`## Test results`, `## Gates`) or has a column of checks or results. Null when it is not. */
function reportOf(headers: string[], heading: string): string | null {
  if (REPORT_HEADING.test(heading)) return `under "${heading.slice(0, 60)}"`;
  const at = headers.findIndex((h) => REPORT_HEADER.test(headerKey(h)));
  return at === -1 ? null : `its column "${headers[at].trim()}" names checks or results`;
}

/** A table row as {@link inferRoles} reads it: its cells' texts. */
export type RowCells = { readonly cells: ReadonlyArray<{ readonly text: string }> };

/** Headers of prose columns: reasons and notes may start with a status word ("Deferred — …") but say
 * why, not where the work stands. Never a status column by content. */
const PROSE_HEADER = /^(?:reason|reasons|why|note|notes|comment|comments|remarks|rationale|details?|description|explanation|evidence|context|summary)$/i;

/** Cells of column `i`, trimmed, without the empty ones. */
function cellsOf(rows: readonly RowCells[], i: number): string[] {
  const out: string[] = [];
  for (const r of rows) {
    const t = (r.cells[i]?.text ?? '').trim();
    if (t !== '') out.push(t);
  }
  return out;
}

/**
 * Column roles from headers, then from the cells where the headers fall short. Pure.
 *
 * - **status**: with no status header, the one column (of those whose header has no role) most of
 *   whose non-empty cells read as statuses, at least one of them with a word (`✅ Done`, `⬜ Pending`;
 *   a matrix of bare ✅ and ❌ is a comparison, not work). Two such columns: a matrix, no story table.
 *   Under a heading that reports (`## Test results`), or beside a header that names a check or a
 *   result, such a column is a report's, not a story table's (`notStories`).
 * - **priority**: a column of `P1`, `High`, … cells, whatever its header: never an id.
 * - **id**: with none by header, a column whose cells are all id-shaped and unique (before the
 *   title column, when a header names the title).
 * - **title**: with none by header, the first remaining column of text.
 *
 * Every role taken from cells is a `decision`. `heading` is the table's innermost heading.
 */
export function inferRoles(headers: string[], rows: readonly RowCells[], read: CellReader, heading: string, team?: ReadonlyMap<string, Role>): InferredRoles {
  const roles = assignRoles(headers, team);
  const decisions: string[] = [];
  const name = (i: number) => `column ${i + 1} ("${headers[i].trim()}")`;
  const free = (i: number) => roles[i] === null && !priorities.has(i);
  let notStories: string | null = null;
  let priorities = new Set<number>();
  if (rows.length === 0) return { roles, decisions, notStories };
  if (!roles.includes('status')) {
    const candidates: number[] = [];
    headers.forEach((h, i) => {
      if (!free(i) || PROSE_HEADER.test(headerKey(h))) return;
      const cells = cellsOf(rows, i);
      if (cells.length === 0) return;
      let reads = 0;
      let words = 0;
      for (const c of cells) {
        const r = read.status(c);
        if (r.status) reads++;
        if (r.word) words++;
      }
      // Most cells read as statuses (a mark with an answer, `✅ Yes`, does not: a feature matrix),
      // and one of them says so in a word.
      if (reads * 2 > cells.length && words > 0) candidates.push(i);
    });
    if (candidates.length !== 1) return { roles, decisions, notStories };
    const at = candidates[0];
    const report = reportOf(headers, heading);
    if (report) {
      notStories = `${name(at)} reads as statuses, but the table is a report (${report}): not stories`;
      return { roles, decisions, notStories };
    }
    roles[at] = 'status';
    decisions.push(`${name(at)} taken as status: its cells read as statuses, header "${headers[at].trim()}" unknown`);
  }
  // Columns of priorities are never an id or a title, whatever their header.
  priorities = new Set<number>();
  headers.forEach((_, i) => {
    if (!free(i) || !PRIORITY_CELL.test((rows[0].cells[i]?.text ?? '').replace(/[*_`]/g, '').trim())) return;
    const cells = cellsOf(rows, i);
    if (cells.every((c) => PRIORITY_CELL.test(c.replace(/[*_`]/g, '')))) {
      priorities.add(i);
      if (!roles.includes('priority')) {
        roles[i] = 'priority';
        decisions.push(`${name(i)} taken as priority, not id: its cells are priorities ("${cells[0]}")`);
      }
    }
  });
  // Neither an id nor a title by header: the id column is one of unique ids, the title the first
  // column of text; a report's rows (checks, gates, results) are not work.
  if (!roles.includes('id') && !roles.includes('title') && roles.includes('status')) {
    const report = reportOf(headers, heading);
    if (report) {
      notStories = `the table has a status column but no id or title column, and it is a report (${report}): not stories`;
      return { roles, decisions, notStories };
    }
    const idAt = headers.findIndex((_, i) => {
      if (!free(i)) return false;
      const cells = cellsOf(rows, i).map((c) => c.replace(/[*_`]/g, ''));
      return cells.length === rows.length && cells.every((c) => read.id(c)) && new Set(cells).size === cells.length;
    });
    if (idAt !== -1) {
      roles[idAt] = 'id';
      decisions.push(`${name(idAt)} taken as id: its cells are unique ids, header unknown`);
    }
    const titleAt = headers.findIndex((_, i) => {
      if (!free(i)) return false;
      const cells = cellsOf(rows, i);
      return cells.length > 0 && cells.some((c) => /\p{L}{2}/u.test(c) && !read.id(c.replace(/[*_`]/g, '')));
    });
    if (titleAt !== -1) {
      roles[titleAt] = 'title';
      decisions.push(`${name(titleAt)} taken as title: header "${headers[titleAt].trim()}" unknown`);
    }
  } else if (!roles.includes('id') && roles.includes('status')) {
    // A title by header but no id (`| Status | Tâche | Description |`, a header in a language or a
    // word no synonym covers): a column before the title whose cells are all unique ids is the id.
    const titleAt = roles.indexOf('title');
    const idAt = headers.findIndex((_, i) => {
      if (!free(i) || i > titleAt) return false;
      const cells = cellsOf(rows, i).map((c) => c.replace(/[*_`]/g, ''));
      return cells.length === rows.length && cells.every((c) => read.id(c)) && new Set(cells).size === cells.length;
    });
    if (idAt !== -1) {
      roles[idAt] = 'id';
      decisions.push(`${name(idAt)} taken as id: its cells are unique ids, header "${headers[idAt].trim()}" unknown`);
    }
  } else if (!roles.includes('title') && roles.includes('status') && cellsOf(rows, roles.indexOf('id')).every((c) => read.id(c.replace(/[*_`]/g, '')))) {
    // An id by header, whose cells are ids, but no title (`| ID | Component | Status |`): the first
    // column of text after the id whose cells are all distinct is the title, else the first whose
    // cells are mostly distinct (a column of kinds, `Backend` on row after row, is none; nor is a
    // column of notes or reasons).
    const idAt = roles.indexOf('id');
    const text = (i: number, share: number) => {
      if (!free(i) || i < idAt || PROSE_HEADER.test(headerKey(headers[i]))) return false;
      const cells = cellsOf(rows, i);
      return cells.length > 0 && new Set(cells).size > cells.length * share && cells.some((c) => /\p{L}{2}/u.test(c) && !read.id(c.replace(/[*_`]/g, '')));
    };
    let titleAt = headers.findIndex((_, i) => text(i, 1 - 1e-9));
    if (titleAt === -1) titleAt = headers.findIndex((_, i) => text(i, 0.5));
    if (titleAt !== -1) {
      roles[titleAt] = 'title';
      decisions.push(`${name(titleAt)} taken as title: header "${headers[titleAt].trim()}" unknown`);
    }
  }
  // A title by header whose cells name other work (`| # | Finding | Task | Status |`, the Task cells
  // `P1.3`, `P0.4/P1.1`): a column of references, not titles, when a column without a role holds
  // the prose; that column is the title.
  const titleAt = roles.indexOf('title');
  if (titleAt !== -1 && roles.includes('status') && !team?.has(headerKey(headers[titleAt]))) {
    const prose = proseBeside(headers, rows, read, titleAt, free);
    if (prose !== -1) {
      roles[prose] = 'title';
      roles[titleAt] = null;
      decisions.push(`${name(prose)} taken as title: the cells of ${name(titleAt)} name other work ("${cellsOf(rows, titleAt)[0]}"), not titles`);
    }
  }
  return { roles, decisions, notStories };
}

/** Leading id of a cell (`P1.3`, `P0.4/P1.1`, `D11 + P4.1`, `fixed in P2.1` does not lead with one). */
const LEADING_REF = /^[*_`]*([^\s,;/+*_`]+)/;

/**
 * The column that holds titles beside `titleAt`, a column a header names as the title whose cells
 * are mostly references to other work (most of them lead with an id, none runs past a few words):
 * the first column without a role (`free`) whose cells are prose (most have three words or more,
 * none is id-shaped alone). -1 when the title column holds titles, or no column holds prose.
 */
function proseBeside(headers: string[], rows: readonly RowCells[], read: CellReader, titleAt: number, free: (i: number) => boolean): number {
  const cells = cellsOf(rows, titleAt);
  if (cells.length < 2) return -1;
  let refs = 0;
  for (const c of cells) {
    if (c.split(/\s+/).length > 4) return -1;
    const lead = LEADING_REF.exec(c)?.[1];
    if (lead && read.id(lead)) refs++;
  }
  if (refs * 2 <= cells.length) return -1;
  return headers.findIndex((_, i) => {
    if (i === titleAt || !free(i)) return false;
    const texts = cellsOf(rows, i);
    if (texts.length * 2 < cells.length) return false;
    let words = 0;
    for (const t of texts) {
      if (read.id(t.replace(/[*_`]/g, ''))) return false;
      if (t.split(/\s+/).length >= 3) words++;
    }
    return words * 2 > texts.length;
  });
}
