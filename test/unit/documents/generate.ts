// A long synthetic paper for timing: sections, citations, math, comments, lists, links.
export function longDocument(syntax: 'latex' | 'markdown', lines: number): string {
  const out: string[] = [];
  for (let i = 0; out.length < lines; i++) {
    if (i % 40 === 0) out.push(syntax === 'latex' ? `\\section{Section ${i} on planning}` : `## Section ${i} on planning`, '');
    if (syntax === 'latex') {
      out.push(
        `Planning with learned models, e.g. MuZero~\\citep{schrittwieser2020,silver${i}}, works well in Fig.~\\ref{fig:${i}}.`,
        `We use $x^{${i}}$ and \\emph{J. Smith} et al. found 3.14 in Sec. 4. % comment ${i}`,
        `The \\textbf{results} in Eq.~(2) hold (see \\cite[p.~3]{key${i}}). Really!`,
        '',
      );
    } else {
      out.push(
        `Planning with *learned* models, e.g. MuZero [@schrittwieser2020; @silver${i}], works well in Fig. 3.`,
        `We use $x^{${i}}$ and **J. Smith** et al. found 3.14 in Sec. 4. See [link](http://x.org/${i}).`,
        `The \`results\` in Eq. (2) hold, as @key${i} says. Really!`,
        '',
      );
    }
  }
  return out.join('\n');
}
