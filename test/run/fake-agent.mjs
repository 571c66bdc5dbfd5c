#!/usr/bin/env node
// A fake coding agent for the `queue run` tests: argv `<story>`; what it does is the mode FAKE_PLAN
// (a JSON file: story → mode, "*" for the rest) gives the story. It appends `start` and `end` records
// to FAKE_LOG (JSON lines) so a test can check that no story is ever worked on by two agents at once.
//
// Modes: ok (commit a file, `queue done`), flaky (fail attempts 1 and 2, then ok), hang (sleep past
// any timeout), noop (exit 0 without done), crash (killed by a signal), fail (exit 3 always),
// blocker (first time: `queue add` a blocking story and `queue dep add`, exit 0; later: ok),
// slow (sleep FAKE_SLOW_MS, then ok), critical (ok, but print a FATAL line), conflict (commit a
// change of conflict.txt that conflicts with the shared branch).
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const story = process.argv[2];
const agent = process.env.QUEUE_AGENT;
const attempt = Number(process.env.QUEUE_RUN_ATTEMPT ?? '1');
const plan = process.env.FAKE_PLAN ? JSON.parse(readFileSync(process.env.FAKE_PLAN, 'utf8')) : {};
const mode = plan[story] ?? plan['*'] ?? 'ok';
const log = (event) => process.env.FAKE_LOG && appendFileSync(process.env.FAKE_LOG, `${JSON.stringify({ story, agent, attempt, event, t: Date.now(), pid: process.pid })}\n`);
const queue = (...args) => execFileSync(process.execPath, [process.env.FAKE_QUEUE_BIN, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const git = (...args) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function finish() {
  mkdirSync('work', { recursive: true });
  writeFileSync(join('work', `${story}.txt`), `${story} by ${agent}, attempt ${attempt}\n`);
  git('add', 'work');
  git('commit', '-q', '-m', `work on ${story}`);
  log('end');
  process.stdout.write(queue('done', story));
}

log('start');
console.log(`fake agent ${agent} on ${story}, attempt ${attempt}, mode ${mode}`);
switch (mode) {
  case 'ok':
    await finish();
    break;
  case 'slow':
    await sleep(Number(process.env.FAKE_SLOW_MS ?? '1000'));
    await finish();
    break;
  case 'flaky':
    if (attempt < 3) {
      console.error(`error: flaky failure on attempt ${attempt}`);
      log('end');
      process.exit(1);
    }
    await finish();
    break;
  case 'fail':
    console.error('error: this story always fails');
    log('end');
    process.exit(3);
    break;
  case 'hang': {
    // A grandchild in the same process group: the timeout must kill it too.
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 3600000)'], { stdio: 'ignore' });
    if (process.env.FAKE_STATE) appendFileSync(join(process.env.FAKE_STATE, 'grandchildren'), `${child.pid}\n`);
    process.on('SIGTERM', () => {
      log('end');
      process.exit(143);
    });
    await sleep(3_600_000);
    break;
  }
  case 'noop':
    console.log('did nothing');
    log('end');
    break;
  case 'crash':
    log('end');
    process.kill(process.pid, 'SIGKILL');
    break;
  case 'critical':
    console.log('FATAL: the database is gone');
    await finish();
    break;
  case 'conflict':
    // Someone else changes conflict.txt on the shared branch meanwhile; then this agent's own change.
    writeFileSync('conflict.txt', `changed on the shared branch during attempt ${attempt}\n`);
    git('commit', '-q', '-am', 'a change elsewhere');
    git('push', '-q', 'origin', 'HEAD:main');
    git('reset', '-q', '--hard', 'HEAD~1');
    writeFileSync('conflict.txt', `${agent} wrote this\n`);
    git('add', 'conflict.txt');
    git('commit', '-q', '-m', `conflicting work on ${story}`);
    log('end');
    process.stdout.write(queue('done', story));
    break;
  case 'blocker': {
    const marker = join(process.env.FAKE_STATE ?? '.', `blocked-${story}`);
    if (existsSync(marker)) {
      await finish();
      break;
    }
    writeFileSync(marker, '');
    queue('add', '--id', `${story}-B`, '--title', `Blocker found in ${story}`);
    queue('dep', 'add', story, `${story}-B`);
    log('end');
    break;
  }
  default:
    console.error(`unknown mode ${mode}`);
    process.exit(9);
}
