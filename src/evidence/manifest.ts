import { createHash } from 'node:crypto';

/**
 * What one saved search of one run asked PubMed and got back: the exact request, the count PubMed reported,
 * every PMID received (and a hash of the sorted set), the slices used past PubMed's 9,999 window, and what
 * efetch was asked for, asked for again, and did not return.
 */
export interface SearchManifest {
  runId: number;
  query: string;
  /** When the search was sent (ISO). */
  at: string;
  term: string;
  datetype: string | null;
  mindate: string | null;
  maxdate: string | null;
  sort: string | null;
  /** The count PubMed reported for the whole search. */
  reportedCount: number;
  /** Every PMID received, ascending. */
  pmids: number[];
  /** sha256 of the ascending PMIDs in decimal, one per line with no final newline (see pmidSetHash). */
  pmidsSha256: string;
  /** PMID-range slices listed because the search had more than 9,999 hits (0 when it fit one window). */
  slices: number;
  /** PMIDs requested from efetch (those not already in the library). */
  fetched: number[];
  /** PMIDs missing from efetch's first answer, so requested again. */
  retried: number[];
  /** PMIDs still not returned after that. */
  missing: number[];
  /** E-utilities requests this search took, and how many of them were retries of a failed one. */
  requests: number;
  httpRetries: number;
  status: 'ok' | 'failed';
  error: string | null;
}

/** The hash a manifest keeps of its PMIDs: sha256 hex of the ascending PMIDs joined by '\n'. */
export function pmidSetHash(pmids: readonly number[]): string {
  const sorted = [...new Set(pmids)].sort((a, b) => a - b);
  return createHash('sha256').update(sorted.join('\n')).digest('hex');
}

/** One manifest checked against the library. */
export interface ManifestCheck {
  runId: number;
  query: string;
  at: string;
  listed: number;
  stored: number;
  /** PMIDs the manifest lists that the library does not hold, ascending. */
  notStored: number[];
  /** Of those, the ones efetch did not return at the time (the manifest says so; a later run asks again). */
  notReturnedThen: number[];
  /** The recorded hash equals the hash of the recorded PMIDs, and the count listed equals PubMed's count. */
  hashOk: boolean;
  countOk: boolean;
}

/** What `runs verify` found over every manifest. */
export interface VerifyResult {
  manifests: number;
  pmidsListed: number;
  ok: boolean;
  problems: ManifestCheck[];
  checks: ManifestCheck[];
}

/** Checks manifests against the set of stored PMIDs (pure: `isStored` answers for the library). */
export function verifyManifests(manifests: readonly SearchManifest[], isStored: (pmid: number) => boolean): VerifyResult {
  const checks = manifests.map((m): ManifestCheck => {
    const notStored = m.pmids.filter((p) => !isStored(p));
    const missingThen = new Set(m.missing);
    return {
      runId: m.runId, query: m.query, at: m.at, listed: m.pmids.length, stored: m.pmids.length - notStored.length, notStored,
      notReturnedThen: notStored.filter((p) => missingThen.has(p)),
      hashOk: pmidSetHash(m.pmids) === m.pmidsSha256,
      countOk: m.pmids.length === m.reportedCount,
    };
  });
  const problems = checks.filter((c) => c.notStored.length > 0 || !c.hashOk || !c.countOk);
  return {
    manifests: checks.length, pmidsListed: checks.reduce((a, c) => a + c.listed, 0), ok: problems.length === 0, problems, checks,
  };
}
