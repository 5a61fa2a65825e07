import type { Db } from '../store/db.js';
import { allDismissals, allQueryNames, allSources, flowPapers, retractionTimes } from '../store/prisma.js';
import { tagEvents } from '../store/history.js';
import { listReasons } from '../store/reasons.js';
import { replay } from '../evidence/exchange.js';
import { buildPrismaFlow, type PrismaFlow, type PrismaPaper } from '../evidence/prisma.js';
import { parseSinceDate } from '../evidence/report-changes.js';
export type { PrismaFlow } from '../evidence/prisma.js';

/** The start of a local calendar day (YYYY-MM-DD) as an ISO instant. */
export function startOfLocalDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).toISOString();
}

/** Reads `--since` (YYYY-MM-DD or YYYY/MM/DD, local): the day and the instant the update starts; a bad date is a UsageError. */
export function parseFlowSince(raw: string | undefined): { since: string | null; sinceDay: string | null } {
  if (raw === undefined) return { since: null, sinceDay: null };
  const day = parseSinceDate(raw);
  return { since: startOfLocalDay(day), sinceDay: day };
}

/**
 * The PRISMA 2020 flow of the update that starts at `since` (an ISO instant; null: no previous version),
 * counted from the library: the previous version's studies are the papers a tag stood on at `since`
 * (replayed from the history, so a tag removed later still counts there), and every other box counts papers.
 */
export function prismaFromLibrary(db: Db, opts: { since: string | null; sinceDay?: string | null; now: string }): PrismaFlow {
  const since = opts.since === null ? Number.NEGATIVE_INFINITY : Date.parse(opts.since);
  const events = tagEvents(db);
  const byKey = new Map<string, typeof events>();
  const before = new Set<number>();
  const after = new Set<number>();
  for (const e of events) {
    if (Date.parse(e.at) < since) {
      if (e.action === 'tag' || e.action === 'retag' || e.action === 'dismiss') before.add(e.pmid);
      if (e.claim !== null) {
        const key = `${e.pmid}|${e.reviewer}|${e.claim}`;
        const list = byKey.get(key);
        if (list) list.push(e);
        else byKey.set(key, [e]);
      }
    } else {
      after.add(e.pmid);
    }
  }
  const retractedAt = retractionTimes(db);
  const taggedAtSince = new Set<number>();
  for (const list of byKey.values()) {
    const state = replay(list.map((e) => ({ ...e, reason: e.reason ?? undefined })));
    if (state?.kind === 'tag') taggedAtSince.add(list[0]!.pmid);
  }
  const tagged = new Set(db.prepare('SELECT DISTINCT pmid FROM tags').pluck().all() as number[]);
  const sources = new Map<number, { source: string; firstSeenAt: string }[]>();
  for (const s of allSources(db)) {
    const list = sources.get(s.pmid);
    if (list) list.push(s);
    else sources.set(s.pmid, [s]);
  }
  const dismissals = new Map<number, PrismaPaper['dismissals']>();
  for (const d of allDismissals(db)) {
    const list = dismissals.get(d.pmid) ?? [];
    list.push({ reasonCode: d.reasonCode, reason: d.reason, at: d.at });
    dismissals.set(d.pmid, list);
  }
  const papers: PrismaPaper[] = flowPapers(db).map((p) => {
    const r = retractedAt.get(p.pmid);
    // A paper already retracted at the start of the update was not counted in that version either. One that
    // came in retracted has no retraction event: it was retracted from the time it was added.
    const retractedThen = p.retracted && Date.parse(r ?? p.addedAt) < since;
    return {
      ...p,
      sources: sources.get(p.pmid) ?? [],
      previous: taggedAtSince.has(p.pmid) && !retractedThen,
      decidedBefore: before.has(p.pmid),
      changedSince: after.has(p.pmid),
      tagged: tagged.has(p.pmid),
      dismissals: dismissals.get(p.pmid) ?? [],
    };
  });
  return buildPrismaFlow({ since: opts.since, sinceDay: opts.sinceDay ?? null, generatedAt: opts.now, papers, searches: allQueryNames(db), reasons: listReasons(db) });
}
