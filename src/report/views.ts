import { shortAuthorName } from '../evidence/paper.js';
import type { ClaimSummary, FileImport, HistoryEntry, ImportSummary, PaperView, TagChange } from '../evidence/views.js';
import { skippedText } from '../formats/fields.js';
import type { Colouriser } from './colour.js';
import { countsLine } from './report-text.js';
import { visibleData } from './visible.js';
import { integrityLines } from './integrity-views.js';
import { noticeKindOf, STATUS_LABELS } from '../evidence/integrity.js';

/** "177 added, 0 updated, 0 unchanged, 0 deleted" per file, then the totals. */
export function renderImportSummary(s: ImportSummary, c: Colouriser): string {
  s = visibleData(s);
  const line = (x: { added: number; updated: number; unchanged: number; deleted: number }): string =>
    `${x.added} added, ${x.updated} updated, ${x.unchanged} unchanged, ${x.deleted} deleted`;
  // Failed files are reported on stderr by the command; here they only count in the total.
  const skipped = (f: FileImport): string => (f.skipped ? `; ${f.skipped} skipped without a PMID (${skippedText(f)})` : '');
  const labels = (f: FileImport): string => {
    const l = f.labels;
    if (!l) return '';
    const tagged = l.tagged ? `, ${l.tagged} excluded but tagged by ${l.reviewer} left as they are (PMID ${l.taggedPmids.join(', ')}${l.tagged > l.taggedPmids.length ? ', ...' : ''})` : '';
    return `; decisions: ${l.dismissed} dismissed for ${l.reviewer}, ${l.unchanged} already dismissed, ${l.included} included (not recorded: an inclusion names no claim)${tagged}`;
  };
  const out = s.files.filter((f) => f.ok).map((f) => `${f.file} (${f.format}): ${line(f)}${skipped(f)}${labels(f)}`);
  if (s.files.length > 1 || s.failed) {
    out.push(`${c.bold('total:')} ${line(s)}${s.failed ? c.red(`; ${s.failed} of ${s.files.length} file${s.files.length === 1 ? '' : 's'} failed`) : ''}`);
  }
  return out.join('\n');
}

/** One line saying what a tag command did. */
export function renderTagChange(t: TagChange, c: Colouriser): string {
  t = visibleData(t);
  const who = c.dim(`(${t.reviewer})`);
  switch (t.action) {
    case 'tagged': return `Tagged PMID ${t.pmid}: ${t.claim} ${t.to} ${who}`;
    case 'retagged': return `Retagged PMID ${t.pmid}: ${t.claim} ${t.from} → ${t.to} ${who}`;
    case 'unchanged': return `PMID ${t.pmid} already ${t.claim === null ? 'dismissed' : `${t.to} ${t.claim}`} ${who}: nothing changed`;
    case 'untagged': return `Untagged PMID ${t.pmid} from ${t.claim} (was ${t.from}) ${who}`;
    case 'dismissed': return `Dismissed PMID ${t.pmid}${t.note ? `: ${t.note}` : ''} ${who}`;
    case 'undismissed': return `PMID ${t.pmid} is back in the inbox ${who}`;
  }
}

function authorsLine(p: PaperView): string {
  const names = p.authors.map(shortAuthorName);
  return names.length > 6 ? `${names.slice(0, 6).join(', ')}, et al. (${names.length} authors)` : names.join(', ');
}

/** Wraps text to `width` columns at spaces, keeping paragraph breaks; a word longer than the width stands alone. */
export function wrapText(text: string, width: number): string {
  return text.split('\n').map((para) => {
    const lines: string[] = [];
    let line = '';
    for (const word of para.split(' ')) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    lines.push(line);
    return lines.join('\n');
  }).join('\n');
}

