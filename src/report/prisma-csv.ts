// The flow in the CSV layout of the PRISMA2020 R package and Shiny app (Haddaway et al., Campbell Systematic
// Reviews 2022;18:e1230): its template's rows (inst/extdata/PRISMA.csv), in its order, with our numbers in `n`.
import type { CountLine, PrismaFlow } from '../evidence/prisma.js';
import { visibleData } from './visible.js';

/** One row of the template: the package reads `data` and `n`; the other columns are its labels, kept as it ships them. */
type Row = [data: string, node: string, box: string, description: string, boxtext: string, tooltips: string, url: string, n: string | number];

function cell(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** "Reason1, 3; Reason2, 1", as the package reads excluded reports; "0" when there are none. */
function reasons(lines: readonly CountLine[]): string {
  const shown = lines.filter((l) => l.n > 0);
  // The package splits on ';' and ','; a label with either would be read as two.
  return shown.length ? shown.map((l) => `${l.label.replace(/[;,]/g, ' ')}, ${l.n}`).join('; ') : '0';
}

/** The flow as the PRISMA2020 package's CSV (UTF-8, CRLF line ends, a header line). */
export function renderPrismaCsv(flow: PrismaFlow): string {
  const f = visibleData(flow);
  const d = f.databases;
  const o = f.other;
  const r = d.removedBeforeScreening;
  const rows: Row[] = [
    ['NA', 'node4', 'prevstud', 'Grey title box; Previous studies', 'Previous studies', 'Grey title box; Previous studies', 'prevstud.html', 0],
    ['previous_studies', 'node5', 'box1', 'Studies included in previous version of review', 'Studies included in previous version of review', 'Studies included in previous version of review', 'previous_studies.html', f.previous.studies],
    ['previous_reports', 'NA', 'box1', 'Reports of studies included in previous version of review', 'Reports of studies included in previous version of review', 'NA', 'previous_reports.html', f.previous.reports],
    ['NA', 'node6', 'newstud', 'Yellow title box; Identification of new studies via databases and registers', 'Identification of new studies via databases and registers', 'Yellow title box; Identification of new studies via databases and registers', 'newstud.html', 0],
    ['database_results', 'node7', 'box2', 'Records identified from: Databases', 'Databases', 'Records identified from: Databases', 'database_results.html', d.identified.total],
    ['register_results', 'NA', 'box2', 'Records identified from: Registers', 'Registers', 'NA', 'NA', 0],
    ['NA', 'node16', 'othstud', 'Grey title box; Identification of new studies via other methods', 'Identification of new studies via other methods', 'Grey title box; Identification of new studies via other methods', 'othstud.html', 0],
    // claimwatch's other sources are the reading list, PMIDs added by hand, imported files and earlier records; all go under the first.
    ['website_results', 'node17', 'box11', 'Records identified from: Websites', 'Websites', 'Records identified from: Websites', 'website_results.html', o.identified.total],
    ['organisation_results', '', 'box11', 'Records identified from: Organisations', 'Organisations', 'NA', 'NA', 0],
    ['citations_results', 'NA', 'box11', 'Records identified from: Citation searching', 'Citation searching', 'NA', 'NA', 0],
    ['duplicates', 'node8', 'box3', 'Duplicate records', 'Duplicate records', 'Duplicate records', 'duplicates.html', r.duplicates],
    ['excluded_automatic', 'NA', 'box3', 'Records marked as ineligible by automation tools', 'Records marked as ineligible by automation tools', 'NA', 'NA', 0],
    ['excluded_other', 'NA', 'box3', 'Records removed for other reasons', 'Records removed for other reasons', 'NA', 'NA', r.deletedByNlm + r.notYetScreened],
    ['records_screened', 'node9', 'box4', 'Records screened (databases and registers)', 'Records screened', 'Records screened (databases and registers)', 'records_screened.html', d.screened],
    ['records_excluded', 'node10', 'box5', 'Records excluded (databases and registers)', 'Records excluded', 'Records excluded (databases and registers)', 'records_excluded.html', d.excluded.total],
    ['dbr_sought_reports', 'node11', 'box6', 'Reports sought for retrieval (databases and registers)', 'Reports sought for retrieval', 'Reports sought for retrieval (databases and registers)', 'dbr_sought_reports.html', d.sought],
    ['dbr_notretrieved_reports', 'node12', 'box7', 'Reports not retrieved (databases and registers)', 'Reports not retrieved', 'Reports not retrieved (databases and registers)', 'dbr_notretrieved_reports.html', d.notRetrieved],
    ['other_sought_reports', 'node18', 'box12', 'Reports sought for retrieval (other)', 'Reports sought for retrieval', 'Reports sought for retrieval (other)', 'other_sought_reports.html', o.sought],
    ['other_notretrieved_reports', 'node19', 'box13', 'Reports not retrieved (other)', 'Reports not retrieved', 'Reports not retrieved (other)', 'other_notretrieved_reports.html', o.notRetrieved],
    ['dbr_assessed', 'node13', 'box8', 'Reports assessed for eligibility (databases and registers)', 'Reports assessed for eligibility', 'Reports assessed for eligibility (databases and registers)', 'dbr_assessed.html', d.assessed],
    ['dbr_excluded', 'node14', 'box9', 'Reports excluded (databases and registers): [separate reasons and numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]', 'Reports excluded', 'Reports excluded (databases and registers): [separate reasons and numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx', 'dbrexcludedrecords.html', reasons(d.reportsExcluded.reasons)],
    ['other_assessed', 'node20', 'box14', 'Reports assessed for eligibility (other)', 'Reports assessed for eligibility', 'Reports assessed for eligibility (other)', 'other_assessed.html', o.assessed],
    ['other_excluded', 'node21', 'box15', 'Reports excluded (other): [separate reasons and numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]', 'Reports excluded', 'Reports excluded (other): [separate reasons and numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx', 'other_excluded.html', reasons(o.excluded.reasons)],
    ['new_studies', 'node15', 'box10', 'New studies included in review', 'New studies included in review', 'New studies included in review', 'new_studies.html', f.included.newStudies],
    ['new_reports', 'NA', 'box10', 'Reports of new included studies', 'Reports of new included studies', 'NA', 'NA', f.included.newReports],
    ['total_studies', 'node22', 'box16', 'Total studies included in review', 'Total studies included in review', 'Total studies included in review', 'total_studies.html', f.included.totalStudies],
    ['total_reports', 'NA', 'box16', 'Reports of total included studies', 'Reports of total included studies', 'NA', 'NA', f.included.totalReports],
    ['identification', 'node1', 'identification', 'Blue identification box', 'Identification', 'Blue identification box', 'identification.html', 0],
    ['screening', 'node2', 'screening', 'Blue screening box', 'Screening', 'Blue screening box', 'screening.html', 0],
    ['included', 'node3', 'included', 'Blue included box', 'Included', 'Blue included box', 'included.html', 0],
  ];
  const header = ['data', 'node', 'box', 'description', 'boxtext', 'tooltips', 'url', 'n'];
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
