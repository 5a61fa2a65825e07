// The hypergeometric stopping test of Callaghan & Müller-Hansen 2020, "Statistical stopping criteria for
// automated screening in systematic reviews", Systematic Reviews 9:273, doi:10.1186/s13643-020-01521-4.

/** P(X <= k) for X hypergeometric: n draws without replacement from N items of which K are marked. */
export function hypergeometricCdf(k: number, N: number, K: number, n: number): number {
  if (K < 0 || n < 0 || K > N || n > N) throw new RangeError(`hypergeometric: need 0 <= K, n <= N (N=${N}, K=${K}, n=${n})`);
  const lo = Math.max(0, n - (N - K));
  const hi = Math.min(n, K);
  if (k < lo) return 0;
  if (k >= hi) return 1;
  // log P(X = lo), then the ratio P(X = j + 1) / P(X = j) = (K - j)(n - j) / ((j + 1)(N - K - n + j + 1)).
  const logP = logChoose(K, lo) + logChoose(N - K, n - lo) - logChoose(N, n);
  let p = Math.exp(logP);
  let sum = p;
  for (let j = lo; j < k; j++) {
    p *= ((K - j) * (n - j)) / ((j + 1) * (N - K - n + j + 1));
    sum += p;
  }
  return Math.min(1, sum);
}

function logChoose(n: number, k: number): number {
  if (k < 0 || k > n) return -Infinity;
  k = Math.min(k, n - k);
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s;
}

/** What a random sample of the papers left when the ranking ran dry has shown. */
export interface SampleCounts {
  /** Relevant papers found before the random sample started (by the ranking). */
  foundBefore: number;
  /** Papers left unscreened when the sample started: the urn the sample is drawn from. */
  urn: number;
  /** Papers of the urn screened in the sample's random order so far, and the relevant ones among them. */
  drawn: number;
  relevantDrawn: number;
}

/** The outcome of the test: its p-value for "recall is below the target", and whether that is rejected. */
export interface StoppingTest {
  /** The smallest number of relevant papers in the urn under which recall would be below the target. */
  kTarget: number;
  p: number;
  stop: boolean;
}

/**
 * H0: recall < target. With r relevant found in all (before and in the sample), recall is below the
 * target exactly when the urn holds more than r / target - foundBefore relevant papers, so the least
 * such number is K = floor(r / target - foundBefore) + 1; the p-value is the chance of seeing at most the
 * sample's relevant papers if the urn held K (a larger K makes it smaller). Stop when p < 1 - confidence.
 */
export function stoppingTest(s: SampleCounts, target = 0.95, confidence = 0.95): StoppingTest {
  const found = s.foundBefore + s.relevantDrawn;
  const kTarget = Math.floor(found / target - s.foundBefore + 1e-9) + 1;
  if (s.drawn === 0) return { kTarget, p: 1, stop: false };
  // An urn too small to hold K relevant papers besides the irrelevant ones drawn: H0 cannot hold.
  const p = kTarget > s.urn - (s.drawn - s.relevantDrawn) ? 0 : hypergeometricCdf(s.relevantDrawn, s.urn, kTarget, s.drawn);
  return { kTarget, p, stop: p < 1 - confidence };
}

/**
 * How many relevant papers the undrawn part of the urn holds: the point estimate from the sample's rate,
 * and the upper bound at the given confidence (the largest K the sample does not rule out, less those drawn).
 */
export function unreadFromSample(s: SampleCounts, confidence = 0.95): { estimate: number; upper: number } {
  const left = s.urn - s.drawn;
  if (s.drawn === 0) return { estimate: NaN, upper: left };
  const estimate = (s.relevantDrawn / s.drawn) * left;
  // cdf(k; K) falls as K grows: find the largest K with cdf >= 1 - confidence.
  let lo = s.relevantDrawn;
  let hi = s.urn - (s.drawn - s.relevantDrawn);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (hypergeometricCdf(s.relevantDrawn, s.urn, mid, s.drawn) >= 1 - confidence) lo = mid;
    else hi = mid - 1;
  }
  return { estimate, upper: lo - s.relevantDrawn };
}
