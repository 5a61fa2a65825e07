// Standalone runner: npx vite-node tests/fake-eutils/main.ts -- --port 8800 --today 2026/11/27
//   [--fault-rate 0.2] [--fault-kinds 429,500,truncated] [--searches file.json] [--seed N] [--cap N]
// Prints the base URL on stdout, logs one line per request on stderr, stops on SIGINT/SIGTERM.
import fs from 'node:fs';
import { ALL_FAULT_KINDS, FakeEutils, type FakeEutilsOptions, type FaultKind } from './server.js';

const USAGE =
  'usage: vite-node tests/fake-eutils/main.ts -- [--port N] [--today YYYY/MM/DD] [--fault-rate 0..1] ' +
  '[--fault-kinds k1,k2] [--searches file.json] [--seed N] [--cap N]';

function fail(msg: string): never {
  process.stderr.write(`${msg}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const args = argv.filter((a) => a !== '--');
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) fail(`unexpected argument: ${a}`);
    const value = m[2] ?? args[++i];
    if (value === undefined) fail(`--${m[1]} needs a value`);
    out[m[1]!] = value;
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const known = new Set(['port', 'today', 'fault-rate', 'fault-kinds', 'searches', 'seed', 'cap']);
  for (const k of Object.keys(args)) if (!known.has(k)) fail(`unknown option --${k}`);

  const opts: FakeEutilsOptions = {};
  if (args.today !== undefined) {
    if (!/^\d{4}\/\d{2}\/\d{2}$/.test(args.today)) fail('--today must be YYYY/MM/DD');
    opts.today = args.today;
  }
  if (args.seed !== undefined) opts.seed = Number(args.seed);
  if (args.cap !== undefined) opts.cap = Number(args.cap);
  if (args.searches !== undefined) {
    const parsed = JSON.parse(fs.readFileSync(args.searches, 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail('--searches must hold a JSON object {term: [pmid, …]}');
    opts.searches = parsed as Record<string, number[]>;
  }
  const port = args.port === undefined ? 0 : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port must be 0..65535');

  const fake = new FakeEutils(opts);
  if (args['fault-rate'] !== undefined) {
    const rate = Number(args['fault-rate']);
    if (!(rate >= 0 && rate <= 1)) fail('--fault-rate must be between 0 and 1');
    let kinds: FaultKind[] | undefined;
    if (args['fault-kinds'] !== undefined) {
      kinds = args['fault-kinds'].split(',').map((k) => k.trim()) as FaultKind[];
      for (const k of kinds) if (!ALL_FAULT_KINDS.includes(k)) fail(`unknown fault kind ${k} (one of ${ALL_FAULT_KINDS.join(', ')})`);
    }
    fake.randomFaults(rate, kinds);
  }

  const url = await fake.start(port);
  process.stdout.write(`${url}\n`);
  let logged = 0;
  const timer = setInterval(() => {
    for (; logged < fake.requests.length && fake.requests[logged]!.status !== 0; logged++) {
      const r = fake.requests[logged]!;
      const what = r.params.term ?? r.params.id ?? (r.params.WebEnv ? `WebEnv query_key=${r.params.query_key ?? ''}` : '');
      process.stderr.write(`${r.method} ${r.endpoint} ${r.status}${r.fault ? ` [${r.fault}]` : ''} ${what.slice(0, 120)}\n`);
    }
  }, 200);
  const stop = (): void => {
    clearInterval(timer);
    void fake.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
