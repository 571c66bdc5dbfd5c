import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { partialFor, partialForStory, type StoryWrite } from '../../src/app/indexed-write.js';
import { handoffsNaming } from '../../src/app/handoff-files.js';
import { buildIndex, viewOf } from '../../src/app/index-cache.js';
import { DEFAULTS as DEFAULT_CONFIG, type QueueConfig } from '../../src/domain/config.js';
import { applyDecision } from '../../src/edit/apply.js';
import { decide, type Decision, type Operation } from '../../src/edit/decide.js';
import { storyJson } from '../../src/model/contract.js';
import { readQueue, type Queue } from '../../src/read/queue.js';
import { patchableRows } from '../../src/read/rows.js';
import { withFollow } from '../../src/reconcile/reconcile.js';
import { generateQueue } from '../../bench/generate.mjs';
import { corpusFiles, fixtureFiles, ROOT, tempDir, withoutCorpus } from '../helpers.js';

const BIN = join(ROOT, 'dist', 'queue.js');
const AGENTS = ['Dev 1', 'Dev 2'];

/** `op` on `queue`, as every write carries it out (decision, follow step, edit, proof and claim
 * rules): what it wrote and what it answers, or its refusal's code. */
async function writeOn(queue: Queue, op: Operation, config: QueueConfig) {
  let d: Decision;
  try {
    d = withFollow(queue, decide(queue, op, config.agents), config);
    const a = await applyDecision(queue, d, config);
    return { content: a.content, subject: d.subject, trailers: d.trailers, changes: d.changes, derived: a.derived, story: a.story && storyJson(a.story, a.after.graph) };
  } catch (e) {
    return { refused: (e as { code?: string }).code ?? String(e) };
  }
}

/** A claim by `agent` (of story `id`, or without one) on `queue` ({@link writeOn}). */
const claimOn = (queue: Queue, agent: string, config: QueueConfig, id?: string) => writeOn(queue, { op: 'claim', id, agent, maxClaims: config.maxClaims }, config);

/** The stories of `partial` are the full read's (dependencies of a story read for its status alone left unresolved). */
function expectFullStories(partial: Queue, full: Queue, name: string) {
  for (const s of partial.stories) {
    const was = full.graph.byId.get(s.id)!;
    const deps = s.deps.some((d) => d.id !== null) ? was.deps : was.deps.map((d) => ({ ...d, id: null }));
    expect(JSON.stringify(s), `${name}: ${s.id}`).toBe(JSON.stringify({ ...was, deps }));
  }
}

/**
 * For each of `texts`, for each agent, without an id and by the id of each of a file's first stories:
 * the claim on the partial queue the index gives (`app/indexed-write.ts`) writes and answers what
 * the claim on the queue read in full does (or is refused alike), and the partial queue's stories
 * are the full read's (dependencies of a dependency left unresolved). Returns how many claims the
 * partial queue decided.
 */
async function sameClaims(texts: Array<[string, string]>, config: QueueConfig = DEFAULT_CONFIG): Promise<number> {
  let partials = 0;
  for (const [name, text] of texts) {
    const bytes = Buffer.from(text);
    const full = await readQueue([{ file: 'WORK_QUEUE.md', bytes }], { vocabulary: config.vocabulary });
    const view = viewOf(buildIndex(full, 'key', patchableRows(full)));
    const ids = [undefined, ...full.stories.slice(0, 6).map((x) => x.id)];
    for (const agent of AGENTS) {
      for (const id of ids) {
        const partial = await partialFor(view, bytes, { root: '/nowhere', file: 'WORK_QUEUE.md', config }, agent, id);
        if (!partial) continue;
        partials++;
        expectFullStories(partial, full, name);
        const onPartial = await claimOn(partial, agent, config, id);
        const onFull = await claimOn(full, agent, config, id);
        // Refused alike, too (a refusal on a partial queue sends the claim to the full read,
        // git/transaction.ts, which then says it): a partial queue is made only where it decides exactly.
        expect(onPartial, `${name}: ${agent} ${id ?? ''}`).toEqual(onFull);
      }
    }
  }
  return partials;
}

