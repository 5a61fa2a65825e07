import { describe, expect, it } from 'vitest';
import { nextClaimId, parsePmid, parseStance, resolveClaim, validateSlug, type Claim } from '../../src/evidence/claims.js';
import { UsageError } from '../../src/errors.js';

const claims: Claim[] = [
  { id: 'C1', slug: 'prosocial-alliance', statement: 's', keywords: [], dependsOn: [], retiredAt: null },
  { id: 'C7', slug: 'extinction-enhanced', statement: 's', keywords: [], dependsOn: [], retiredAt: null },
];

describe('parsePmid', () => {
  it('accepts positive integers', () => {
    expect(parsePmid('36311515')).toBe(36311515);
    expect(parsePmid(' 42 ')).toBe(42);
  });
  it.each(['0', '-5', '12.5', 'abc', '', '1e5', '0x10', '99999999999'])('rejects %j', (s) => {
    expect(() => parsePmid(s)).toThrow(UsageError);
  });
});

describe('parseStance', () => {
  it('accepts words and letters in any case', () => {
    expect(parseStance('s')).toBe('supports');
    expect(parseStance('Q')).toBe('qualifies');
    expect(parseStance('contradicts')).toBe('contradicts');
    expect(parseStance('supporting')).toBe('supports');
  });
  it('names the valid stances when it rejects one', () => {
    expect(() => parseStance('maybe')).toThrow(/supports, qualifies or contradicts/);
  });
});

describe('resolveClaim', () => {
  it('finds by id in any case, by number and by slug', () => {
    expect(resolveClaim('c7', claims).id).toBe('C7');
    expect(resolveClaim('7', claims).id).toBe('C7');
    expect(resolveClaim('prosocial-alliance', claims).id).toBe('C1');
  });
  it('lists the valid claims when the name is unknown', () => {
    expect(() => resolveClaim('C99', claims)).toThrow(/C1 \(prosocial-alliance\), C7 \(extinction-enhanced\)/);
  });
});

describe('claim ids and slugs', () => {
  it('numbers a new claim after the highest id', () => expect(nextClaimId(claims)).toBe('C8'));
  it('rejects slugs that are not kebab-case or look like ids', () => {
    expect(() => validateSlug('Fear Renewal')).toThrow(UsageError);
    expect(() => validateSlug('c12')).toThrow(UsageError);
    expect(validateSlug('fear-renewal')).toBe('fear-renewal');
  });
});
