// The E-utilities client's public API.
export { classifyAnswer, type Classification, type Endpoint, type HttpAnswer, type Retmode } from './classify.js';
export {
  EutilsClient,
  EutilsError,
  parseRetryAfter,
  type ClientEvent,
  type EsearchQuery,
  type EutilsConfig,
  type EutilsErrorKind,
  type HistoryPage,
} from './client.js';
export {
  collectPmids,
  fetchPapers,
  type CollectedPmids,
  type CollectOptions,
  type CollectProgress,
  type CollectQuery,
  type EfetchPort,
  type EsearchPort,
  type FetchOptions,
  type PaperBatch,
} from './collect.js';
export { parseEsearch, parseEsearchJson, parseEsearchXml, type EsearchResult } from './esearch.js';
export { decodeJsonLenient } from './json.js';
export { GAP_WITH_KEY_MS, GAP_WITHOUT_KEY_MS, Pacer, gapFor, sharedPacer, type PacerOptions } from './pacer.js';
export { redact } from './redact.js';
export { HostLedger, defaultLedgerFile } from './host-ledger.js';