const named = (files: string[]): Array<[string, string]> => files.map((f) => [f, readFileSync(f, 'utf8')]);

describe('a claim on the partial queue the index gives is the claim on the whole queue', () => {
  it('over generated queues, claim after claim (each claim adds done marks beside its dependencies)', async () => {
    let text = generateQueue(400);
    let partials = 0;
    const config = { ...DEFAULT_CONFIG, maxClaims: 100 };
    for (let k = 0; k < 12; k++) {
      partials += await sameClaims([[`claim ${k}`, text]], config);
      const queue = await readQueue([{ file: 'WORK_QUEUE.md', text }]);
      const d = withFollow(queue, decide(queue, { op: 'claim', agent: AGENTS[k % 2], maxClaims: 100 }), config);
      text = (await applyDecision(queue, d, config)).content;
    }
    expect(partials).toBeGreaterThanOrEqual(24);
  });

  it('in files whose conventions only the whole file shows (words, emoji, done marks, alignment, languages), and over the fixtures', async () => {
    const head = '# Q\n\n| Status | Story | Description | Depends On |\n|---|---|---|---|\n';
    const texts: Array<[string, string]> = [
      // The file writes words; the rows the claim reads show none in progress.
      ['words', `${head}| Done | A | a | None |\n| In progress (Dev 3) | B | b | None |\n| Todo | C | c | A |\n| Todo | D | d | None |\n`],
      ['emoji', `${head}| ✅ Done | A | a | None |\n| 🚧 In progress: Dev 3 | B | b | None |\n| ⬜ Todo | C | c | A |\n`],
      // Most Depends On cells write [DONE] beside done dependencies: the claim marks its own so.
      ['marks', `${head}| [DONE] | A | a | None |\n| [DONE] | B | b | A [DONE] |\n| [DONE] | E | e | A [DONE], B [DONE] |\n| [ ] | C | c | A, B |\n`],
      ['held', `${head}| [DONE] | A | a | None |\n| [IN PROGRESS: Dev 1] | B | b | None |\n| [ ] | C | c | A |\n`],
      // An aligned table: the claim keeps it aligned, measured over the rows around it.
      [
        'aligned',
        '# Q\n\n| Status     | Story | Title | Depends On |\n|------------|-------|-------|------------|\n| [DONE]     | A     | a     | None       |\n| [ ]        | B     | b     | A          |\n| [ ]        | C     | c     | None       |\n',
      ],
      // Owners, priorities and story files; statuses in bold and in code spans; a note after a status.
      [
        'columns',
        '# Q\n\n## Sprint\n\n| Status | ID | Title | Owner | Priority | Depends On | Story File |\n|---|---|---|---|---|---|---|\n| **[DONE]** | Q-1 | one | Dev 1 | P1 | — | `stories/q-1.md` |\n| `[ ]` | Q-2 | two | Dev 2 | P0 | Q-1 | `stories/q-2.md` |\n| [ ] — after the demo | Q-3 | three | | P2 | — | `stories/q-3.md` |\n| [ ] | Q-4 | four | Dev 1 | P1 | Q-1 ✅ | `stories/q-4.md` |\n',
      ],
      ['chinese', '# 队列\n\n| 状态 | 编号 | 标题 | 依赖 |\n|---|---|---|---|\n| 已完成 | T-1 | 一 | 无 |\n| 进行中 (Dev 3) | T-2 | 二 | 无 |\n| 待办 | T-3 | 三 | T-1 |\n'],
      // A story on a cycle that runs through a done story: refused alike (the cycle is not in the
      // rows a partial queue would read).
      ['cycle', `${head}| [ ] | A-1 | x | A-2 |\n| [DONE] | A-2 | y | A-1 |\n| [ ] | A-3 | z | None |\n`],
      // Two tables, the story the claim takes in the second; its dependency in the first.
      [
        'tables',
        `${head}| [DONE] | A | a | None |\n| [BLOCKED] | W | w | C |\n\n## Later\n\n| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [ ] | C | c | A |\n`,
      ],
    ];
    // The fixtures too, where their rows read alone: most hold what sends a claim to the full read
    // (legends, heading blocks, task items, parents, conflict markers, a byte order mark).
    expect(await sameClaims([...texts, ...named(fixtureFiles())])).toBeGreaterThanOrEqual(2 * texts.length - 2);
    // A generated block is rendered from every story on each write: no partial queue is made.
    const block = `# Q\n\n<!-- queue:ready -->\n<!-- /queue:ready -->\n\n${head.slice(5)}| [DONE] | A | a | None |\n| [ ] | B | b | A |\n| [ ] | C | c | None |\n| [ ] | D | d | C |\n`;
    expect(await sameClaims([['block', block]])).toBe(0);
    expect(await sameClaims([['block', block]], { ...DEFAULT_CONFIG, renderOnWrite: false })).toBe(10);
    // An agent at its claim limit: no partial queue is made (the full read refuses, with its
    // reasons). Dev 1 holds B, at a limit of 1; Dev 2's four claims (no id, A, B, C) are compared.
    const limited = await sameClaims([texts[3]], { ...DEFAULT_CONFIG, maxClaims: 1 });
    expect(limited).toBe(4);
  });

  overCorpus('claims', sameClaims, 11);
});

