import { strict as assert } from 'node:assert';
import { codeActions } from '../../../server/src/features/codeActions';
import { REFS, workspace, type Workspace } from './fixture';

describe('features: code actions', () => {
  let ws: Workspace;
  before(async () => (ws = await workspace(REFS)));
  after(() => ws.dispose());
  const DOC = '\\cite{smith2020graphs, |mastering-atari-go}\\cite{nosuchkey2099}\n\\bibliography{refs}';

  it('offers to add the entry of a key the library has, into the project bibliography, only where asked', () => {
    const { ctx } = ws.at(DOC);
    const fixes = codeActions(ctx, ctx.offset, ctx.offset);
    assert.deepEqual(
      fixes.map((f) => [f.problem.key, f.target]),
      [['mastering-atari-go', ws.path('refs.bib')]],
    );
    const unknown = ctx.doc.text.indexOf('nosuchkey2099');
    assert.deepEqual(codeActions(ctx, unknown, unknown), []);
    assert.equal(codeActions(ctx, 0, ctx.doc.text.length).length, 1);
  });

  it('offers nothing in an untrusted workspace', () => {
    const { ctx } = ws.at(DOC, { trusted: false });
    assert.deepEqual(codeActions(ctx, 0, ctx.doc.text.length), []);
  });
});
