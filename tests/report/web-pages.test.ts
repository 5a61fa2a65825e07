import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../src/app/import.js';
import { openLibrary } from '../../src/app/store.js';
import { tagPaper } from '../../src/app/tagging.js';
import { triageQueue, TriageSession } from '../../src/app/triage.js';
import { dismissReasonList, highlight, renderCard, renderLogin, renderSummary } from '../../src/report/web-pages.js';
import { fixture, tempDir } from '../helpers.js';

const AT = '2026-01-01T00:00:00.000Z';

async function firstCard(reviewer: string, others: { reviewer: string; note: string }[]) {
  const db = openLibrary(path.join(tempDir('claimwatch-web-'), 'lib.db'));
  await importFiles(db, [fixture('efetch/julielab__pubmedsample18n0001.xml.gz')], () => AT);
  const queue = triageQueue(db, { reviewer });
  for (const o of others) tagPaper(db, { pmid: queue[0]!, claim: 'C7', stance: 'supports', note: o.note, reviewer: o.reviewer, at: AT });
  const card = new TriageSession(db, queue, reviewer, () => AT, { order: 'newest' }).card();
  db.close();
  return card;
}

describe('the pages of serve', () => {
  it('marks keywords without letting the text become markup', () => {
    expect(highlight('BDNF <b>and</b> fear extinction', ['extinction', 'bdnf'])).toBe(
      '<mark>BDNF</mark> &#60;b&#62;and&#60;/b&#62; fear <mark>extinction</mark>');
    expect(highlight('a "quote" & <script>', [])).toBe('a &#34;quote&#34; &#38; &#60;script&#62;');
    // A keyword with regex characters is matched literally.
    expect(highlight('5-HT(2A) receptors', ['5-HT(2A)'])).toBe('<mark>5-HT(2A)</mark> receptors');
  });

  it("shows other reviewers' tags and notes as text, and hides them in blind mode until you tag", async () => {
    const hostile = '"><img src=x onerror=alert(1)><script>alert(2)</script>\u001b[2J';
    const card = await firstCard('ann', [{ reviewer: 'bob', note: hostile }]);
    const open = renderCard(card, { csrf: 't', blind: false, keywords: [] });
    expect(open).toContain('(bob)');
    expect(open).not.toMatch(/<img|<script/);
    expect(open).toContain('&#34;&#62;&#60;img src=x onerror=alert(1)&#62;');
    expect(open).toContain('␛[2J');
    const blind = renderCard(card, { csrf: 't', blind: true, keywords: [] });
    expect(blind).not.toContain('(bob)');
    expect(blind).toContain('hidden (blind) until you tag');
  });

  it('numbers the claims on the card as the terminal does, with a button per stance and the CSRF token in every form', async () => {
    const card = await firstCard('ann', []);
    const html = renderCard(card, { csrf: 'TOKEN', blind: false, keywords: [] });
    expect(html).toContain(`data-numbering="${card.numbering.map((c) => c.id).join(',')}"`);
    for (const c of card.numbering) for (const st of ['supports', 'qualifies', 'contradicts']) expect(html).toContain(`value="${c.id} ${st}"`);
    const forms = html.match(/<form /g)!.length;
    expect(html.match(/name="csrf" value="TOKEN"/g)!.length).toBe(forms);
  });

  it('lists the numbered exclusion reasons under the dismissal field, escaped, and nothing when there are none', () => {
    expect(dismissReasonList()).toBe('');
    expect(dismissReasonList([{ number: 1, code: 'wrong-population', label: 'wrong population' }, { number: 2, code: 'x', label: '<b>x</b>' }])).toBe(
      '<ol class="reasons" aria-label="Exclusion reasons"><li data-reason="1"><kbd>1</kbd> wrong population</li><li data-reason="2"><kbd>2</kbd> &#60;b&#62;x&#60;/b&#62;</li></ol>');
  });

  it('never puts a password field value or a name it was not given on the login page', () => {
    const html = renderLogin({ csrf: 'c', passwords: true, known: ['ann'], name: '<x>' });
    expect(html).toContain('type="password"');
    expect(html).not.toMatch(/type="password"[^>]*value=/);
    expect(html).toContain('value="&#60;x&#62;"');
    expect(html).not.toContain('known-reviewers');
  });

  it('sums up a session as the terminal does', () => {
    const html = renderSummary({
      reviewer: 'ann', total: 3, seen: 2, papersTagged: 1, tags: { supports: 1, qualifies: 0, contradicts: 1 }, dismissed: 1, skipped: 0, quit: true,
    }, 'c');
    expect(html).toContain('Triage ended: 2 of 3 papers seen, by ann');
    expect(html).toContain('2 tag(s) (1 supports, 0 qualifies, 1 contradicts)');
  });
});