/** The differential test of `compare` (`sameClaims`, `sameBlocks`, `sameDones`) over every real
 * queue and rgrid version of ../shared/corpus, skipped without it: at least `least` writes of
 * `what` compared on partial queues. */
function overCorpus(what: string, compare: (texts: Array<[string, string]>) => Promise<number>, least: number): void {
  it.skipIf(withoutCorpus(`${what} on partial queues against ${what} on whole queues over ../shared/corpus`))(
    'over every real queue and rgrid version',
    async () => {
      const n = await compare(named(corpusFiles()));
      console.log(`${what} compared on partial queues over the corpus: ${n}`);
      expect(n).toBeGreaterThanOrEqual(least);
    },
    240_000,
  );
}

/**
 * For each of `texts`, `op` of each story it applies to (a done: each story held, in progress or in
 * review, the first ten; a block: the first twelve stories, with a reason), by the holder and by
 * another agent: the write on the partial queue the index gives writes and answers what it does on
 * the queue read in full (or is refused alike; as `queue done` carries it out without a handoff, its
 * follow step unblocking and marking the dependents), and the partial queue's stories are the full
 * read's. Returns how many writes a partial queue decided.
 */
async function sameStoryWrites(op: StoryWrite, texts: Array<[string, string]>, config: QueueConfig = DEFAULT_CONFIG): Promise<number> {
  let partials = 0;
  for (const [name, text] of texts) {
    const bytes = Buffer.from(text);
    const full = await readQueue([{ file: 'WORK_QUEUE.md', bytes }], { vocabulary: config.vocabulary });
    const view = viewOf(buildIndex(full, 'key', patchableRows(full)));
    const stories = op === 'done' ? full.stories.filter((x) => x.status.category === 'in_progress' || x.status.category === 'review').slice(0, 10) : full.stories.slice(0, 12);
    for (const story of stories) {
      const partial = await partialForStory(view, bytes, { root: '/nowhere', file: 'WORK_QUEUE.md', config }, op, story.id);
      if (!partial) continue;
      partials++;
      expectFullStories(partial, full, name);
      for (const agent of [story.claimant ?? 'Dev 1', 'Someone Else']) {
        const write = (q: Queue) => writeOn(q, op === 'done' ? { op, id: story.id, agent } : { op, id: story.id, agent, reason: 'vendor' }, config);
        expect(await write(partial), `${name}: ${op} ${story.id} by ${agent}`).toEqual(await write(full));
      }
    }
  }
  return partials;
}
const sameDones = (texts: Array<[string, string]>, config?: QueueConfig) => sameStoryWrites('done', texts, config);
const sameBlocks = (texts: Array<[string, string]>, config?: QueueConfig) => sameStoryWrites('block', texts, config);

