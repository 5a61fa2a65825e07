import type { Author } from './paper.js';
import { EVIDENCE_KINDS, type EvidenceKind } from './report.js';

// PubMed publication types and MeSH check tags: https://www.nlm.nih.gov/mesh/pubtypes.html,
// https://www.nlm.nih.gov/bsd/indexing/training/CHK_010.html
const SYNTHESIS = ['Meta-Analysis', 'Systematic Review', 'Network Meta-Analysis'];
const RCT = ['Randomized Controlled Trial', 'Equivalence Trial'];
const TRIAL = /^(Clinical Trial(, Phase [IV]+)?|Controlled Clinical Trial|Pragmatic Clinical Trial|Adaptive Clinical Trial|Observational Study)$/;
/** Designs that mean a clinical study only when the subjects are human (MeSH Humans). */
const HUMAN_ONLY = ['Comparative Study', 'Multicenter Study', 'Clinical Study', 'Validation Study', 'Twin Study'];
const OPINION = ['Review', 'Comment', 'Editorial', 'Letter', 'Case Reports', 'News', 'Newspaper Article', 'Interview', 'Lecture', 'Practice Guideline', 'Guideline', 'Consensus Development Conference'];
const ANIMALS = ['Animals', 'Mice', 'Rats', 'Mice, Inbred C57BL', 'Rats, Sprague-Dawley', 'Rats, Wistar', 'Rats, Long-Evans', 'Primates', 'Macaca mulatta'];
const CELLS = ['In Vitro Techniques', 'Cells, Cultured', 'Cell Line', 'Primary Cell Culture'];

/**
 * Returns the evidence kind PubMed's record implies, by the first rule that matches (strongest design first):
 * 1. Meta-Analysis or Systematic Review -> meta-analysis;
 * 2. Randomized Controlled Trial, unless the MeSH say animals only -> healthy-volunteers with MeSH
 *    "Healthy Volunteers", else rct-patients;
 * 3. Review, Comment, Editorial, Letter, Case Reports, News, Guideline -> review-opinion;
 * 4. Clinical Trial (any phase) or Observational Study unless animals only, or Comparative/Multicenter Study
 *    with MeSH Humans -> healthy-volunteers with MeSH "Healthy Volunteers", else clinical-study;
 * 5. MeSH In Vitro Techniques or Cells, Cultured (cell work, even on animal tissue) -> in-vitro;
 * 6. MeSH Animals, Mice or Rats without Humans -> animal;
 * 7. anything else -> other.
 */
export function evidenceKind(publicationTypes: readonly string[], mesh: readonly string[]): EvidenceKind {
  const types = new Set(publicationTypes.map((t) => t.trim()));
  const terms = new Set(mesh.map((m) => m.trim()));
  const hasType = (list: readonly string[]): boolean => list.some((t) => types.has(t));
  const humans = terms.has('Humans');
  const animalsOnly = !humans && ANIMALS.some((m) => terms.has(m));
  const healthy = terms.has('Healthy Volunteers');

  if (hasType(SYNTHESIS)) return 'meta-analysis';
  if (hasType(RCT) && !animalsOnly) return healthy ? 'healthy-volunteers' : 'rct-patients';
  if (hasType(OPINION)) return 'review-opinion';
  if (([...types].some((t) => TRIAL.test(t)) && !animalsOnly) || (hasType(HUMAN_ONLY) && humans)) {
    return healthy ? 'healthy-volunteers' : 'clinical-study';
  }
  if (CELLS.some((m) => terms.has(m))) return 'in-vitro';
  if (animalsOnly) return 'animal';
  return 'other';
}

/** Returns the kind named by `input` (case-insensitive), or null when it is none of EVIDENCE_KINDS. */
export function parseEvidenceKind(input: string): EvidenceKind | null {
  const s = input.trim().toLowerCase();
  return (EVIDENCE_KINDS as readonly string[]).includes(s) ? (s as EvidenceKind) : null;
}

/** Returns the research group of a paper as "Last Initials" of its last personal author ("Ressler KJ"), or null. */
export function lastAuthorGroup(authors: readonly Author[]): string | null {
  for (let i = authors.length - 1; i >= 0; i--) {
    const a = authors[i]!;
    if (a.collective || !a.last) continue;
    const initials = a.initials ?? (a.fore ? a.fore.split(/[\s-]+/).filter(Boolean).map((w) => w[0]!.toUpperCase()).join('') : null);
    return initials ? `${a.last} ${initials}` : a.last;
  }
  return null;
}
