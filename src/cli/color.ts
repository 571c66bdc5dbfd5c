/** Whether the CLI prints ANSI colors: on unless `--no-color` was given (main.ts turns it off before any command runs). */
let color = true;
/** `--no-color`: called before any command runs (main.ts). */
export function disableColor(): void {
  color = false;
}
/** False after `--no-color`; picocolors applies NO_COLOR, FORCE_COLOR and the TTY check itself. */
export function colorWanted(): boolean {
  return color;
}
