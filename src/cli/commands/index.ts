/**
 * Every `queue` command, by name, in the order `queue --help` lists them. Each module adds its
 * command (with its subcommands, if any) to the program; main.ts adds them all, or, when the command
 * line starts with a command's name, only that one.
 */
import type { Command } from 'commander';
import { register as blocked } from './blocked.js';
import { register as graph } from './graph.js';
import { register as list } from './list.js';
import { register as ready } from './ready.js';
import { register as show } from './show.js';
import { register as stats } from './stats.js';
import { register as validate } from './validate.js';
import { register as claim } from './claim.js';
import { register as done } from './done.js';
import { register as release } from './release.js';
import { register as review } from './review.js';
import { register as block } from './block.js';
import { register as unblock } from './unblock.js';
import { register as reopen } from './reopen.js';
import { register as stale } from './stale.js';
import { register as add } from './add.js';
import { register as dep } from './dep.js';
import { register as diff } from './diff.js';
import { register as log } from './log.js';
import { register as hooks } from './hooks.js';
import { register as render } from './render.js';
import { register as watchCommand } from './watch.js';
import { register as handoff } from './handoff.js';
import { register as approve } from './approve.js';
import { register as reject } from './reject.js';
import { register as plan } from './plan.js';
import { register as decision } from './decision.js';
import { register as runCommand } from './run.js';
import { register as prompt } from './prompt.js';
import { register as mcp } from './mcp.js';
import { register as init } from './init.js';
import { register as completion } from './completion.js';

/** A command's name (the first word after `queue`) and the function that adds it to the program. */
export type CommandEntry = readonly [name: string, register: (program: Command) => void];

/** The commands, in `queue --help` order. */
export const COMMANDS: readonly CommandEntry[] = [
  ['list', list],
  ['ready', ready],
  ['blocked', blocked],
  ['show', show],
  ['graph', graph],
  ['stats', stats],
  ['plan', plan],
  ['validate', validate],
  ['claim', claim],
  ['done', done],
  ['release', release],
  ['review', review],
  ['approve', approve],
  ['reject', reject],
  ['block', block],
  ['unblock', unblock],
  ['reopen', reopen],
  ['stale', stale],
  ['add', add],
  ['dep', dep],
  ['diff', diff],
  ['log', log],
  ['hooks', hooks],
  ['render', render],
  ['watch', watchCommand],
  ['handoff', handoff],
  ['decision', decision],
  ['prompt', prompt],
  ['mcp', mcp],
  ['init', init],
  ['completion', completion],
  ['run', runCommand],
];
