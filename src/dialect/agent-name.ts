/**
 * Which agent names queue writes into a status: the one rule claims, `ready --agent`, the MCP
 * server's `--agent` and every write share, so a name one of them takes the others take too.
 */
import { isAgentName } from '../domain/config.js';
import { QueueError } from '../domain/errors.js';
import { argumentAsRead } from './status.js';

/**
 * Refuse (QueueError `usage`, the message starting with `what`) an agent name queue cannot write:
 * one that could break a cell or forge a trailer (newlines, control characters, `|`, brackets, over
 * 60 characters), or one a status would not read back as given (`[IN PROGRESS: name]`: a leading
 * `-`, as an option taken for the name has, a date, a separator at either end, Markdown emphasis
 * or code marks).
 */
export function assertAgentName(name: string, what: string): void {
  if (!isAgentName(name)) throw new QueueError('usage', `${what} ${JSON.stringify(name)} is not allowed: one line, at most 60 characters, no | [ ]`);
  // Markup in a cell is read as markup: `**Dev**` reads back as Dev.
  if (/[*`]|~~|^_|_$/.test(name.trim()))
    throw new QueueError('usage', `${what} ${JSON.stringify(name)} is not allowed: Markdown would read its * \` ~~ or _ as emphasis or code, not as the name`);
  const read = argumentAsRead(name);
  if (read !== name.trim()) {
    throw new QueueError(
      'usage',
      `${what} ${JSON.stringify(name)} is not allowed: a status would read it back as ${JSON.stringify(read ?? '')} (no date, no leading or trailing , ; : -)`,
    );
  }
}
