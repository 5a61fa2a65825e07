import type { Db } from '../store/db.js';
import { UsageError } from '../errors.js';
import { claimTagPmids, saveScreeningUse, screeningDecisions, screeningTexts, screeningUseRecord } from '../store/screening.js';
import type { ScreeningUse } from '../evidence/methods.js';
import { tfidfRows } from '../screening/features.js';
import { claimProbability } from '../screening/naive-bayes.js';
import { coldEstimate, Screening, type Estimate } from '../screening/screening.js';

/** The order the inbox and triage use: learned from the decisions (the default), or newest first. */
export type ScreeningOrder = 'ranked' | 'newest';

/** The fixed salt of the random sample's order in a library, so every run draws the same sample. */
export const LIBRARY_SAMPLE_SALT = 20201521;

/** `--order`: ranked or newest. */
export function parseOrder(v: string | undefined): ScreeningOrder {
  if (v === undefined || v === 'ranked') return 'ranked';
  if (v === 'newest') return 'newest';
  throw new UsageError(`--order takes 'ranked' or 'newest', not '${v}'`);
}

/**
 * The estimate while there is not yet a tag and a dismissal to learn from, or null once there is: read from
 * the decisions alone, so a library waiting for its first decisions never pays for building the ranking.
 */
export function coldLibraryEstimate(db: Db, reviewer?: string): Estimate | null {
  const decisions = screeningDecisions(db, reviewer);
  const found = decisions.filter((d) => d.label === 1).length;
  if (found > 0 && found < decisions.length) return null;
  const papers = db.prepare('SELECT count(*) FROM papers WHERE deleted_at IS NULL').pluck().get() as number;
  return coldEstimate(decisions.length, found, papers - decisions.length);
}

/**
 * The ranking and the stopping advice over one library, kept in step with its decisions: built once
 * (the text of every paper), then refresh() after each decision re-reads the standing decisions and
 * re-ranks. `reviewer` restricts the learning to one reviewer's decisions (triage --blind).
 */
export class LibraryScreening {
  readonly screening: Screening;
  private readonly pmids: number[];
  private readonly rowOf = new Map<number, number>();
  private byClaim = new Map<string, number[]>();

  constructor(private readonly db: Db, private readonly reviewer?: string) {
    const texts = screeningTexts(db);
    this.pmids = texts.map((t) => t.pmid);
    this.pmids.forEach((p, i) => this.rowOf.set(p, i));
    const rows = tfidfRows(texts.map((t) => ({
      title: t.title, abstract: t.abstract, mesh: JSON.parse(t.mesh) as string[],
      keywords: JSON.parse(t.keywords) as string[], publicationTypes: JSON.parse(t.publication_types) as string[],
    })));
    this.screening = new Screening(rows, this.pmids, { seed: LIBRARY_SAMPLE_SALT });
    this.refresh();
  }

  /** Re-reads the standing decisions and re-ranks: call it after every tag, dismissal or undo. */
  refresh(): void {
    const decisions = screeningDecisions(this.db, this.reviewer)
      .filter((d) => this.rowOf.has(d.pmid))
      .map((d) => ({ row: this.rowOf.get(d.pmid)!, label: d.label }));
    this.screening.setDecisions(decisions);
    this.byClaim = new Map();
    for (const t of claimTagPmids(this.db, this.reviewer)) {
      const row = this.rowOf.get(t.pmid);
      if (row === undefined) continue;
      const list = this.byClaim.get(t.claim);
      if (list) list.push(row);
      else this.byClaim.set(t.claim, [row]);
    }
  }

  /** True once there is a tag and a dismissal to learn from. */
  get ready(): boolean {
    return this.screening.ranker.ready;
  }

  /** The PMIDs in screening order (see Screening.order); PMIDs the library does not rank keep their place at the end. */
  order(pmids: readonly number[]): number[] {
    const rows = pmids.filter((p) => this.rowOf.has(p)).map((p) => this.rowOf.get(p)!);
    return [...this.screening.order(rows).map((r) => this.pmids[r]!), ...pmids.filter((p) => !this.rowOf.has(p))];
  }

  /** The first of `pmids` in screening order that `skip` leaves, or undefined. */
  next(pmids: readonly number[], skip: (pmid: number) => boolean): number | undefined {
    const rows = pmids.filter((p) => this.rowOf.has(p)).map((p) => this.rowOf.get(p)!);
    const row = this.screening.next(rows, (r) => skip(this.pmids[r]!));
    return row === undefined ? pmids.find((p) => !this.rowOf.has(p) && !skip(p)) : this.pmids[row];
  }

  /** How likely the paper is to matter (0-1), or null before there is a tag and a dismissal. */
  score(pmid: number): number | null {
    const row = this.rowOf.get(pmid);
    return row === undefined ? null : this.screening.score(row);
  }

  estimate(): Estimate {
    return this.screening.estimate();
  }

  /**
   * For each claim with at least one tag, the probability that the paper bears on it: that claim's
   * tagged papers against every other screened one, by the same balanced naive Bayes.
   */
  claimScores(pmid: number): Map<string, number> {
    const out = new Map<string, number>();
    const row = this.rowOf.get(pmid);
    if (row === undefined) return out;
    const screened = this.screening.ranker.screenedSums(row);
    for (const [claim, tagged] of this.byClaim) {
      const positives = tagged.filter((r) => r !== row);
      if (positives.length === 0 || screened.count - positives.length <= 0) continue;
      out.set(claim, claimProbability(this.screening.rows, row, positives, screened));
    }
    return out;
  }
}

/** The record of ranked screening triage keeps for the methods paragraph; null before any ranked decision. */
export function screeningUse(db: Db): ScreeningUse | null {
  const raw = screeningUseRecord(db);
  return raw ? (JSON.parse(raw) as ScreeningUse) : null;
}

/**
 * Notes one triage decision made in ranked order, and the stopping advice after it, so `methods` can say
 * how the screening was ordered and when stopping was first advised: with numbers, not assumptions.
 */
export function recordRankedDecision(db: Db, at: string, after: Estimate): void {
  const day = at.slice(0, 10);
  const was = screeningUse(db);
  const use: ScreeningUse = was
    ? { ...was, rankedDecisions: was.rankedDecisions + 1, lastRanked: day }
    : { rankedDecisions: 1, firstRanked: day, lastRanked: day, stopAdvisedAt: null, screenedAtStop: null };
  if (after.stop && use.stopAdvisedAt === null) {
    use.stopAdvisedAt = day;
    use.screenedAtStop = after.screened;
  }
  saveScreeningUse(db, JSON.stringify(use));
}
