import type { Claim } from './claims.js';
import type { Paper } from './paper.js';

/** A claim a paper probably bears on, with the words that made us think so. A hint, never a tag. */
export interface ClaimSuggestion {
  claim: Claim;
  score: number;
  /** Claim keywords (as written in the claim) first, then statement words, in the order they scored. */
  matched: string[];
  /** The learned probability that the paper bears on the claim, once the claim has tags (else null or absent). */
  learned?: number | null;
}

/** A learned probability from which a claim with tags is suggested. */
export const LEARNED_MIN = 0.5;

/**
 * The card's suggestions once the ranking has learned: a claim with tags is suggested when its learned
 * probability (see app/screening.ts) is at least LEARNED_MIN, best first, with the words its keywords
 * matched; a claim with no tag yet keeps the keyword suggestion (the cold start), after them.
 */
export function withLearned(keyword: readonly ClaimSuggestion[], learned: ReadonlyMap<string, number>, claims: readonly Claim[]): ClaimSuggestion[] {
  const byId = new Map(keyword.map((s) => [s.claim.id, s]));
  const order = new Map(claims.map((c, i) => [c.id, i]));
  const fromLearning = claims
    .filter((c) => (learned.get(c.id) ?? 0) >= LEARNED_MIN)
    .map((c) => ({ claim: c, score: byId.get(c.id)?.score ?? 0, matched: byId.get(c.id)?.matched ?? [], learned: learned.get(c.id)! }))
    .sort((a, b) => b.learned - a.learned || order.get(a.claim.id)! - order.get(b.claim.id)!);
  const cold = keyword.filter((s) => !learned.has(s.claim.id)).map((s) => ({ ...s, learned: null }));
  return [...fromLearning, ...cold];
}

/** A suggestion's score from 0 to 1: its learned probability, else its keyword points p as p / (p + 5). */
export function suggestionScore(s: ClaimSuggestion): number {
  return typeof s.learned === 'number' ? s.learned : s.score / (s.score + 5);
}

/** The parts of a paper the suggester reads. */
export type SuggestInput = Pick<Paper, 'title' | 'abstract' | 'mesh' | 'keywords'>;

// A keyword is a curated phrase, so it weighs more than one word of the claim's sentence.
const KEYWORD_POINTS = 3;
/** Extra for a keyword of several words: "fear extinction" says more than "extinction" would. */
const PHRASE_BONUS = 1;
/** Extra when the keyword is in the title, MeSH or author keywords: what the paper is about, not a passing mention. */
const PROMINENT_BONUS = 1;
const WORD_POINTS = 1;
/** One shared word of a sentence is chance; a suggestion needs a keyword or two statement words. */
const MIN_SCORE = 2;

const STOP_WORDS = new Set(
  ('a about above after again all alone also an and any are as at be been before being between both but by can ' +
    'could did do does during each either effect effects even for from further had has have how however if in ' +
    'include including into is it its may might more most much must no nor not of on only or other our out over ' +
    'own same should so some such than that the their them then there these they this those through to too under ' +
    'until up upon very via was we were what when where which while who whom why will with within would ' +
    'increase increases increased explain ease eases role').split(' '),
);

/** Folds a word so that plural and inflected forms meet: memories/memory, conditioned/conditioning, signalling/signaling. */
export function stemWord(word: string): string {
  let w = word.toLowerCase();
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  for (const suffix of ['ing', 'ed']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 4) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  // A doubled final consonant left by a suffix: signall(ing) -> signal, controll(ed) -> control.
  if (w.length > 4 && w.at(-1) === w.at(-2) && !/[aeiou]/.test(w.at(-1)!)) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

/** Lower-cased, stemmed words of a text; punctuation and hyphens separate words. */
export function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0)
    .map(stemWord);
}

/** True when `phrase` occurs as consecutive words in `words`. */
function hasPhrase(words: readonly string[], phrase: readonly string[]): boolean {
  if (phrase.length === 0 || phrase.length > words.length) return false;
  outer: for (let i = 0; i + phrase.length <= words.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (words[i + j] !== phrase[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * Ranks the claims a paper most likely bears on: each claim keyword found as a phrase in the title,
 * abstract, MeSH headings or keywords scores 3 (+1 when it has several words, +1 when it is in the title,
 * MeSH or keywords); each other word of the claim's statement found anywhere scores 1. Stop-words are
 * ignored and words are lightly stemmed. Claims scoring under 2 are left out; ties keep claim order.
 */
export function suggestClaims(paper: SuggestInput, claims: readonly Claim[]): ClaimSuggestion[] {
  // Each field separately, so that a phrase never spans the end of one MeSH heading and the start of the next.
  const prominent = [paper.title ?? '', ...paper.mesh, ...paper.keywords].map(wordsOf);
  const all = [...prominent, wordsOf(paper.abstract ?? '')];
  const vocabulary = new Set(all.flat());

  const ranked = claims.map((claim, order) => {
    let score = 0;
    const matched: string[] = [];
    const seenPhrases = new Set<string>();
    const covered = new Set<string>();
    for (const keyword of claim.keywords) {
      const phrase = wordsOf(keyword);
      const key = phrase.join(' ');
      if (!key || seenPhrases.has(key)) continue; // "BDNF" and "Bdnf" are one keyword
      seenPhrases.add(key);
      if (!all.some((field) => hasPhrase(field, phrase))) continue;
      score += KEYWORD_POINTS + (phrase.length > 1 ? PHRASE_BONUS : 0)
        + (prominent.some((field) => hasPhrase(field, phrase)) ? PROMINENT_BONUS : 0);
      matched.push(keyword);
      for (const w of phrase) covered.add(w);
    }
    const seenWords = new Set<string>();
    for (const raw of claim.statement.toLowerCase().split(/[^a-z0-9]+/)) {
      if (raw.length < 3 || STOP_WORDS.has(raw)) continue;
      const w = stemWord(raw);
      if (seenWords.has(w) || covered.has(w)) continue;
      seenWords.add(w);
      if (!vocabulary.has(w)) continue;
      score += WORD_POINTS;
      matched.push(raw);
    }
    return { claim, score, matched, order };
  });

  return ranked
    .filter((r) => r.score >= MIN_SCORE)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .map(({ claim, score, matched }) => ({ claim, score, matched }));
}
