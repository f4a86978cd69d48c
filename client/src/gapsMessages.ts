// The messages between the gap report panel (gapsPanel.ts) and its webview script (media/gaps.js),
// typed once for both (the script checks against them with //@ts-check).
import type { Gap } from '../../server/src/protocol';

/** A gap as the webview shows it: with its author line made here (the script imports nothing). */
export interface GapRow extends Gap {
  authorsText: string;
}

/** extension → webview */
export type ToGaps = { type: 'gaps'; title: string; rows: GapRow[]; error?: string } | { type: 'notice'; kind: 'info' | 'error'; text: string };
/** webview → extension; `index` into the rows last sent. */
export type FromGaps =
  | { type: 'ready' }
  | { type: 'cite'; index: number }
  | { type: 'copyBibtex'; key: string }
  | { type: 'reveal'; index: number }
  | { type: 'openEntry'; file: string; line: number };