/** A paper card: title, authors, identifiers, tags, then the abstract wrapped to `width` columns. */
export function renderPaper(p: PaperView, c: Colouriser, width = 80): string {
  p = visibleData(p);
  const out = [c.bold(p.title ?? '(no title)')];
  if (p.authors.length) out.push(authorsLine(p));
  out.push(c.dim([p.journal ?? (p.type === 'book' ? 'Book' : null), p.pubDate ?? p.year].filter(Boolean).join(', ')));
  out.push(`PMID ${p.pmid}  https://pubmed.ncbi.nlm.nih.gov/${p.pmid}/`);
  if (p.doi) out.push(`DOI  ${p.doi}  https://doi.org/${p.doi}`);
  if (p.pmcid) out.push(`PMC  ${p.pmcid}`);
  if (p.publicationTypes.length) out.push(c.dim(`Types: ${p.publicationTypes.join('; ')}`));
  const notice = noticeKindOf(p.publicationTypes);
  if (notice) out.push(c.yellow(`This record is itself ${notice === 'erratum' ? 'an erratum' : notice === 'retraction notice' ? 'a retraction notice' : 'an expression of concern'}, not a study`));
  if (p.retracted) {
    const notice = p.links.find((l) => l.type === 'RetractionIn');
    out.push(c.red(`RETRACTED${notice ? `: ${notice.source ?? ''}${notice.pmid ? ` (PMID ${notice.pmid})` : ''}` : ''}`));
  }
  out.push(...integrityLines(p.integrity ?? null, c));
  for (const l of p.links.filter((l) => l.type !== 'RetractionIn' && l.type !== 'CommentIn')) {
    out.push(c.yellow(`${l.type}: ${l.source ?? ''}${l.pmid ? ` (PMID ${l.pmid})` : ''}`));
  }
  if (p.deleted) out.push(c.red('Deleted from PubMed by NLM (kept here with its tags)'));
  if (p.foundBy?.length) out.push(c.dim(`Found by: ${p.foundBy.map((f) => `${f.source} (${f.firstSeenAt.slice(0, 10)})`).join(', ')}`));
  if (p.tags.length) {
    out.push(c.bold('Tags:'));
    for (const t of p.tags) out.push(`  ${t.claim} ${t.stance}${t.note ? ` "${t.note}"` : ''} ${c.dim(`(${t.reviewer}, ${t.at.slice(0, 10)})`)}`);
  }
  for (const d of p.dismissals) out.push(c.dim(`Dismissed by ${d.reviewer}${d.reason ? `: ${d.reason}` : ''} (${d.at.slice(0, 10)})`));
  if (!p.tags.length && !p.dismissed) out.push(c.cyan('In the inbox: not tagged or dismissed yet'));
  if (p.abstract) out.push('', wrapText(p.abstract, Math.max(40, width)));
  return out.join('\n');
}

/** One line per paper: PMID, year, first author, title, and its tags. */
export function renderPaperList(papers: PaperView[], c: Colouriser, empty: string): string {
  papers = visibleData(papers);
  if (!papers.length) return empty;
  const lines = papers.map((p) => {
    const first = p.authors[0];
    const who = first ? (first.collective ?? first.last ?? '') : '';
    const status = p.integrity?.status;
    const excludedAs = status && status !== 'retracted' && p.integrity?.excluded ? STATUS_LABELS[status] : 'retracted';
    const flags = [p.retracted ? c.red(`[${excludedAs}]`) : '', status === 'concern' ? c.yellow('[concern]') : '', status === 'corrected' ? c.yellow('[corrected]') : '',
      status === 'reinstated' ? c.green('[reinstated]') : '', p.deleted ? c.red('[deleted]') : '', p.dismissed ? c.dim('[dismissed]') : '']
      .filter(Boolean).join(' ');
    const tags = p.tags.map((t) => `${t.claim}:${t.stance[0]}`).join(' ');
    return [String(p.pmid).padStart(8), String(p.year ?? '----'), who.slice(0, 18).padEnd(18), (p.title ?? '').slice(0, 90), flags, c.cyan(tags)]
      .filter(Boolean).join('  ');
  });
  lines.push(c.dim(`${papers.length} paper${papers.length === 1 ? '' : 's'}`));
  return lines.join('\n');
}

/** The history, oldest first, one line per change. */
export function renderHistory(entries: HistoryEntry[], c: Colouriser, empty: string): string {
  entries = visibleData(entries);
  if (!entries.length) return empty;
  return entries.map((e) => {
    const change = e.oldValue !== null || e.newValue !== null ? `${e.oldValue ?? '-'} → ${e.newValue ?? '-'}` : '';
    return [c.dim(e.at), e.actor.padEnd(12), e.action.padEnd(14), e.claimId ?? '', change, e.note ? `"${e.note}"` : '']
      .filter(Boolean).join('  ');
  }).join('\n');
}

/** The claims with their counts. */
export function renderClaimList(claims: ClaimSummary[], c: Colouriser): string {
  claims = visibleData(claims);
  return claims.map((k) =>
    `${c.bold(k.id.padEnd(4))} ${k.slug.padEnd(24)} ${countsLine(k.counts, c)}${k.retiredAt ? c.dim('  (retired)') : ''}\n     ${c.dim(k.statement)}`,
  ).join('\n');
}

/** One claim with its keywords, dependencies and history. */
export function renderClaim(k: ClaimSummary & { history?: HistoryEntry[] }, c: Colouriser): string {
  k = visibleData(k);
  const out = [c.bold(`${k.id} ${k.slug}${k.retiredAt ? ' (retired)' : ''}`), k.statement, countsLine(k.counts, c)];
  if (k.keywords.length) out.push(c.dim(`Keywords: ${k.keywords.join(', ')}`));
  if (k.dependsOn.length) out.push(c.dim(`Depends on: ${k.dependsOn.join(', ')}`));
  if (k.history?.length) out.push('', c.bold('History:'), renderHistory(k.history, c, ''));
  return out.join('\n');
}

