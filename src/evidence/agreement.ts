import { STANCES, type Claim, type Stance, type Tag } from './claims.js';
import { UsageError } from '../errors.js';

/** Cohen's kappa of two raters over one confusion matrix. */
export interface Kappa {
  /** Items both raters classified. */
  n: number;
  /** Row and column labels of `matrix`. */
  categories: string[];
  /** matrix[i][j]: items the first rater put in category i and the second in category j. */
  matrix: number[][];
  /** Observed agreement po: the share of items on the diagonal; null when n = 0. */
  observed: number | null;
  /** Agreement expected by chance pe: the sum over categories of the product of the two raters' shares; null when n = 0. */
  expected: number | null;
  /** (po - pe) / (1 - pe); null when it is undefined (n = 0, or pe = 1). */
  kappa: number | null;
  /** Why kappa is null, in words; null when it is defined. */
  undefinedReason: string | null;
}

/** Returns Cohen's kappa (Cohen 1960, doi:10.1177/001316446002000104) of a square confusion matrix. */
export function kappaFromMatrix(matrix: readonly (readonly number[])[], categories: readonly string[]): Kappa {
  const k = categories.length;
  if (matrix.length !== k || matrix.some((row) => row.length !== k)) throw new Error(`kappa needs a ${k}x${k} matrix`);
  const rows = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const cols = categories.map((_, j) => matrix.reduce((a, row) => a + row[j]!, 0));
  const n = rows.reduce((a, b) => a + b, 0);
  const copy = matrix.map((row) => [...row]);
  if (n === 0) {
    return { n, categories: [...categories], matrix: copy, observed: null, expected: null, kappa: null, undefinedReason: 'no paper was tagged by both reviewers' };
  }
  const diagonal = matrix.reduce((a, row, i) => a + row[i]!, 0);
  // Integer sums first, so pe = 1 is recognised exactly rather than through rounding.
  const chance = rows.reduce((a, r, i) => a + r * cols[i]!, 0);
  const observed = diagonal / n;
  const expected = chance / (n * n);
  if (chance === n * n) {
    return {
      n, categories: [...categories], matrix: copy, observed, expected, kappa: null,
      undefinedReason: 'expected agreement is 1: both reviewers gave every paper the same one stance, so kappa is 0/0',
    };
  }
  return { n, categories: [...categories], matrix: copy, observed, expected, kappa: (observed - expected) / (1 - expected), undefinedReason: null };
}

/** Returns the stance confusion matrix of paired stances (first reviewer's stance is the row). */
export function stanceMatrix(pairs: readonly (readonly [Stance, Stance])[]): number[][] {
  const m = STANCES.map(() => STANCES.map(() => 0));
  for (const [a, b] of pairs) m[STANCES.indexOf(a)]![STANCES.indexOf(b)]! += 1;
  return m;
}

/** One claim's agreement between the two reviewers. */
export interface ClaimAgreement extends Kappa {
  claim: string;
  slug: string;
}

/** Agreement of two reviewers per claim and over all the claims pooled. */
export interface Agreement {
  reviewers: [string, string];
  claims: ClaimAgreement[];
  /** One matrix over every (paper, claim) pair of the claims above that both reviewers tagged. */
  overall: Kappa;
}

/** Returns the stance pairs (a's, b's) of the papers both reviewers tagged for `claim`. */
function pairsFor(tags: readonly Tag[], claim: string, a: string, b: string): [Stance, Stance][] {
  const ofB = new Map(tags.filter((t) => t.claim === claim && t.reviewer === b).map((t) => [t.pmid, t.stance]));
  return tags
    .filter((t) => t.claim === claim && t.reviewer === a && ofB.has(t.pmid))
    .map((t) => [t.stance, ofB.get(t.pmid)!]);
}

/** Returns Cohen's kappa on stance between reviewers `a` and `b`, per claim and pooled over `claims`. */
export function buildAgreement(claims: readonly Claim[], tags: readonly Tag[], a: string, b: string): Agreement {
  const all: [Stance, Stance][] = [];
  const perClaim = claims.map((c): ClaimAgreement => {
    const pairs = pairsFor(tags, c.id, a, b);
    all.push(...pairs);
    return { claim: c.id, slug: c.slug, ...kappaFromMatrix(stanceMatrix(pairs), STANCES) };
  });
  return { reviewers: [a, b], claims: perClaim, overall: kappaFromMatrix(stanceMatrix(all), STANCES) };
}

/** Parses `--reviewers A,B`: two different, non-empty names; throws UsageError otherwise. */
export function parseReviewerPair(input: string): [string, string] {
  const names = input.split(',').map((s) => s.trim());
  if (names.length !== 2 || names.some((s) => s === '')) {
    throw new UsageError(`--reviewers takes two names separated by a comma, e.g. --reviewers ann,bob (got '${input}')`);
  }
  if (names[0] === names[1]) throw new UsageError(`--reviewers names the same reviewer twice ('${names[0]}'): give two different reviewers`);
  return [names[0]!, names[1]!];
}

/** A paper and claim on which reviewers' stances differ. */
export interface Conflict {
  pmid: number;
  claim: string;
  title: string | null;
  retracted: boolean;
  tags: { reviewer: string; stance: Stance; note: string | null; at: string }[];
  /** For each stance taken, the commands that would bring every other reviewer to it. */
  resolutions: { stance: Stance; commands: string[] }[];
}

function shellWord(s: string): string {
  return /^[A-Za-z0-9._@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Returns every paper and claim whose reviewers' stances differ, by claim order then PMID. */
export function findConflicts(
  claims: readonly Claim[],
  tags: readonly Tag[],
  papers: ReadonlyMap<number, { title: string | null; retracted: boolean }>,
): Conflict[] {
  const out: Conflict[] = [];
  for (const claim of claims) {
    const byPaper = new Map<number, Tag[]>();
    for (const t of tags) if (t.claim === claim.id) byPaper.set(t.pmid, [...(byPaper.get(t.pmid) ?? []), t]);
    for (const [pmid, group] of [...byPaper].sort(([x], [y]) => x - y)) {
      const stances = STANCES.filter((s) => group.some((t) => t.stance === s));
      if (stances.length < 2) continue;
      const sorted = [...group].sort((x, y) => x.reviewer.localeCompare(y.reviewer));
      out.push({
        pmid, claim: claim.id, title: papers.get(pmid)?.title ?? null, retracted: papers.get(pmid)?.retracted ?? false,
        tags: sorted.map((t) => ({ reviewer: t.reviewer, stance: t.stance, note: t.note, at: t.at })),
        resolutions: stances.map((stance) => ({
          stance,
          commands: sorted.filter((t) => t.stance !== stance)
            .map((t) => `claimwatch tag ${pmid} ${claim.id} ${stance} --reviewer ${shellWord(t.reviewer)}`),
        })),
      });
    }
  }
  return out;
}
