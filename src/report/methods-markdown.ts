// The methods paragraph of a review update, written from the library's own numbers. Pure: every sentence is
// built from a count or a date in MethodsFacts, and a sentence whose facts are missing is left out.
import type { MethodsFacts } from '../evidence/methods.js';
import { visibleData } from './visible.js';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const fmtK = (k: number | null): string => (k === null ? 'undefined' : k.toFixed(2));
const fmtP = (p: number | null): string => (p === null ? 'undefined' : `${(p * 100).toFixed(1)}%`);
const md = (s: string): string => s.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);

/** The methods paragraph (Markdown): search, screening, reviewers and agreement, retractions; nothing without its number. */
export function renderMethods(facts: MethodsFacts): string {
  const f = visibleData(facts);
  const out: string[] = ['## Methods', ''];
  const ran = f.searches.filter((s) => s.runs > 0);
  const search: string[] = [];
  if (ran.length) {
    search.push(
      `We searched one database, PubMed, through the NCBI E-utilities (ESearch and EFetch), with ${plural(ran.length, 'saved search', 'saved searches')} run by claimwatch ${f.version}` +
      ` ${plural(f.runs.total, 'time')} on ${plural(f.runs.nights, 'night')} between ${f.runs.first} and ${f.runs.last}` +
      ` (${f.runs.ok} run${f.runs.ok === 1 ? '' : 's'} completed every search; ${f.runs.failed} had a failure that the next run made up for).`,
    );
    search.push(
      'A search\'s first run retrieved every record it matched; each later run retrieved the records whose Entrez date fell from two days before its last complete run to the day of the run, so that no window was left uncovered.',
    );
  } else {
    search.push('No saved search has been run against PubMed from this library yet.');
  }
  out.push(search.join(' '), '');
  for (const s of ran) {
    out.push(`- **${md(s.name)}**${s.description ? ` (${md(s.description)})` : ''}${s.removed ? ', since removed' : ''}: run ${plural(s.runs, 'time')} (${s.succeeded} complete) from ${s.firstRun} to ${s.lastRun}, ${s.unlimitedRuns} without a date limit and ${s.windowedRuns} by Entrez date; ${plural(s.records, 'record')} identified in this update. Query: \`${s.term.replace(/`/g, "'")}\``);
  }
  if (ran.length) out.push('');

  const fl = f.flow;
  const d = fl.databases;
  const o = fl.other;
  const flow: string[] = [];
  if (ran.length) flow.push(
    `${fl.sinceDay ? `Since ${fl.sinceDay}, the searches` : 'The searches'} identified ${plural(d.identified.total, 'record')}; ${d.removedBeforeScreening.duplicates} were duplicates of records already in the library or found by another search, ` +
    `${d.removedBeforeScreening.deletedByNlm} had been deleted from PubMed by NLM, and ${d.removedBeforeScreening.notYetScreened} were not yet screened, leaving ${plural(d.screened, 'record')} screened.`,
  );
  if (o.identified.total) {
    const src = o.identified.bySource.filter((x) => x.n > 0).map((x) => `${x.n} from the ${x.label}`).join(', ');
    flow.push(`A further ${plural(o.identified.total, 'record')} came from other sources (${src}${f.imports ? `; ${plural(f.imports, 'file')} imported in all` : ''}); ${o.assessed} of them were assessed.`);
  }
  const reasons = [...d.excluded.reasons, ...o.excluded.reasons.filter((r) => r.key !== 'retracted')];
  const byReason = new Map<string, { label: string; n: number }>();
  for (const r of reasons) byReason.set(r.key, { label: r.label, n: (byReason.get(r.key)?.n ?? 0) + r.n });
  const reasonText = [...byReason.values()].filter((r) => r.n > 0).map((r) => `${r.label} (${r.n})`).join(', ');
  const excluded = d.excluded.total + o.excluded.total - (o.excluded.reasons.find((r) => r.key === 'retracted')?.n ?? 0);
  if (excluded) flow.push(`${plural(excluded, 'record was', 'records were')} excluded at screening, for these reasons: ${reasonText}.`);
  const retractedExcl = d.reportsExcluded.total + (o.excluded.reasons.find((r) => r.key === 'retracted')?.n ?? 0);
  flow.push(
    `${plural(fl.included.newStudies, 'new study was', 'new studies were')} included${retractedExcl ? ` (${plural(retractedExcl, 'tagged report')} excluded as retracted)` : ''}; ` +
    `with the ${plural(fl.previous.studies, 'study', 'studies')} of the previous version${fl.previous.noLongerIncluded.total ? `, less ${fl.previous.noLongerIncluded.total} no longer included (${fl.previous.noLongerIncluded.retracted} retracted, ${fl.previous.noLongerIncluded.untagged} with every tag withdrawn)` : ''}, ` +
    `the review includes ${plural(fl.included.totalStudies, 'study', 'studies')} (Figure: PRISMA 2020 flow diagram).`,
  );
  out.push(flow.join(' '), '');

  const scr: string[] = [];
  const active = f.reviewers.filter((r) => r.tagged + r.dismissed > 0);
  if (active.length) {
    scr.push(
      `Records were screened on title, abstract and PubMed indexing in claimwatch by ${plural(active.length, 'reviewer')} (${active.map((r) => `${md(r.name)}: ${r.tagged} tagged to a claim, ${r.dismissed} excluded, ${r.withReason} of them with a standard reason`).join('; ')}). ` +
      'A record bearing on one of the review\'s claims was tagged as supporting, qualifying or contradicting it; any other was excluded, with one of ' +
      `${plural(f.reasons.length, 'standard reason')} (${f.reasons.map((r) => r.label).join(', ')}) or in the reviewer's own words. A record tagged by any reviewer went forward.`,
    );
    const su = f.screening;
    if (su) {
      scr.push(
        `For ${plural(su.rankedDecisions, 'screening decision')} (${su.firstRanked === su.lastRanked ? su.firstRanked : `${su.firstRanked} to ${su.lastRanked}`}), claimwatch triage put the records most likely to matter first: ` +
        'a naive Bayes ranking of TF-IDF title, abstract and keyword terms, MeSH headings and publication types, trained on the reviewers\' decisions and retrained after each one. ' +
        (su.stopAdvisedAt
          ? `Its stopping rule (the hypergeometric test of Callaghan and Müller-Hansen 2020 for 95 % recall at 95 % confidence, on a random sample of the records left once the ranking ran dry) first advised stopping on ${su.stopAdvisedAt}, after ${plural(su.screenedAtStop ?? 0, 'record')} had been screened.`
          : 'Its stopping rule (the hypergeometric test of Callaghan and Müller-Hansen 2020 for 95 % recall at 95 % confidence) had not advised stopping.'),
      );
    }
    if (f.doubleScreened) scr.push(`${plural(f.doubleScreened, 'record was', 'records were')} screened by two or more reviewers.`);
    for (const a of f.agreement) {
      const k = a.overall;
      scr.push(k.n
        ? `Agreement between ${md(a.reviewers[0])} and ${md(a.reviewers[1])} on the stance of the ${plural(k.n, 'paper-claim pair')} both tagged was ${fmtP(k.observed)}, against ${fmtP(k.expected)} expected by chance (Cohen's kappa ${fmtK(k.kappa)}${k.kappa === null && k.undefinedReason ? `: ${k.undefinedReason}` : ''}).`
        : `${md(a.reviewers[0])} and ${md(a.reviewers[1])} tagged no paper-claim pair in common, so their agreement cannot be given.`);
    }
    if (f.conflicts) scr.push(`${plural(f.conflicts, 'paper-claim pair')} with different stances ${f.conflicts === 1 ? 'is' : 'are'} shown as disputed and not counted for any stance until resolved.`);
  } else {
    scr.push('No record has been screened yet.');
  }
  out.push(scr.join(' '), '');

  if (f.refresh.runs) {
    out.push(
      `Retractions were checked by fetching every tagged paper again from PubMed on each of ${plural(f.refresh.runs, 'run')} (up to ${plural(f.refresh.maxChecked, 'paper')} per run) and reading its publication types and retraction, erratum and expression-of-concern links; ` +
      `${plural(f.notices.retracted, 'tagged paper is', 'tagged papers are')} now marked retracted in PubMed, and ${f.notices.errata} received an erratum and ${f.notices.concerns} an expression of concern while tracked. Retracted papers are shown but not counted as evidence.`,
      '',
    );
  }
  return out.join('\n');
}
