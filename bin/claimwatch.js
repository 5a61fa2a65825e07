#!/usr/bin/env node
// Before any of claimwatch is loaded: V8's optimizing compiler inlines callees of up to 460 bytes of
// bytecode by default, and on a command that runs for seconds, compiling the big inlined functions costs
// more than they give back. A 20,000-record import spent 0.7 s of CPU in TurboFan on its 2 cores (0.33 s
// with only small callees inlined): 1.60-1.62 -> 1.53-1.55 s, CPU 2.78-2.80 -> 2.61-2.65 s; report --format
// json on 100,000 papers 0.79 -> 0.73 s (see README, Performance). The flag steers only which code gets
// optimized, never what it does. It is set here, first, while nothing is being compiled, and holds for the
// worker threads.
import v8 from 'node:v8';

v8.setFlagsFromString('--max-inlined-bytecode-size=60');
const { main } = await import('../dist/cli/main.js');

process.exitCode = await main(process.argv.slice(2));
