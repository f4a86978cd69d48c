import { strict as assert } from 'node:assert';
import { definition } from '../../../server/src/features/definition';
import { REFS, workspace, type Workspace } from './fixture';

describe('features: definition', () => {
  let ws: Workspace;
  before(async () => (ws = await workspace(REFS)));
  after(() => ws.dispose());

  it('goes to the project entry first, else the library entry', () => {
    assert.deepEqual(definition(ws.at('\\cite{smith20|20graphs}\\bibliography{refs}').ctx), { file: ws.path('refs.bib'), line: 1, start: 6, end: 21 });
    const def = definition(ws.at('\\cite{mastering-|atari-go}\\bibliography{refs}').ctx)!;
    assert.match(def.file, /papers\.json$/);
    assert.equal(def.line, 2);
    assert.equal(definition(ws.at('\\cite{nope|}\\bibliography{refs}').ctx), null);
  });
});
