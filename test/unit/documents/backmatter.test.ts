import { strict as assert } from 'node:assert';
import { backMatterSpans, inBackMatter, isBackMatterTitle } from '../../../server/src/documents';

describe('documents: back matter (no lenses, no related hovers)', () => {
  it('knows back-matter headings in the spellings papers use', () => {
    const yes = [
      'Acknowledgments', 'Acknowledgements', 'ACKNOWLEDGMENTS', 'Acknowledgment', 'Acknowledgements and funding', '5. Funding', 'Funding information',
      'Financial support', 'Data Availability', 'Data availability statement', 'Code availability', 'Data and code availability', 'Software availability',
      'Availability of data and materials', 'Author contributions', "Authors' contributions", 'Author Contributions Statement', 'CRediT authorship contribution statement',
      'Competing interests', 'Conflict of interest', 'Conflicts of Interest', 'Declaration of competing interest', 'Declarations', 'References', 'Bibliography',
      'Literature cited', 'Works Cited', 'IV. Acknowledgments', 'Acknowledgments.', '**Funding**',
    ];
    for (const t of yes) assert.ok(isBackMatterTitle(t), t);
    const no = ['Introduction', 'Related work', 'Funding models for public broadcasting', 'Data', 'Code', 'Availability heuristics in judgement', 'Interests of the study'];
    for (const t of no) assert.ok(!isBackMatterTitle(t), t);
  });

  it('LaTeX: \\section, \\section*, \\paragraph run-in titles, AASTeX \\acknowledgments and environments', () => {
    const body = 'We measured the flow in the river over three summers.';
    const cases = [
      `\\section{Acknowledgments}\n${body}`,
      `\\section*{Acknowledgements}\n${body}`,
      `\\subsection*{Data availability}\n${body}`,
      `\\paragraph{Funding.} ${body}`,
      `\\paragraph*{Author contributions} ${body}`,
      `\\acknowledgments\n${body}`,
      `\\begin{acknowledgements}\n${body}\n\\end{acknowledgements}`,
      `\\section{References}\n${body}`,
    ];
    for (const c of cases) {
      const text = `\\begin{document}\n\\section{Method}\n${body}\n\n${c}\n\\end{document}\n`;
      const spans = backMatterSpans(text, 'latex');
      const first = text.indexOf(body);
      const second = text.indexOf(body, first + 1);
      assert.ok(!inBackMatter(spans, first), `${c}: the method is not back matter`);
      assert.ok(inBackMatter(spans, second), `${c}: ${JSON.stringify(spans)}`);
    }
    // A commented-out \acknowledgments starts nothing.
    const commented = `\\section{Method}\n% \\acknowledgments\nWe measured the flow.\n`;
    assert.deepEqual(backMatterSpans(commented, 'latex'), []);
  });

  it('Markdown: # and setext headings, bold run-in titles; the section ends at the next heading of its level', () => {
    const body = 'We measured the flow in the river over three summers.';
    for (const heading of ['# Acknowledgements\n\n', '## Data and code availability\n\n', 'Funding\n-------\n\n', '**Funding:** ', '**Acknowledgments.** ', '# References\n\n']) {
      const text = `# Method\n\n${body}\n\n${heading}${body}\n\n# Appendix\n\n${body}\n`;
      const spans = backMatterSpans(text, 'markdown');
      const at = [0, 1, 2].reduce<number[]>((xs) => [...xs, text.indexOf(body, (xs[xs.length - 1] ?? -1) + 1)], []);
      assert.deepEqual(at.map((o) => inBackMatter(spans, o)), [false, true, false], heading);
    }
  });
});
