import fs from 'node:fs';
import type { Db } from '../store/db.js';
import { allQueries, doubleScreenedCount, importCount, reviewerDecisions, searchRuns, searchSends, taggedNotices } from '../store/methods.js';
import { listReasons } from '../store/reasons.js';
import { agreementFromLibrary, conflictsFromLibrary } from './team.js';
import { prismaFromLibrary } from './prisma.js';
import { screeningUse } from './screening.js';
import type { MethodsFacts, MethodsSearch } from '../evidence/methods.js';
export type { MethodsFacts } from '../evidence/methods.js';

function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Everything the methods paragraph says, read from the library: searches and runs, the flow, reviewers and their agreement. */
export function methodsFromLibrary(db: Db, opts: { since: string | null; sinceDay?: string | null; now: string }): MethodsFacts {
  const flow = prismaFromLibrary(db, opts);
  const sends = searchSends(db);
  const records = new Map(flow.databases.identified.bySearch.map((s) => [s.key, s.n]));
  const searches: MethodsSearch[] = allQueries(db).map((q) => {
    const mine = sends.filter((s) => s.query === q.name);
    const days = mine.map((s) => s.today).filter((t): t is string => t !== null).sort();
    return {
      name: q.name, term: q.term, description: q.description, removed: q.removed,
      runs: mine.length, succeeded: mine.filter((s) => s.status === 'ok').length,
      firstRun: days[0] ?? null, lastRun: days[days.length - 1] ?? null,
      unlimitedRuns: mine.filter((s) => !s.windowed).length, windowedRuns: mine.filter((s) => s.windowed).length,
      records: records.get(q.name) ?? 0,
    };
  });
  const runs = searchRuns(db);
  const nights = [...new Set(runs.map((r) => r.today).filter((t): t is string => t !== null))].sort();
  const reviewers = reviewerDecisions(db).filter((r) => r.name !== 'claimwatch');
  const names = reviewers.map((r) => r.name);
  const agreement = [];
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) agreement.push(agreementFromLibrary(db, { reviewers: [names[i]!, names[j]!] }));
  }
  const refreshed = runs.filter((r) => r.refreshOk);
  return {
    generatedAt: opts.now, since: opts.since, version: packageVersion(), searches,
    runs: {
      total: runs.length, nights: nights.length, ok: runs.filter((r) => r.status === 'ok').length, failed: runs.filter((r) => r.status !== 'ok').length,
      first: nights[0] ?? null, last: nights[nights.length - 1] ?? null,
    },
    refresh: { runs: refreshed.length, maxChecked: Math.max(0, ...refreshed.map((r) => r.refreshChecked ?? 0)) },
    notices: taggedNotices(db),
    imports: importCount(db),
    flow, reviewers, doubleScreened: doubleScreenedCount(db), conflicts: conflictsFromLibrary(db, {}).length, agreement,
    reasons: listReasons(db).map((r) => ({ code: r.code, label: r.label })),
    screening: screeningUse(db),
  };
}
