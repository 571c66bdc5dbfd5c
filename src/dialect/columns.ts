/**
 * Column roles from header synonyms, in the languages queue files are written in (English, French,
 * Spanish, German, Japanese, Korean, Chinese, Russian, Turkish, …). Pure.
 */
import { fold } from './normalize.js';

/** What a table column holds, from its header ({@link assignRoles}). */
export type Role = 'status' | 'id' | 'title' | 'deps' | 'owner' | 'storyFile' | 'priority' | 'effort' | 'wave';

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
    'situação',
  ],
  id: ['id', 'story id', 'task id', 'item id', 'story', 'key', 'ticket', '#', 'no', 'no.', 'nr', 'number', 'ref', '番号', '번호', 'номер', '编号', 'item', 'task'],
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
  ],
  storyFile: ['story file', 'task card', 'card', 'file', 'files', 'spec', 'spec file', 'link', 'path', 'doc', 'document', 'ファイル', '파일', '文件'],
  priority: ['priority', 'prio', 'p', '優先度', '우선순위', '优先级', 'priorité', 'prioridad', 'prioritet', 'öncelik'],
  effort: ['effort', 'estimate', 'size', 'points', 'sp', 'hours', 'est', 'est.', '工数', '견적', '工作量'],
  wave: ['wave', 'sprint', 'iteration', 'cycle', 'batch'],
};

/** Fold a header cell for lookup: markup, emoji and trailing colons removed. */
export function headerKey(text: string): string {
  return fold(text.replace(/[*_`:]/g, ' ').replace(/[^\p{L}\p{N}\s#./&'-]/gu, ' '));
}

/** Roles of each column, or null for "other". `id` and `title` never share a column. */
export function assignRoles(headers: string[]): Array<Role | null> {
  const keys = headers.map(headerKey);
  const roles: Array<Role | null> = keys.map(() => null);
  const take = (role: Role) => {
    const syn = SYNONYMS[role];
    let best = -1;
    let rank = Infinity;
    keys.forEach((k, i) => {
      if (roles[i] !== null) return;
      const r = syn.indexOf(k);
      if (r !== -1 && r < rank) {
        best = i;
        rank = r;
      }
    });
    if (best !== -1) roles[best] = role;
  };
  for (const role of ['status', 'deps', 'owner', 'priority', 'effort', 'wave', 'id', 'title', 'storyFile'] as Role[]) take(role);
  return roles;
}
