// A person editing the queue file by hand, as fast as a process can: `node hand-editor.mjs FILE N`
// makes N edits in a tight loop, each reading the file, appending the marker ` xK.` to story F's
// description and putting C back to [BLOCKED] (work for a watcher: C's dependency A is done, so a
// render unblocks it again). Even edits are written in place, odd ones saved as an editor does
// (a temp file renamed over the file).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const [file, n] = process.argv.slice(2);
for (let k = 0; k < Number(n); k++) {
  const text = readFileSync(file, 'utf8');
  const next = text.replace('| [ ] | **C** |', '| [BLOCKED] | **C** |').replace(/(\| \*\*F\*\* \| [^|]*?) \|/, `$1 x${k}. |`);
  if (next === text) throw new Error(`edit ${k}: story F not found`);
  if (k % 2 === 0) writeFileSync(file, next);
  else {
    writeFileSync(`${file}.save`, next);
    renameSync(`${file}.save`, file);
  }
}
