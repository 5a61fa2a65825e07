import { UsageError } from '../errors.js';
import { pmidFromText } from './paper.js';

/** One mechanistic claim of the review. */
export interface Claim {
  id: string;
  slug: string;
  statement: string;
  keywords: string[];
  dependsOn: string[];
  retiredAt: string | null;
}

/** The stances a paper can take on a claim. */
export const STANCES = ['supports', 'qualifies', 'contradicts'] as const;
export type Stance = (typeof STANCES)[number];

/** One reviewer's stance on one claim for one paper. */
export interface Tag {
  pmid: number;
  claim: string;
  stance: Stance;
  note: string | null;
  reviewer: string;
  at: string;
}

const STANCE_ALIASES: Record<string, Stance> = {
  s: 'supports',
  support: 'supports',
  supports: 'supports',
  supporting: 'supports',
  q: 'qualifies',
  qualify: 'qualifies',
  qualifies: 'qualifies',
  qualifying: 'qualifies',
  c: 'contradicts',
  contradict: 'contradicts',
  contradicts: 'contradicts',
  contradicting: 'contradicts',
};

/** Parses a stance word or its one-letter form; throws UsageError naming the valid ones. */
export function parseStance(input: string): Stance {
  const stance = STANCE_ALIASES[input.trim().toLowerCase()];
  if (!stance) {
    throw new UsageError(
      `unknown stance '${input}': use supports, qualifies or contradicts (or s, q, c)`,
    );
  }
  return stance;
}

/**
 * True when a reviewer name holds a control character (a newline, tab, escape, DEL or C1): a name is printed
 * on every log, history and report line, where a newline would forge a line and an escape reach the terminal.
 */
export function hasControlCharacter(name: string): boolean {
  return /[\u0000-\u001f\u007f-\u009f]/.test(name);
}

/** Parses a PMID: a positive integer written in decimal; throws UsageError otherwise. */
export function parsePmid(input: string): number {
  const pmid = pmidFromText(input);
  if (pmid === null) throw new UsageError(`'${input}' is not a PMID: a PMID is a positive whole number such as 36311515`);
  return pmid;
}

/** Finds a claim by id (case-insensitive, `C7` or `7`) or slug; throws UsageError listing the valid ones. */
export function resolveClaim(ref: string, claims: readonly Claim[]): Claim {
  const r = ref.trim().toLowerCase();
  const found = claims.find(
    (c) => c.id.toLowerCase() === r || c.slug.toLowerCase() === r || c.id.toLowerCase() === `c${r}`,
  );
  if (!found) {
    const valid = claims.map((c) => `${c.id} (${c.slug})`).join(', ');
    throw new UsageError(`unknown claim '${ref}': valid claims are ${valid || 'none yet (claims add)'}`);
  }
  return found;
}

/**
 * The loop that claim `id` depending on `deps` would close, as the path from `id` back to itself
 * (['C2', 'C1', 'C2']), or null when there is none. The other claims' dependencies are taken as they are.
 */
export function dependencyCycle(id: string, deps: readonly string[], claims: readonly Pick<Claim, 'id' | 'dependsOn'>[]): string[] | null {
  const graph = new Map(claims.map((c) => [c.id, c.id === id ? [...deps] : c.dependsOn]));
  graph.set(id, [...deps]);
  const seen = new Set<string>();
  const walk = (at: string, path: string[]): string[] | null => {
    for (const next of graph.get(at) ?? []) {
      if (next === id) return [...path, id];
      if (seen.has(next)) continue;
      seen.add(next);
      const found = walk(next, [...path, next]);
      if (found) return found;
    }
    return null;
  };
  return walk(id, [id]);
}

/** Checks a new claim's slug: lower-case words joined by hyphens. */
export function validateSlug(slug: string): string {
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug)) {
    throw new UsageError(`'${slug}' is not a valid slug: use lower-case words joined by hyphens, e.g. fear-renewal`);
  }
  if (/^c[0-9]+$/.test(slug)) {
    throw new UsageError(`slug '${slug}' looks like a claim id: choose a descriptive slug such as fear-renewal`);
  }
  return slug;
}

/** The id the next added claim gets: one more than the highest `C<n>`. */
export function nextClaimId(claims: readonly Claim[]): string {
  const max = claims.reduce((m, c) => Math.max(m, Number(/^C(\d+)$/i.exec(c.id)?.[1] ?? 0)), 0);
  return `C${max + 1}`;
}
