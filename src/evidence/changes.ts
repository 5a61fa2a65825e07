import type { Paper, PaperLink } from './paper.js';

/** What a refreshed record changed that a reader must hear about. */
export type ChangeKind = 'retracted' | 'erratum' | 'expression-of-concern' | 'revised';

/** The notices a change points at (the retraction, erratum or expression of concern PMIDs). */
export interface PaperChange {
  pmid: number;
  kinds: ChangeKind[];
  notices: number[];
}

function newLinks(before: readonly PaperLink[], after: readonly PaperLink[], types: readonly string[]): PaperLink[] {
  const seen = new Set(before.filter((l) => types.includes(l.type)).map((l) => `${l.type}:${l.pmid ?? l.source}`));
  return after.filter((l) => types.includes(l.type) && !seen.has(`${l.type}:${l.pmid ?? l.source}`));
}

/**
 * Compares the stored and the refreshed copy of one paper. Alerts (retraction, erratum, expression
 * of concern) come first; any other change of content is 'revised'. Returns null when nothing changed.
 */
export function paperChanges(before: Paper, after: Paper): PaperChange | null {
  const kinds: ChangeKind[] = [];
  const notices: number[] = [];
  const retraction = newLinks(before.links, after.links, ['RetractionIn']);
  if (!before.retracted && after.retracted) kinds.push('retracted');
  const errata = newLinks(before.links, after.links, ['ErratumIn']);
  if (errata.length) kinds.push('erratum');
  const concerns = newLinks(before.links, after.links, ['ExpressionOfConcernIn']);
  if (concerns.length) kinds.push('expression-of-concern');
  for (const l of [...(kinds.includes('retracted') ? retraction : []), ...errata, ...concerns]) {
    if (l.pmid !== null && l.pmid !== undefined && !notices.includes(l.pmid)) notices.push(l.pmid);
  }
  if (kinds.length === 0 && before.raw !== after.raw) kinds.push('revised');
  return kinds.length ? { pmid: after.pmid, kinds, notices } : null;
}

/** True for the changes a reader of a tagged paper must see first. */
export function isAlert(c: PaperChange): boolean {
  return c.kinds.some((k) => k !== 'revised');
}
