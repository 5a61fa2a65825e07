import type { Command } from 'commander';
import type { Run } from './main.js';

/** Declares tags export / tags import (issue 4). */
export function registerExchange(program: Command, run: Run): void {
  void program;
  void run;
}