describe('a block on the partial queue the index gives is the block on the whole queue', () => {
  it('over generated queues, files of other conventions and the fixtures', async () => {
    const head = '# Q\n\n| Status | Story | Description | Depends On |\n|---|---|---|---|\n';
    const texts: Array<[string, string]> = [
      ['generated', generateQueue(300)],
      ['words', `${head}| Done | A | a | None |\n| In progress (Dev 3) | B | b | A |\n| Blocked | C | c | B |\n| Todo | D | d | None |\n| Blocked: vendor | E | e | None |\n`],
      ['marks', `${head}| [DONE] | A | a | None |\n| [DONE] | E | e | A [DONE] |\n| [IN PROGRESS: Dev 2] | B | b | A |\n| [ ] | C | c | A [DONE], B |\n`],
      ['emoji', `${head}| ✅ Done | A | a | None |\n| 🚧 In progress: Dev 3 | B | b | A ✅ |\n| ⬜ Todo | C | c | B |\n`],
    ];
    expect(await sameBlocks([...texts, ...named(fixtureFiles())])).toBeGreaterThanOrEqual(20);
  });

  overCorpus('blocks', sameBlocks, 11);
});

describe('a done on the partial queue the index gives is the done on the whole queue', () => {
  it('over generated queues, claim after claim and done after done', async () => {
    let text = generateQueue(400);
    let partials = 0;
    const config = { ...DEFAULT_CONFIG, maxClaims: 100 };
    for (let k = 0; k < 16; k++) {
      const queue = await readQueue([{ file: 'WORK_QUEUE.md', text }]);
      const held = queue.stories.filter((x) => x.status.category === 'in_progress');
      // Two claims, then a done of the first story held: the queue moves as a team moves it.
      const op = k % 3 === 2 && held.length ? { op: 'done' as const, id: held[0].id, agent: held[0].claimant! } : { op: 'claim' as const, agent: AGENTS[k % 2], maxClaims: 100 };
      const d = withFollow(queue, decide(queue, op), config);
      text = (await applyDecision(queue, d, config)).content;
      partials += await sameDones([[`step ${k}`, text]], config);
    }
    expect(partials).toBeGreaterThanOrEqual(30);
  });

  it('in files whose conventions only the whole file shows, with dependents it unblocks and marks, and over the fixtures', async () => {
    const head = '# Q\n\n| Status | Story | Description | Depends On |\n|---|---|---|---|\n';
    const texts: Array<[string, string]> = [
      // Dependents written [BLOCKED] while they wait: released, one of them still waiting on another.
      [
        'waits',
        `${head}| [DONE] | A | a | None |\n| [IN PROGRESS: Dev 1] | B | b | A ✅ |\n| [BLOCKED] | C | c | B |\n| [BLOCKED] | D | d | B, E |\n| [ ] | E | e | None |\n| [BLOCKED: vendor] | F | f | B |\n`,
      ],
      ['words', `${head}| Done | A | a | None |\n| In progress (Dev 3) | B | b | A |\n| Blocked | C | c | B |\n| Todo | D | d | None |\n`],
      ['emoji', `${head}| ✅ Done | A | a | None |\n| 🚧 In progress: Dev 3 | B | b | A ✅ |\n| ⬜ Todo | C | c | B |\n`],
      [
        'marks',
        `${head}| [DONE] | A | a | None |\n| [DONE] | E | e | A [DONE] |\n| [IN PROGRESS: Dev 2] | B | b | A [DONE] |\n| [ ] | C | c | A [DONE], B |\n| [REVIEW: Dev 1] | G | g | B |\n`,
      ],
      // A to-do dependent that still waits on another story: whether it is written [BLOCKED] is
      // the whole file's convention, so no partial queue is made (the done is compared all the same).
      ['still waiting', `${head}| [IN PROGRESS: Dev 1] | B | b | None |\n| [ ] | C | c | B, E |\n| [ ] | E | e | None |\n`],
      ['chinese', '# 队列\n\n| 状态 | 编号 | 标题 | 依赖 |\n|---|---|---|---|\n| 已完成 | T-1 | 一 | 无 |\n| 进行中 (Dev 3) | T-2 | 二 | T-1 |\n| 待办 | T-3 | 三 | T-2 |\n'],
      [
        'tables',
        `${head}| [DONE] | A | a | None |\n| [IN PROGRESS: Dev 1] | W | w | A |\n\n## Later\n\n| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [BLOCKED] | C | c | W |\n`,
      ],
    ];
    expect(await sameDones([...texts, ...named(fixtureFiles())])).toBeGreaterThanOrEqual(texts.length);
    expect(await sameDones([texts[4]])).toBe(0);
    // A Completed log, which a done appends to: no partial queue.
    const logged = `${texts[0][1]}\n## Completed\n\n| Story | Description | Agent | Wave |\n|---|---|---|---|\n| [DONE] **A** | a | Dev 1 | 1 |\n`;
    expect(await sameDones([['log', logged]])).toBe(0);
    expect(await sameDones([['no log', texts[0][1]]])).toBe(1);
  });

  overCorpus('dones', sameDones, 1);
});

