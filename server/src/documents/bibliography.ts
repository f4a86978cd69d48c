// The bibliography files a document names, as written (relative paths; the server resolves them).
import type { Syntax } from './types';

export function uncommented(text: string): string {
  // Blank out comments, keeping offsets and line structure.
  return text.replace(/(^|[^\\])%.*$/gm, (m, pre: string) => pre + ' '.repeat(m.length - pre.length));
}

function latexFiles(text: string): string[] {
  const t = uncommented(text);
  const files: string[] = [];
  for (const m of t.matchAll(/\\(bibliography|addbibresource|addglobalbib|addsectionbib)\s*(?:\[[^\]]*\]\s*)?\{([^}]*)\}/g)) {
    const names = m[1] === 'bibliography' ? m[2].split(',') : [m[2]];
    for (const raw of names) {
      const name = raw.trim();
      if (!name) continue;
      files.push(m[1] === 'bibliography' && !/\.bib$/i.test(name) ? `${name}.bib` : name);
    }
  }
  return files;
}

export function unquote(s: string): string {
  const v = s.trim();
  if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) return v.slice(1, -1);
  return v.replace(/\s+#.*$/, '');
}

/** The lines of a Markdown document's YAML front matter ([] without one). */
export function frontMatterLines(text: string): string[] {
  const fm = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*\r?$/m.exec(text);
  return fm && fm.index === 0 ? fm[1].split(/\r?\n/) : [];
}

function markdownFiles(text: string): string[] {
  const lines = frontMatterLines(text);
  const files: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^bibliography[ \t]*:[ \t]*(.*)$/.exec(lines[i]);
    if (!m) continue;
    const value = m[1].trim();
    if (value.startsWith('[')) {
      files.push(...value.replace(/^\[|\]\s*$/g, '').split(',').map(unquote).filter(Boolean));
    } else if (value && !value.startsWith('#')) {
      files.push(unquote(value));
    } else {
      for (let j = i + 1; j < lines.length; j++) {
        const item = /^[ \t]*-[ \t]+(.+)$/.exec(lines[j]);
        if (item) files.push(unquote(item[1]));
        else if (/^[ \t]*(#.*)?$/.test(lines[j])) continue;
        else break;
      }
    }
  }
  return files;
}

/** \bibliography{a,b} (adds .bib), \addbibresource[…]{x.bib}, front matter `bibliography:` (string or list). */
export function bibliographyFiles(text: string, syntax: Syntax): string[] {
  const files = syntax === 'latex' ? latexFiles(text) : markdownFiles(text);
  return [...new Set(files)];
}
