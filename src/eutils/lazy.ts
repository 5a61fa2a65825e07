// The two packages only network commands need, loaded on first use: axios (about 55 ms to load) and
// fast-xml-parser (about 35 ms) were loaded by every command through the modules that import the
// clients, so `show` or `tag` paid for them before reading a row.
import { createRequire } from 'node:module';
import type { AxiosStatic } from 'axios';
import type { XMLParser as XMLParserClass } from 'fast-xml-parser';

const load = createRequire(import.meta.url);
let axios: AxiosStatic | null = null;
let xmlParser: typeof XMLParserClass | null = null;

/**
 * axios, through its single-file CommonJS build: it loads in about two thirds of the time of its ESM tree,
 * and this load is most of what `search` does before its first request.
 */
export function loadAxios(): AxiosStatic {
  return (axios ??= load('axios') as AxiosStatic);
}

/** fast-xml-parser's XMLParser class. */
export function loadXmlParser(): typeof XMLParserClass {
  return (xmlParser ??= (load('fast-xml-parser') as { XMLParser: typeof XMLParserClass }).XMLParser);
}