describe('what a claim on a partial queue answers about the whole file', () => {
  it('the handoffs for the story it took: one that names another story of the file as its own is not for it', async () => {
    const root = tempDir('queue-indexed-handoff-');
    mkdirSync(join(root, 'deployment', 'handoffs'), { recursive: true });
    writeFileSync(join(root, 'deployment', 'handoffs', '1-w.md'), '---\nfrom_agent: X\nto_agent: Y\nstory: W\nnotes: after C lands\n---\n');
    writeFileSync(join(root, 'deployment', 'handoffs', '2-c.md'), '---\nfrom_agent: X\nto_agent: Y\nnotes: C needs the keys\n---\n');
    const text = '# Q\n\n| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [DONE] | A | a | None |\n| [BLOCKED] | W | w | C |\n| [ ] | C | c | A |\n';
    const bytes = Buffer.from(text);
    const full = await readQueue([{ file: 'WORK_QUEUE.md', bytes }]);
    const partial = (await partialFor(viewOf(buildIndex(full, 'key', patchableRows(full))), bytes, { root, file: 'WORK_QUEUE.md', config: DEFAULT_CONFIG }, 'Dev 1'))!;
    expect(partial.stories.map((x) => x.id)).toEqual(['A', 'C']);
    const named = async (q: Queue) => (await handoffsNaming(root, 'deployment', 'C', q)).map((h) => h.file);
    expect(await named(partial)).toEqual(await named(full));
    expect(await named(full)).toEqual(['deployment/handoffs/2-c.md']);
  });
});

