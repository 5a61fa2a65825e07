// What the two PubMed XML readers share (src/pubmed/xml.ts builds a tree of a record, src/pubmed/xml-direct.ts
// reads its fields in one pass): XML whitespace, entities, the elements both jump over unread, and the rules
// that turn an element's texts into a field. Pure: no I/O.
export function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

export function isBlank(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isWs(s.charCodeAt(i))) return false;
  return true;
}

/** Trims XML whitespace only: U+00A0 is content in PubMed text, so String#trim is wrong here. */
export function trimXml(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isWs(s.charCodeAt(a))) a++;
  while (b > a && isWs(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

// Whitespace runs that are not already a single space: a lone ' ' stays as it is, so a clean abstract is
// scanned without building a new string (replacing every space by a space cost a tenth of the parse).
const XML_WS_RUN = / [ \t\r\n]+|[\t\r\n][ \t\r\n]*/g;

export function collapse(s: string): string {
  const n = s.length;
  if (n > 64) return trimXml(s.replace(XML_WS_RUN, ' '));
  // Most leaf texts are already clean; checking is much cheaper than a regex replace.
  let clean = n > 0 && !isWs(s.charCodeAt(0)) && !isWs(s.charCodeAt(n - 1));
  for (let i = 1; clean && i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 32) clean = s.charCodeAt(i - 1) !== 32;
    else if (c === 10 || c === 9 || c === 13) clean = false;
  }
  return clean ? s : trimXml(s.replace(XML_WS_RUN, ' '));
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const ENTITY = /&(?:#[xX]([0-9a-fA-F]{1,8})|#([0-9]{1,10})|(lt|gt|amp|quot|apos));/g;

function entity(m: string, hex: string | undefined, dec: string | undefined, name: string | undefined): string {
  if (name !== undefined) return NAMED[name] ?? m;
  const cp = hex !== undefined ? parseInt(hex, 16) : parseInt(dec ?? '', 10);
  // An invalid character reference is left as written rather than losing the whole record.
  if (!(cp > 0 && cp <= 0x10ffff) || (cp >= 0xd800 && cp <= 0xdfff)) return m;
  return String.fromCodePoint(cp);
}

// Undeclared named entities (&nbsp; …) are not XML; they stay verbatim instead of failing the record.
export function decode(s: string): string {
  return s.indexOf('&') === -1 ? s : s.replace(ENTITY, entity);
}

/**
 * Elements whose content no field reads. parseTree jumps over them with indexOf instead of building
 * them: in current records the ReferenceList alone is ~40% of the bytes. The price is that their
 * inside is not checked for well-formedness; the record's raw text is stored unchanged anyway.
 */
const SKIPPED = [
  'ReferenceList',
  'AffiliationInfo',
  'GrantList',
  'ChemicalList',
  'SupplMeshList',
  'InvestigatorList',
  'DataBankList',
  'MedlineJournalInfo',
  'OtherAbstract',
  'CoiStatement',
  'GeneralNote',
  'ObjectList',
  'PersonalNameSubjectList',
  'GeneSymbolList',
  'Sections',
  'ItemList',
  'CopyrightInformation',
  'Pagination',
  // Small but frequent (4.4 qualifiers a record): mesh keeps descriptors only, dates only DateRevised.
  'QualifierName',
  'Identifier',
  'DateCompleted',
  'ArticleDate',
  'ISSN',
  'CitationSubset',
  // The Entrez date is read from Year, Month and Day.
  'Hour',
  'Minute',
];

// Indexed by the name's first character, so the common case (not skipped) costs one array read.
const SKIPPED_BY_FIRST: ([string, string][] | undefined)[] = [];
for (const name of SKIPPED) (SKIPPED_BY_FIRST[name.charCodeAt(0)] ??= []).push([name, '</' + name]);

/** The end tag of an element the parser may skip, or undefined. */
export function skippedEndTag(name: string): string | undefined {
  return skippedAt(name, 0, name.length)?.[1];
}

export function isNameEnd(c: number): boolean {
  return c === 62 || c === 47 || isWs(c);
}

/** The index after the end tag closing the element whose content starts at `from`; -1 if absent. */
export function skipElement(s: string, from: number, name: string, endTag: string): number {
  if (name === 'ReferenceList') return skipNested(s, from, name);
  let p = from;
  for (;;) {
    const at = s.indexOf(endTag, p);
    if (at === -1) return -1;
    let i = at + endTag.length;
    if (!isNameEnd(s.charCodeAt(i))) {
      p = at + 1;
      continue;
    }
    while (i < s.length && isWs(s.charCodeAt(i))) i++;
    return s.charCodeAt(i) === 62 ? i + 1 : -1;
  }
}

/**
 * skipElement for the one skipped element the DTD lets nest (ReferenceList): a single scan for its name
 * finds both its nested start tags (depth + 1) and its end tags (depth - 1).
 */
export function skipNested(s: string, from: number, name: string): number {
  let depth = 1;
  for (let at = s.indexOf(name, from); at !== -1; at = s.indexOf(name, at + name.length)) {
    let i = at + name.length;
    if (!isNameEnd(s.charCodeAt(i))) continue;
    if (s.charCodeAt(at - 1) === 60) {
      depth++;
    } else if (s.charCodeAt(at - 1) === 47 && s.charCodeAt(at - 2) === 60) {
      while (i < s.length && isWs(s.charCodeAt(i))) i++;
      if (s.charCodeAt(i) !== 62) return -1;
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export function monthOf(t: string): number | null {
  if (/^[0-9]{1,2}$/.test(t)) {
    const m = Number(t);
    return m >= 1 && m <= 12 ? m : null;
  }
  const i = MONTHS.indexOf(t.slice(0, 3).toLowerCase());
  return i === -1 ? null : i + 1;
}

/** Year, Month and Day texts (each element's text before its first child) as YYYY-MM-DD; null unless all three are valid. */
export function isoDateOfParts(year: string, month: string, day: string): string | null {
  const y = collapse(year);
  const m = monthOf(collapse(month));
  const d = collapse(day);
  if (!/^[0-9]{4}$/.test(y) || m === null || !/^[0-9]{1,2}$/.test(d)) return null;
  const n = Number(d);
  if (n < 1 || n > 31) return null;
  return `${y}-${String(m).padStart(2, '0')}-${String(n).padStart(2, '0')}`;
}

/**
 * [name, end tag `</name`] of a skipped element whose name is s[from, from + length), read in place;
 * undefined when the name is not one of SKIPPED.
 */
export function skippedAt(s: string, from: number, length: number): readonly [string, string] | undefined {
  const candidates = SKIPPED_BY_FIRST[s.charCodeAt(from)];
  if (candidates) for (const entry of candidates) if (entry[0].length === length && s.startsWith(entry[0], from)) return entry;
  return undefined;
}

/** The year of a PubDate from its Year's and MedlineDate's texts (before their first child); null when neither has one. */
export function yearOfTexts(year: string, medlineDate: string): number | null {
  const y = year.trim();
  if (/^[0-9]+$/.test(y)) return Number(y);
  const m = /[0-9]{4}/.exec(medlineDate);
  return m ? Number(m[0]) : null;
}

/** A PubDate as shown: its MedlineDate, else Year, Month, Day and Season joined (each collapsed; null or empty left out). */
export function pubDateOfTexts(medlineDate: string | null, parts: readonly (string | null | undefined)[]): string | null {
  if (medlineDate) return medlineDate;
  const kept = parts.filter((p): p is string => !!p);
  return kept.length > 0 ? kept.join(' ') : null;
}

/** One AbstractText as it goes into the abstract: "LABEL: text", or either alone; null when both are empty. */
export function abstractPart(label: string, text: string): string | null {
  // String#trim (which also strips U+00A0) mirrors the reference's Python str.strip() here.
  const l = label.trim();
  if (l) return text ? (l + ': ' + text).trim() : l + ':';
  return text || null;
}

/** A PMC id from an OtherID of Source NLM ("PMC12345 [Available on ...]"), or null. */
export function pmcOfOtherId(source: string | undefined, text: string): string | null {
  const t = text.trim();
  return source === 'NLM' && t.startsWith('PMC') ? (t.split(/\s+/)[0] ?? t) : null;
}
