// The search panel's messages, declared once: the extension (searchPanel.ts) and the webview
// script (media/panel.js, via JSDoc imports) both use these types.
import type { LibraryInfo, SearchResult } from '../../server/src/protocol';

/** A result as the panel shows it: with its author line made by the extension (server/src/display.ts). */
export interface PanelResult extends SearchResult {
  authorsText: string;
}

/** What the panel's inputs hold; also what it keeps with `setState`. */
export interface PanelQuery {
  query: string;
  /** Source names to keep; empty = every source. */
  sources: string[];
  yearFrom?: number;
  yearTo?: number;
}

/** webview → extension */
export type FromPanel =
  | { type: 'ready' }
  | ({ type: 'search'; seq: number } & PanelQuery)
  | { type: 'insert'; key: string }
  | { type: 'copyBibtex'; key: string }
  | { type: 'similar'; key: string; title: string; text: string }
  | { type: 'openEntry'; file: string; line: number };

/** extension → webview */
export type ToPanel =
  | { type: 'info'; info: LibraryInfo | null; target: string | null; serverDown?: string }
  | { type: 'setQuery'; query: string }
  | { type: 'results'; seq: number; results: PanelResult[]; error?: string }
  | { type: 'similar'; title: string; results: PanelResult[]; error?: string }
  | { type: 'notice'; text: string; kind: 'info' | 'error' };

/** State the webview keeps across hide/show (retainContextWhenHidden is off). */
export interface PanelState extends PanelQuery {
  results: PanelResult[];
  /** When showing "similar to …" instead of the query's results. */
  similarTo?: string;
  selected: number;
}
