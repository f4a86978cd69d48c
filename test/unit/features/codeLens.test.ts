import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { LensMemo, codeLenses, lensTitle } from '../../../server/src/features/codeLens';
import type { Ready } from '../../../server/src/features/state';
import { Ranker } from '../../../server/src/search/rank';
import { config, docAt, makeProject } from './fixture';

const DOC = `\\section{Planning}
Agents that plan with a learned dynamics model of the environment reach superhuman play in Atari, Go, chess and shogi \\cite{mastering-atari-go}. Tree search with a learned model works without the rules.

\\section{Fieldwork}
The glacier mass balance in the Alps declined sharply over the last winter season, and the trucks were late again.
|`;

describe('features: code lenses', () => {
  let ready: Ready;
  let dir: string;
  before(async () => ({ ready, dir } = await makeProject()));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sits above paragraphs with related papers, not-yet-cited papers first', () => {
    const { doc } = docAt(DOC, 'latex');
    const lenses = codeLenses(ready, doc, config(), new LensMemo());
    assert.equal(lenses.length, 1);
    const lens = lenses[0]!;
    assert.equal(doc.text.slice(lens.anchor, lens.anchor + 6), 'Agents');
    assert.ok(lens.keys.includes('mastering-atari-go'));
    assert.equal(lens.keys[lens.keys.length - 1], 'mastering-atari-go', 'the cited paper comes last');
    assert.equal(lens.uncited, lens.keys.length - 1);
    assert.match(lensTitle(lens), /^\d+ related papers?: /);
  });

  it('sits above section headings in section mode, and nowhere when off', () => {
    const { doc } = docAt(DOC, 'latex');
    const lenses = codeLenses(ready, doc, config({ codeLens: 'section' }), new LensMemo());
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0]!.anchor, 0);
    assert.deepEqual(codeLenses(ready, doc, config({ codeLens: 'off' }), new LensMemo()), []);
    assert.deepEqual(codeLenses(null, doc, config(), new LensMemo()), []);
  });

  it('asks the index once per paragraph text', () => {
    const { doc } = docAt(DOC, 'latex');
    const memo = new LensMemo();
    let calls = 0;
    const index = ready.index.index;
    const counting: Ready = { library: ready.library, index: new Ranker(Object.create(index, { related: { value: (...a: any[]) => (calls++, (index.related as any)(...a)) } })) };
    codeLenses(counting, doc, config(), memo);
    const first = calls;
    codeLenses(counting, { ...doc, text: doc.text + '\nOne more line of words that is not related to anything at all here.\n', version: 2 }, config(), memo);
    assert.ok(first >= 1);
    assert.equal(calls, first + 1);
  });

  it('titles: "1 related paper: …", two titles and a count of the rest', () => {
    assert.equal(lensTitle({ anchor: 0, keys: ['a'], titles: ['A Title'], uncited: 1 }), '1 related paper: A Title');
    assert.equal(lensTitle({ anchor: 0, keys: ['a', 'b', 'c'], titles: ['A', 'B', 'C'], uncited: 3 }), '3 related papers: A; B; +1 more');
    const long = 'Lucy-SKG: Learning to Play Rocket League Efficiently Using Deep Reward Shaping';
    const title = lensTitle({ anchor: 0, keys: ['a', 'b', 'c'], titles: [long, 'B', 'C'], uncited: 3 });
    assert.ok(!/…\s*…|\.\.\.…/.test(title), `no doubled ellipsis: ${title}`);
  });
});
