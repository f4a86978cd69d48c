import { strict as assert } from 'node:assert';
import { related } from '../../../server/src/features/related';
import { REFS, workspace, type Workspace } from './fixture';

const ON_TOPIC = 'Agents plan with a learned dynamics model and tree search in Atari and Go.';
const OFF_TOPIC = 'The glacier mass balance in the Andes declined sharply over the winter.';

describe('features: related papers', () => {
  let ws: Workspace;
  before(async () => (ws = await workspace(REFS)));
  after(() => ws.dispose());

  it('for a text: the papers about it, [] when nothing is; threshold 0 ranks the library', async () => {
    const { ctx } = ws.at('|');
    assert.ok((await related(ctx, { text: ON_TOPIC })).some((r) => r.key === 'mastering-atari-go'));
    assert.deepEqual(await related(ctx, { text: OFF_TOPIC }), []);
    assert.equal((await related(ctx, { text: OFF_TOPIC, threshold: 0, limit: 7 })).length, 7);
    assert.deepEqual(await related({ ...ctx, index: null }, { text: ON_TOPIC }), []);
  });

  it('a paragraph gets a list long enough for a related-work search: every paper past the gate, up to the limit', async () => {
    const { ctx } = ws.at('|');
    const paragraph =
      'Agents that plan with a learned model of the environment dynamics reach superhuman play in board games and Atari. Tree search with a learned model predicts the reward, the policy and the value, and benchmarks compare such agents across sequential decision problems.';
    const list = await related(ctx, { text: paragraph, limit: 20 });
    assert.ok(list.length >= 6, `${list.length}: ${list.map((r) => r.key).join(', ')}`);
    assert.equal(list[0]!.key, 'mastering-atari-go');
    assert.ok((await related(ctx, { text: paragraph, limit: 3 })).length === 3);
  });

  it('at a position: the sentence, or the paragraph when the sentence is short; a scope asks for one passage', async () => {
    const short = ws.at(`Intro.\n\nIt is s|o. ${ON_TOPIC}\n\n${OFF_TOPIC}`).ctx;
    assert.ok((await related(short, {})).some((r) => r.key === 'mastering-atari-go'), 'a short sentence is ranked by its paragraph');
    assert.deepEqual(await related(short, { scope: 'sentence' }), []);
    const off = ws.at(`${ON_TOPIC}\n\nThe glacier mass balance in the An|des declined sharply over the winter.`).ctx;
    assert.deepEqual(await related(off, {}), []);
    assert.deepEqual(await related(off, { scope: 'paragraph' }), []);
    // No sections: the section scope falls back to the paragraph.
    assert.ok((await related(ws.at(`${ON_TOPIC}|`).ctx, { scope: 'section' })).some((r) => r.key === 'mastering-atari-go'));
  });
});
