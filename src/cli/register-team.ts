import type { Command } from 'commander';
import type { Run } from './main.js';

/** Declares agreement, conflicts, log (issue 4). */
export function registerTeam(program: Command, run: Run): void {
  void program;
  void run;
}
