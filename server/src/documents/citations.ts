// Citation keys in the source: which are cited where, and which one the cursor is writing.
import { isCiteCommand, matchGroup } from './latex';
import { citationAtSignOk, isCrossReference, isKeyWordChar, keyEndAt } from './markdown';
import { plainText } from './passages';
import { isExcluded } from './plain';
import type { CitationContext, CitedKey, Syntax } from './types';

/** A `\cite…{…}` command: its name as written and the key groups (`\cites` has several). */
interface CiteCommand {
  command: string;
  start: number;
  /** Content spans of the `{…}` key groups; `closed` false for a group still being typed. */
  groups: { start: number; end: number; closed: boolean }[];
}

const KEY_CHAR = /[^\s,{}\\%[\]#]/;

function inLatexComment(t: string, offset: number): boolean {
  const lineStart = t.lastIndexOf('\n', offset - 1) + 1;
  for (let k = lineStart; k < offset; k++) {
    const c = t[k];
    if (c === '\\') k++;
    else if (c === '%') return true;
  }
  return false;
}

function skipSpace(t: string, k: number): number {
  let newlines = 0;
  while (k < t.length) {
    const c = t[k];
    if (c === '\n') {
      if (++newlines > 1) break;
    } else if (c !== ' ' && c !== '\t' && c !== '\r') break;
    k++;
  }
  return k;
}

/** Parses the arguments after a cite command name ending at `j`. */
function parseCite(t: string, start: number, j: number, name: string): CiteCommand {
  const multi = /cites$/.test(name);
  const cmd: CiteCommand = { command: t.slice(start, j), start, groups: [] };
  let k = j;
  for (;;) {
    const m = skipSpace(t, k);
    const c = t[m];
    if (c === '[') {
      const e = matchGroup(t, m, t.length);
      if (e < 0) return cmd;
      k = e + 1;
    } else if (c === '{') {
      const e = keyGroupEnd(t, m);
      if (e >= 0) {
        cmd.groups.push({ start: m + 1, end: e, closed: true });
        k = e + 1;
      } else {
        cmd.groups.push({ start: m + 1, end: unclosedEnd(t, m + 1), closed: false });
        return cmd;
      }
      if (!multi) return cmd;
    } else return cmd;
  }
}

/** The `}` closing a key group opened at `open`, or -1 when a brace, backslash, comment or blank line
 *  comes first (keys hold none of these). */
function keyGroupEnd(t: string, open: number): number {
  for (let k = open + 1; k < t.length; k++) {
    const c = t.charCodeAt(k);
    if (c === 125) return k;
    if (c === 123 || c === 92 || c === 37) return -1;
    if (c === 10) {
      let m = k + 1;
      while (m < t.length && (t.charCodeAt(m) === 32 || t.charCodeAt(m) === 9 || t.charCodeAt(m) === 13)) m++;
      if (t.charCodeAt(m) === 10) return -1;
    }
  }
  return -1;
}

/** An unclosed key group (the writer is typing) runs over `key, key,` and stops at prose or markup:
 *  in "\cite{mu and more" it is "mu"; in "\cite{a, " it includes the comma and the spaces after it. */
function unclosedEnd(t: string, from: number): number {
  const limit = Math.min(t.length, from + 2000);
  /** Past the whitespace at k, or -1 at a blank line. */
  const skipWhite = (k: number): number => {
    while (k < limit) {
      const c = t.charCodeAt(k);
      if (c === 10) {
        let m = k + 1;
        while (m < limit && (t.charCodeAt(m) === 32 || t.charCodeAt(m) === 9 || t.charCodeAt(m) === 13)) m++;
        if (m >= limit) return limit;
        if (t.charCodeAt(m) === 10) return -1;
        k = m;
      } else if (c === 32 || c === 9 || c === 13) k++;
      else break;
    }
    return k;
  };
  let k = skipWhite(from);
  if (k < 0) return from;
  let end = k;
  for (;;) {
    while (k < limit && KEY_CHAR.test(t[k])) k++;
    end = k;
    const j = skipWhite(k);
    if (j < 0 || t[j] !== ',') return end;
    const next = skipWhite(j + 1);
    if (next < 0) return j + 1;
    end = next;
    if (!KEY_CHAR.test(t[next] ?? ' ')) return end;
    k = next;
  }
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 9 || c === 13;

/** Keys of a group with their exact spans. */
function groupKeys(t: string, g: { start: number; end: number }, into: CitedKey[] = []): CitedKey[] {
  let k = g.start;
  while (k < g.end) {
    while (k < g.end && (t.charCodeAt(k) === 44 || isSpace(t.charCodeAt(k)))) k++;
    const s = k;
    while (k < g.end && t.charCodeAt(k) !== 44) k++;
    let e = k;
    while (e > s && isSpace(t.charCodeAt(e - 1))) e--;
    if (e > s) into.push({ key: t.slice(s, e), start: s, end: e });
  }
  return into;
}

const isAsciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** Cite commands starting in [from, to): found by their "cite", then walked out to the backslash and name end. */
function latexCommands(t: string, from = 0, to = t.length): CiteCommand[] {
  const result: CiteCommand[] = [];
  const lower = /cite/gi;
  lower.lastIndex = from;
  for (let m = lower.exec(t); m; m = lower.exec(t)) {
    let b = m.index;
    while (b > 0 && isAsciiLetter(t.charCodeAt(b - 1))) b--;
    if (b === 0 || t.charCodeAt(b - 1) !== 92) continue;
    const start = b - 1;
    if (start >= to) break;
    if (start < from) continue;
    let e = m.index + 4;
    while (e < t.length && isAsciiLetter(t.charCodeAt(e))) e++;
    const name = t.slice(b, e);
    if (t.charCodeAt(e) === 42) e++;
    if (!isCiteCommand(name) || inLatexComment(t, start)) {
      lower.lastIndex = e;
      continue;
    }
    const cmd = parseCite(t, start, e, name);
    result.push(cmd);
    const last = cmd.groups[cmd.groups.length - 1];
    lower.lastIndex = Math.max(e, last ? last.end : e);
  }
  return result;
}

function latexCitationAt(t: string, offset: number): CitationContext | null {
  // The command must start in this paragraph; look back a bounded distance.
  let from = Math.max(0, offset - 3000);
  let para = -1;
  for (const m of t.slice(from, offset).matchAll(/\n[ \t]*\r?\n/g)) para = m.index + m[0].length;
  if (para >= 0) from += para;
  const cmds = latexCommands(t, from, offset);
  for (let i = cmds.length - 1; i >= 0; i--) {
    const cmd = cmds[i];
    const group = cmd.groups.find((g) => g.start <= offset && offset <= g.end);
    if (!group) continue;
    if (inLatexComment(t, offset)) return null;
    let s = offset;
    while (s > group.start && KEY_CHAR.test(t[s - 1])) s--;
    let e = offset;
    while (e < group.end && KEY_CHAR.test(t[e])) e++;
    const keys = cmd.groups.flatMap((g) => groupKeys(t, g, [])).filter((k) => !(k.start === s && k.end === e) && !(k.start <= offset && offset <= k.end));
    return { syntax: 'latex', command: cmd.command, typed: t.slice(s, offset), typedStart: s, typedEnd: e, keys: keys.map((k) => k.key) };
  }
  return null;
}

function markdownKeys(t: string): CitedKey[] {
  const plain = plainText(t, 'markdown');
  const keys: CitedKey[] = [];
  for (let at = t.indexOf('@'); at >= 0; at = t.indexOf('@', at + 1)) {
    if (!citationAtSignOk(t, at) || !isKeyWordChar(t[at + 1]) || isExcluded(plain, at)) continue;
    const end = keyEndAt(t, at + 1);
    const key = t.slice(at + 1, end);
    if (!isCrossReference(key)) keys.push({ key, start: at + 1, end });
  }
  return keys;
}

/** The `[` of a bracketed citation holding `at`, or -1. */
function citationBracket(t: string, at: number): number {
  for (let k = at - 1; k >= 0 && at - k < 1000; k--) {
    const c = t[k];
    if (c === ']') return -1;
    if (c === '[') return k;
    if (c === '\n' && /^\n[ \t]*\r?\n/.test(t.slice(k, k + 200)) && k < at - 1) return -1;
  }
  return -1;
}

function bracketEnd(t: string, open: number): number {
  for (let k = open + 1; k < t.length && k - open < 2000; k++) {
    const c = t[k];
    if (c === ']' || c === '[') return k;
    if (c === '\n' && /^\n[ \t]*\r?\n/.test(t.slice(k, k + 200))) return k;
  }
  return t.length;
}

function markdownCitationAt(t: string, offset: number): CitationContext | null {
  let s = offset;
  while (s > 0 && (isKeyWordChar(t[s - 1]) || (':.#$%&-+?<>~/'.includes(t[s - 1]) && s < offset && isKeyWordChar(t[s])))) s--;
  // Internal punctuation cannot start a key.
  while (s < offset && !isKeyWordChar(t[s])) s++;
  const at = s - 1;
  if (at < 0 || t[at] !== '@' || !citationAtSignOk(t, at)) return null;
  if (isExcluded(plainText(t, 'markdown'), at)) return null;
  const e = keyEndAt(t, s) < offset ? offset : keyEndAt(t, s);
  if (isCrossReference(t.slice(s, e))) return null;
  const open = citationBracket(t, at);
  const keys: string[] = [];
  let command = '@';
  if (open >= 0) {
    command = '[@';
    const inner = t.slice(open, bracketEnd(t, open));
    for (const m of inner.matchAll(/(?:^\[|[\s;])-?@([\p{L}\p{N}_][^\s;,\]]*)/gu)) {
      const keyStart = open + m.index! + m[0].length - m[1].length;
      if (keyStart === s) continue;
      keys.push(t.slice(keyStart, keyEndAt(t, keyStart)));
    }
  }
  return { syntax: 'markdown', command, typed: t.slice(s, offset), typedStart: s, typedEnd: e, keys };
}

/** Where the cursor is writing a citation key, for completion; null outside citations. */
export function citationAt(text: string, offset: number, syntax: Syntax): CitationContext | null {
  if (offset < 0 || offset > text.length) return null;
  return syntax === 'latex' ? latexCitationAt(text, offset) : markdownCitationAt(text, offset);
}

/** Commands that define a macro or environment: a citation in their body is a template, not a citation. */
const DEFINITION =
  /\\(?:(?:re)?newcommand|providecommand|DeclareRobustCommand|(?:New|Renew|Provide|Declare)Document(?:Command|Environment)|(?:re)?newenvironment)\*?(?![A-Za-z])|\\[gex]?def(?![A-Za-z])/g;

/** Source spans of the bodies of \newcommand, \renewcommand, \providecommand, \DeclareRobustCommand, \def (and
 *  \gdef, \edef, \xdef), \NewDocumentCommand and friends, and of \newenvironment's begin and end code. */
export function definitionBodies(t: string): { start: number; end: number }[] {
  const bodies: { start: number; end: number }[] = [];
  const spaces = (k: number) => {
    while (k < t.length && /\s/.test(t[k])) k++;
    return k;
  };
  DEFINITION.lastIndex = 0;
  for (let m = DEFINITION.exec(t); m; m = DEFINITION.exec(t)) {
    if (inLatexComment(t, m.index)) continue;
    const word = m[0];
    let k = spaces(m.index + word.length);
    // The name: {\name}, {name} (environments) or \name.
    if (t[k] === '{') {
      const e = matchGroup(t, k, t.length);
      if (e < 0) continue;
      k = e + 1;
    } else if (t[k] === '\\') {
      k++;
      if (/[A-Za-z@]/.test(t[k] ?? '')) while (k < t.length && /[A-Za-z@]/.test(t[k])) k++;
      else k++;
    } else continue;
    if (/def$/.test(word)) {
      // \def\name#1#2{body}: the parameter text runs to the body's brace.
      while (k < t.length && t[k] !== '{' && t[k] !== '\n' && k - m.index < 300) k++;
    } else {
      k = spaces(k);
      if (/Document/.test(word)) {
        // {argument spec}
        const e = t[k] === '{' ? matchGroup(t, k, t.length) : -1;
        if (e < 0) continue;
        k = spaces(e + 1);
      }
      // [number of arguments][default]
      while (t[k] === '[') {
        const e = matchGroup(t, k, t.length);
        if (e < 0) break;
        k = spaces(e + 1);
      }
    }
    const groups = /nvironment/.test(word) ? 2 : 1;
    for (let g = 0; g < groups && t[k] === '{'; g++) {
      const e = matchGroup(t, k, t.length);
      if (e < 0) break;
      bodies.push({ start: k + 1, end: e });
      k = spaces(e + 1);
    }
    DEFINITION.lastIndex = Math.max(DEFINITION.lastIndex, k);
  }
  return bodies;
}

/** Every cited key with its exact source span, in document order. Not a macro parameter (`#1`), nor a
 *  citation in a macro definition's body (`\newcommand{\mycite}[1]{\citep{#1}}`). */
export function citedKeys(text: string, syntax: Syntax): CitedKey[] {
  if (syntax === 'markdown') return markdownKeys(text);
  const keys: CitedKey[] = [];
  const bodies = definitionBodies(text);
  let b = 0;
  for (const c of latexCommands(text)) {
    while (b < bodies.length && bodies[b]!.end <= c.start) b++;
    if (b < bodies.length && bodies[b]!.start <= c.start) continue;
    for (const g of c.groups) groupKeys(text, g, keys);
  }
  return keys.filter((k) => !k.key.includes('#'));
}

/** The cited key under the cursor (its span includes both ends), or null. */
export function keyAt(text: string, offset: number, syntax: Syntax): CitedKey | null {
  if (syntax === 'latex') {
    const ctx = latexCitationAt(text, offset);
    if (!ctx || ctx.typedStart === ctx.typedEnd) return null;
    return { key: text.slice(ctx.typedStart, ctx.typedEnd), start: ctx.typedStart, end: ctx.typedEnd };
  }
  // The nearest '@' at or before the offset that starts a key covering it.
  for (let at = text.lastIndexOf('@', offset); at >= 0 && offset - at < 300; at = text.lastIndexOf('@', at - 1)) {
    if (!citationAtSignOk(text, at) || !isKeyWordChar(text[at + 1])) continue;
    const end = keyEndAt(text, at + 1);
    const key = text.slice(at + 1, end);
    if (offset >= at && offset <= end && !isCrossReference(key) && !isExcluded(plainText(text, 'markdown'), at)) return { key, start: at + 1, end };
    break;
  }
  return null;
}

/** A LaTeX citation command or a pandoc bracketed citation starting at the text's start (after spaces or a tie). */
const LATEX_CITATION_AHEAD = /^[\s~]*\\[A-Za-z]*cite[A-Za-z]*\*?(?:\s*\[[^\]\n]*\]){0,2}\s*\{[^{}\\%]*\}/;
const PANDOC_CITATION_AHEAD = /^\s*\[[^\][\n]*@[^\][\n]*\]/;

/**
 * Where a citation for a sentence goes: at its end, before its full stop (or ! ?), and inside a
 * citation that already ends it (`\cite{a|}.`, `[@a|].`), so the new key joins that one.
 * `end`: the source offset just after the sentence's last character.
 */
export function citationSpot(text: string, end: number, syntax: Syntax): number {
  let e = end;
  while (e > 0 && /[.!?]/.test(text[e - 1]!)) e--;
  // A citation right after the sentence's last word (the plain text leaves citations out).
  const ahead = (syntax === 'latex' ? LATEX_CITATION_AHEAD : PANDOC_CITATION_AHEAD).exec(text.slice(e, e + 2000));
  if (ahead) return e + ahead[0].length - 1;
  const ending = text[e - 1] === (syntax === 'latex' ? '}' : ']') ? citationAt(text, e - 1, syntax) : null;
  return ending && ending.command !== '@' ? e - 1 : e;
}
