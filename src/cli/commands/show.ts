/** `queue show ID`: one story with its dependencies, dependents, occurrences, agents and handoffs. */
import type { Command } from 'commander';
import { globals, human, open, printJson } from '../context.js';

/** Add `queue show` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  program
    .command('show')
    .description('one story in full')
    .argument('<id>', 'story id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const q = await open(cmd, true, true);
      // Loaded here: the decision records it reads need the YAML parser, which other commands never load.
      const { showStory } = await import('../../app/show.js');
      const { story: s, dependents, agents, handoffs, decisions, diagnostics, json } = showStory(q, id);
      const g = q.graph;
      if (globals(cmd).json) {
        printJson(json);
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
      if (s.needsDecomposition) out.push(`planning   needs decomposition: its work is to write stories (queue ready --planning)`);
      const roll = g.rollup(s.id);
      if (roll) {
        const parts = Object.entries(roll.byCategory).map(([k, n]) => `${n} ${k}`);
        out.push(`children   ${roll.done}/${roll.total} done (${roll.percent}%): ${parts.join(', ')}`);
        for (const id of g.children(s.id)) {
          const k = g.byId.get(id)!;
          out.push(`  ${colorStatus(k.status.category, k.status.raw.padEnd(6))} ${c().bold(id)}  ${k.title}`);
        }
      }
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
