import { strict as assert } from 'node:assert';
import { references, type Span } from '../../../server/src/features/references';
import { fileUri } from '../../../server/src/workspace/documents';
import type { EntryPlace } from '../../../server/src/workspace/project';
import { REFS, fixture } from './fixture';

const WORKSPACE = `%! paper.tex
See \\cite{«smith|2020graphs»} and \\cite{mastering-atari-go}.
\\bibliography{refs}
%! chapters/two.tex
Again \\citep{mastering-atari-go, smith2020graphs}.
%! notes/reading.md
Notes on [@smith2020graphs].
%! node_modules/pkg/skip.tex
\\cite{smith2020graphs}
${REFS}`;

const where = (places: (Span | EntryPlace)[]) => places.map((p) => ('text' in p ? [p.uri, p.text.slice(p.start, p.end)] : [p.file, p.line]));

describe('features: references', () => {
  it('finds every citation of the key in the workspace\'s documents (the open one as the editor has it), the .bib entry first', async () => {
    const { ctx, spans, ws } = await fixture(WORKSPACE);
    try {
      const open = [{ ...ctx.doc, text: `${ctx.doc.text}\nOnce more \\cite{smith2020graphs}.` }];
      const found = (await references({ ...ctx, doc: open[0]! }, open, true))!;
      assert.deepEqual(where(found), [
        [fileUri(ws.path('refs.bib')), 'smith2020graphs'],
        [ctx.doc.uri, 'smith2020graphs'],
        [ctx.doc.uri, 'smith2020graphs'],
        [fileUri(ws.path('chapters/two.tex')), 'smith2020graphs'],
        [fileUri(ws.path('notes/reading.md')), 'smith2020graphs'],
      ]);
      assert.deepEqual([(found[1] as Span).start, (found[1] as Span).end], [spans[0]!.start, spans[0]!.end]);
      assert.equal((await references(ctx, [ctx.doc], false))!.length, 3);
    } finally {
      ws.dispose();
    }
  });

  it('points a corpus key at its entry line; reads no workspace file when untrusted; null off a key', async () => {
    const { ctx, ws } = await fixture(WORKSPACE);
    try {
      const corpus = ws.at('\\cite{mastering-|atari-go}', { name: 'other.tex' }).ctx;
      const found = (await references(corpus, [corpus.doc], true))!;
      assert.match(String(where(found)[0]![0]), /papers\.json$/);
      assert.equal(where(found).length, 4); // the entry line, other.tex, paper.tex, chapters/two.tex
      const untrusted = { ...ctx, trusted: false };
      assert.deepEqual(where((await references(untrusted, [ctx.doc], true))!), [
        [ws.library.get('smith2020graphs')!.origin.file, 1],
        [ctx.doc.uri, 'smith2020graphs'],
      ]);
      assert.equal(await references({ ...ctx, offset: 0 }, [ctx.doc], true), null);
    } finally {
      ws.dispose();
    }
  });
});
