import { strict as assert } from 'node:assert';
import { diagnostics } from '../../../server/src/features/diagnostics';
import { REFS, fixture, workspace } from './fixture';

describe('features: diagnostics', () => {
  it('flags keys missing from the bibliography (fixable when the library has them) and unknown keys', async () => {
    const { ctx, spans, ws } = await fixture(`%! paper.tex\n\\cite{smith2020graphs, «mastering-atari-go»}\\cite{«nope2000»}\n\\bibliography{refs}|\n${REFS}`);
    try {
      const problems = diagnostics(ctx)!;
      assert.deepEqual(
        problems.map((p) => [p.code, p.key, ctx.doc.text.slice(p.start, p.end)]),
        [
          ['not-in-bibliography', 'mastering-atari-go', 'mastering-atari-go'],
          ['unknown-key', 'nope2000', 'nope2000'],
        ],
      );
      assert.deepEqual(
        problems.map((p) => [p.start, p.end]),
        spans.map((s) => [s.start, s.end]),
      );
    } finally {
      ws.dispose();
    }
  });

  it('without a readable bibliography file, only keys the library lacks are flagged', async () => {
    const ws = await workspace(REFS);
    try {
      const { ctx } = ws.at('%! sub/note.md\n[@mastering-atari-go; @nope2000]|', { config: { defaultBibliography: 'missing.bib' } });
      assert.deepEqual(
        diagnostics(ctx)!.map((p) => p.key),
        ['nope2000'],
      );
    } finally {
      ws.dispose();
    }
  });

  it('flags a key defined in two of the project files', async () => {
    const { ctx, ws } = await fixture(`%! paper.tex\n\\cite{smith2020graphs}\\bibliography{refs,other}|\n${REFS}%! other.bib\n@misc{smith2020graphs, title = {Another}}\n`);
    try {
      const problems = diagnostics(ctx)!;
      assert.equal(problems.length, 1);
      assert.equal(problems[0]!.code, 'duplicate-key');
      assert.match(problems[0]!.message, /refs\.bib:1, other\.bib:1/);
    } finally {
      ws.dispose();
    }
  });

  it('macro parameters and citations in macro definitions are not unknown keys', async () => {
    const { ctx, ws } = await fixture(
      `%! paper.tex\n\\newcommand{\\inlinecite}[1]{\\citeauthor{#1}~\\citep{#1}}\n\\def\\two#1#2{\\cite{#1,#2}}\n\\begin{document}\\inlinecite{«nope2000»}\\end{document}|\n`,
      { corpus: false },
    );
    try {
      assert.deepEqual(
        diagnostics(ctx)!.map((p) => p.key),
        ['nope2000'],
      );
    } finally {
      ws.dispose();
    }
  });

  it('leaves out the keys of the citation being typed, and only those', async () => {
    const ws = await workspace(REFS);
    try {
      for (const [source, held, reported] of [
        ['\\cite{nope2000} and \\cite{smith2020graphs, worl|}\\bibliography{refs}', ['worl'], ['nope2000']],
        ['\\cite{wor|ld, other}\\bibliography{refs}', ['world', 'other'], []],
        ['\\cite{world} more text|\\bibliography{refs}', [], ['world']],
        ['%! note.md\n---\nbibliography: refs.bib\n---\n[@nope; @worl|] and @other says', ['nope', 'worl'], ['other']],
        ['%! note.md\n---\nbibliography: refs.bib\n---\n[@nope] and @oth|er says', ['other'], ['nope']],
      ] as [string, string[], string[]][]) {
        const { ctx } = ws.at(source);
        const all = diagnostics(ctx)!.map((p) => p.key);
        assert.deepEqual(all.sort(), [...held, ...reported].sort(), source);
        assert.deepEqual(diagnostics(ctx, ctx.offset)!.map((p) => p.key), reported, source);
      }
    } finally {
      ws.dispose();
    }
  });

  it('says nothing before the library is read', async () => {
    const { ctx, ws } = await fixture('\\cite{nope2000}|', { read: false, corpus: false });
    ws.dispose();
    assert.equal(diagnostics(ctx), null);
  });
});