describe('queue claim through the index (built CLI, real repositories)', () => {
  it('writes, commits and answers what the claim that reads the whole file does, claim after claim', () => {
    const run = (dir: string, args: string[], env: Record<string, string> = {}) => {
      const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
      return { code: r.status, out: r.stdout.replace(/"commit":"[0-9a-f]+"/, '') };
    };
    const git = (dir: string, ...args: string[]) => {
      const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    const a = tempDir('queue-indexed-claim-');
    git(a, 'init', '-q', '-b', 'main');
    git(a, 'config', 'user.name', 'T');
    git(a, 'config', 'user.email', 't@example.com');
    writeFileSync(join(a, 'WORK_QUEUE.md'), generateQueue(300));
    writeFileSync(join(a, 'queue.config.json'), JSON.stringify({ maxClaims: 100 }));
    git(a, 'add', '.');
    git(a, 'commit', '-q', '-m', 'queue');
    const b = tempDir('queue-indexed-claim-');
    cpSync(a, b, { recursive: true });
    for (let k = 0; k < 6; k++) {
      const agent = ['--agent', AGENTS[k % 2], '--json'];
      // Claims by id too: the second ready story, and a story that is not ready (refused alike).
      if (k === 4) agent.unshift(JSON.parse(run(b, ['ready', '--json'], { QUEUE_NO_INDEX: '1' }).out).stories[1].id);
      if (k === 5) expect(run(a, ['claim', 'S-299', ...agent])).toEqual(run(b, ['claim', 'S-299', ...agent], { QUEUE_NO_INDEX: '1' }));
      // A ready between claims reads the file the claim before left (answered from the index it kept).
      if (k === 3) expect(run(a, ['ready', '--json']).out).toBe(run(b, ['ready', '--json'], { QUEUE_NO_INDEX: '1' }).out);
      const indexed = run(a, ['claim', ...agent]);
      const whole = run(b, ['claim', ...agent], { QUEUE_NO_INDEX: '1' });
      expect(indexed, `claim ${k}`).toEqual(whole);
      expect(indexed.code).toBe(0);
      // The third claim's story held with a reason by its holder, and a story no one holds.
      if (k === 2) {
        const held = /"story":\{"id":"([^"]+)"/.exec(indexed.out)![1];
        const open = JSON.parse(run(b, ['ready', '--json'], { QUEUE_NO_INDEX: '1' }).out).stories[0].id;
        for (const id of [held, open]) {
          const args = ['block', id, '--reason', 'waiting on the vendor', ...agent.slice(-3)];
          expect(run(a, args), `block ${id}`).toEqual(run(b, args, { QUEUE_NO_INDEX: '1' }));
        }
      }
      // Every other claim's story done: by its holder (unblocking and marking what depends on it),
      // and, first, by another agent (refused alike).
      if (k % 2 === 1) {
        const id = /"story":\{"id":"([^"]+)"/.exec(indexed.out)![1];
        const other = ['--agent', 'Dev 9', '--json'];
        expect(run(a, ['done', id, ...other]), `done ${id} by another`).toEqual(run(b, ['done', id, ...other], { QUEUE_NO_INDEX: '1' }));
        expect(run(a, ['done', id, ...agent.slice(-3)]), `done ${id}`).toEqual(run(b, ['done', id, ...agent.slice(-3)], { QUEUE_NO_INDEX: '1' }));
      }
    }
    expect(readFileSync(join(a, 'WORK_QUEUE.md'), 'utf8')).toBe(readFileSync(join(b, 'WORK_QUEUE.md'), 'utf8'));
    expect(git(a, 'log', '--format=%s%n%b')).toBe(git(b, 'log', '--format=%s%n%b'));
    // A byte changed in the index's story-file part (ids and lines) or its rows part (the rows'
    // tables, the whole file's status cells and marks) is never decided on: the claim reads the
    // file in full and keeps a new index, which the next claim answers from.
    const dir = join(a, '.git', 'queue', 'index');
    for (const part of ['story files', 'rows']) {
      expect(run(a, ['ready', '--json']).code).toBe(0);
      const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.v8') && !f.endsWith('.files.v8'))!);
      const bytes = readFileSync(file);
      // The header: the answer's, story-file part's and rows part's lengths, the answer's SHA-1.
      const [answer, files, rows] = [0, 4, 8].map((at) => bytes.readUInt32LE(at));
      expect(rows).toBeGreaterThan(0);
      bytes[part === 'rows' ? 32 + answer + files + (rows >> 1) : 32 + answer + (files >> 1)] ^= 0xff;
      writeFileSync(file, bytes);
      for (const agent of ['Dev 3', 'Dev 4']) {
        const indexed = run(a, ['claim', '--agent', agent, '--json']);
        expect([part, indexed.code, indexed]).toEqual([part, 0, run(b, ['claim', '--agent', agent, '--json'], { QUEUE_NO_INDEX: '1' })]);
      }
    }
    expect(readFileSync(join(a, 'WORK_QUEUE.md'), 'utf8')).toBe(readFileSync(join(b, 'WORK_QUEUE.md'), 'utf8'));
  });
});
