// Which documents LitLens reads, and as which syntax: the one list of language ids and file
// extensions. The client (its document selector), the server and the CLI all ask here; pure, so
// the client bundles it.

export type Syntax = 'latex' | 'markdown';

/** The VS Code language ids LitLens serves: the client's document selector. package.json's
 * activation events and `when` clauses name the same ids (a test checks). */
export const LANGUAGES = ['latex', 'tex', 'markdown', 'quarto', 'rmd'] as const;

/** Language ids → syntax: VS Code's, and other editors' names for the same (Neovim's plaintex, rmarkdown, pandoc). */
const BY_LANGUAGE: Readonly<Record<string, Syntax>> = {
  latex: 'latex',
  tex: 'latex',
  plaintex: 'latex',
  markdown: 'markdown',
  quarto: 'markdown',
  rmd: 'markdown',
  rmarkdown: 'markdown',
  pandoc: 'markdown',
};

/** File extensions of LaTeX and Markdown documents (lower case), for files no editor has open. */
const BY_EXTENSION: Readonly<Record<string, Syntax>> = {
  '.tex': 'latex',
  '.latex': 'latex',
  '.ltx': 'latex',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.qmd': 'markdown',
  '.rmd': 'markdown',
};

/** The syntax of a document by its editor's language id, else null. */
export function syntaxOf(languageId: string): Syntax | null {
  return BY_LANGUAGE[languageId.toLowerCase()] ?? null;
}

/** The syntax of a LaTeX/Markdown file by its extension, else null. */
export function syntaxOfFile(file: string): Syntax | null {
  const ext = /\.[^./\\]+$/.exec(file)?.[0].toLowerCase();
  return (ext && BY_EXTENSION[ext]) || null;
}
