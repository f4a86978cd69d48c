import { strict as assert } from 'node:assert';
import { InvalidRename, isValidKey, prepareRename, rename } from '../../../server/src/features/rename';
import { fileUri } from '../../../server/src/workspace/documents';
import { REFS, fixture } from './fixture';

const WORKSPACE = `%! paper.tex
See \\cite{«smith|2020graphs»} and \\cite{mastering-atari-go}.
%! chapters/two.tex
Again \\citep{mastering-atari-go, smith2020graphs}.
${REFS}`;

describe('features: rename', () => {
  it('renames a key the workspace\'s .bib defines, in the entry and every citation', async () => {
    const { ctx, spans, ws } = await fixture(WORKSPACE);
    try {
      assert.deepEqual(await prepareRename(ctx), { start: spans[0]!.start, end: spans[0]!.end, placeholder: 'smith2020graphs' });
      const edits = (await rename(ctx, [ctx.doc], 'smith2020gn'))!;
      assert.deepEqual(
        edits.map((s) => [s.uri, s.text.slice(s.start, s.end)]),
        [
          [fileUri(ws.path('refs.bib')), 'smith2020graphs'],
          [ctx.doc.uri, 'smith2020graphs'],
          [fileUri(ws.path('chapters/two.tex')), 'smith2020graphs'],
        ],
      );
      assert.deepEqual([edits[0]!.start, edits[0]!.end], [9, 24]);
    } finally {
      ws.dispose();
    }
  });

  it('leaves corpus keys alone, and refuses invalid or taken names', async () => {
    const { ctx, ws } = await fixture(WORKSPACE);
    try {
      const corpus = { ...ctx, offset: ctx.doc.text.indexOf('mastering') + 2 };
      assert.equal(await prepareRename(corpus), null);
      assert.equal(await rename(corpus, [ctx.doc], 'muzero'), null);
      assert.equal(await prepareRename({ ...ctx, trusted: false }), null);
      await assert.rejects(rename(ctx, [ctx.doc], 'bad key}'), (e) => e instanceof InvalidRename && /not a valid citation key/.test(e.message));
      await assert.rejects(rename(ctx, [ctx.doc], 'mastering-atari-go'), /already a key in the library/);
      assert.ok(isValidKey('smith:2020-b.x') && !isValidKey('-x') && !isValidKey('a b'));
    } finally {
      ws.dispose();
    }
  });
});
