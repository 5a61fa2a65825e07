import { describe, expect, it } from 'vitest';
import { redact } from '../../src/eutils/redact.js';

const KEY = 'SeCrEt-Key-0123456789abcdef';

describe('redact', () => {
  it('replaces the key, raw or URL-encoded, and any api_key= value', () => {
    expect(redact(`bad key ${KEY} here`, KEY)).toBe('bad key *** here');
    expect(redact('url?api_key=abc&x=1', KEY)).toBe('url?api_key=***&x=1');
  });

  it('replaces a prefix of the key of four characters or more left at a cut', () => {
    for (let n = 4; n < KEY.length; n++) {
      const cut = `NCBI rejected the request (HTTP 400): invalid key ${KEY.slice(0, n)}…`;
      expect(redact(cut, KEY), `${n} characters`).toBe('NCBI rejected the request (HTTP 400): invalid key ***…');
      // Also when the cut is the end of the text, or is followed by what the caller appended.
      expect(redact(`invalid key ${KEY.slice(0, n)}`, KEY)).toBe('invalid key ***');
      expect(redact(`x: invalid key ${KEY.slice(0, n)}… (1 attempt)`, KEY)).toBe('x: invalid key ***… (1 attempt)');
    }
    // Three characters, or a prefix that is not at a cut, is ordinary text.
    expect(redact(`key ${KEY.slice(0, 3)}…`, KEY)).toBe(`key ${KEY.slice(0, 3)}…`);
    expect(redact(`${KEY.slice(0, 6)} is a word here`, KEY)).toBe(`${KEY.slice(0, 6)} is a word here`);
  });
});
