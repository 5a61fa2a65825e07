import type { Command } from 'commander';
import type { Run } from './main.js';

/** Declares claimwatch triage (issue 4). */
export function registerTriage(program: Command, run: Run): void {
  void program;
  void run;
}
