import type { Command } from 'commander';
import type { Run } from './main.js';

/** Declares `claimwatch classify` (evidence kind overrides). */
export function registerClassify(program: Command, run: Run): void {
  void program;
  void run;
}
