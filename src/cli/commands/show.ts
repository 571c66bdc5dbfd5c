/** `queue show ID`: one story with its dependencies, dependents, occurrences, agents and handoffs. */
import type { Command } from 'commander';
import { QueueError } from '../../domain/errors.js';
import { globals, human, open, printJson } from '../context.js';
import { diagnosticJson, storyJson } from '../../model/contract.js';

/** The decision records the story names (its row, its story file). */
async function storyDecisions(cmd: Command, q: import('../../app/open.js').OpenedQueue, s: import('../../domain/types.js').Story) {
  const [{ locateQueueFile }, { decisionsFor }] = await Promise.all([import('../../app/locate.js'), import('../../app/decision-files.js')]);
  const g = globals(cmd);
  return decisionsFor(q.root, locateQueueFile({ cwd: g.C, file: g.file }).config.deploymentDir, q, s);
}

/** Add `queue show` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  program
    .command('show')
    .description('one story in full')
    .argument('<id>', 'story id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const q = await open(cmd, true, true);
      const s = q.graph.lookup(id);
      if (!s) throw new QueueError('not_found', `no story "${id}" in ${q.path}`, { id });
      const g = q.graph;
      const dependents = g.dependents.get(s.id) ?? [];
      const agents = (q.workspace?.agents ?? []).filter((a) => a.stories.includes(s.id));
      const handoffs = (q.workspace?.handoffs ?? []).filter((h) => h.stories.includes(s.id));
      const diagnostics = q.diagnostics.filter((d) => d.story === s.id);
      const decisions = await storyDecisions(cmd, q, s);
      if (globals(cmd).json) {
        printJson({
          story: {
            ...storyJson(s, g),
            sectionPath: s.sectionPath,
            owner: s.owner,
            priority: s.priority,
            effort: s.effort,
            wave: s.wave,
            fields: s.fields,
            parent: s.parent,
            checklist: s.checklist,
            waitingOn: g.waitingOn(s),
            dependents,
            occurrences: s.occurrences.map((o) => ({ file: o.file, line: o.line, column: o.column, kind: o.kind, rawStatus: o.status.raw })),
            agents: agents.map((a) => a.name),
            handoffs: handoffs.map((h) => ({ file: h.file, from: h.fromAgent, to: h.toAgent, timestamp: h.timestamp })),
            decisions: decisions.map((d) => ({ number: d.number, file: d.file, title: d.title, status: d.status })),
          },
          diagnostics: diagnostics.map(diagnosticJson),
        });
        return;
      }
      const { c, colorStatus } = await human();
      const out: string[] = [];
      out.push(`${c().bold(s.id)}  ${s.title}`);
      out.push(`status     ${colorStatus(s.status.category, s.status.raw)} (${s.status.category})${g.isReady(s) ? c().green('  ready') : ''}`);
      if (s.claimant) out.push(`claimant   ${s.claimant}`);
      if (s.owner && s.owner !== s.claimant) out.push(`owner      ${s.owner}`);
      if (s.sectionPath.length) out.push(`section    ${s.sectionPath.join(' › ')}`);
      out.push(`depends on ${s.deps.length ? s.deps.map((d) => `${d.id ?? d.ref}${g.satisfied(d) ? ' ✓' : ''}`).join(', ') : '—'}`);
      out.push(`dependents ${dependents.length ? dependents.join(', ') : '—'}`);
      for (const [k, v] of [
        ['priority', s.priority],
        ['effort', s.effort],
        ['wave', s.wave],
        ['story file', s.storyFile],
        ['parent', s.parent],
      ] as const) {
        if (v) out.push(`${k.padEnd(10)} ${v}`);
      }
      for (const [k, v] of Object.entries(s.fields)) if (v) out.push(`${k}: ${v}`);
      if (s.checklist.length) out.push(`checklist  ${s.checklist.filter((x) => x.done).length}/${s.checklist.length} ticked`);
      for (const x of s.checklist) out.push(`  ${x.done ? '[x]' : '[ ]'} ${x.text}`);
      for (const o of s.occurrences) out.push(c().dim(`at ${o.file}:${o.line}:${o.column} (${o.kind === 'log' && o.section ? 'listing' : o.kind}) ${o.status.raw}`));
      for (const a of agents) out.push(`agent      ${a.name}${a.progress !== null ? ` ${a.progress}%` : ''}${a.lastUpdated ? ` (updated ${a.lastUpdated})` : ''}`);
      for (const h of handoffs) out.push(`handoff    ${h.file} ${h.fromAgent ?? '?'} → ${h.toAgent ?? '?'}${h.timestamp ? ` ${h.timestamp}` : ''}`);
      for (const d of decisions) out.push(`decision   ${d.number} ${d.title}${d.status ? ` (${d.status})` : ''} ${c().dim(d.file)}`);
      for (const d of diagnostics) out.push(`${d.severity}: ${d.code} ${d.message}`);
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
