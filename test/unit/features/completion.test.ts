import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { citationCompletion } from '../../../server/src/features/completion';
import type { Ready } from '../../../server/src/features/state';
import { config, docAt, makeProject } from './fixture';

const MUZERO = 'mastering-atari-go';
const SENTENCE = 'Agents that plan with a learned dynamics model of the environment reach superhuman play in Atari and board games';

describe('features: citation completion', () => {
  let ready: Ready;
  let dir: string;
  before(async () => ({ ready, dir } = await makeProject()));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const none = { inBibliography: () => false, target: null };

  it('ranks MuZero first after \\cite{ in a sentence on planning with a learned model', () => {
    const { doc, offset } = docAt(`${SENTENCE} \\cite{|}.`, 'latex');
    const answer = citationCompletion(ready, doc, offset, config(), none)!;
    assert.equal(answer.incomplete, true);
    assert.equal(answer.items[0]!.key, MUZERO);
    assert.equal(answer.items[0]!.start, offset);
    assert.equal(answer.items[0]!.end, offset);
    assert.match(answer.items[0]!.detail, /^Mastering Atari/);
    assert.match(answer.items[0]!.documentation, /^### Mastering Atari.*\n\n.*MuZero/s);
  });

  it('ranks MuZero first after [@ in Markdown', () => {
    const { doc, offset } = docAt(`${SENTENCE} [@|].`, 'markdown');
    assert.equal(citationCompletion(ready, doc, offset, config(), none)!.items[0]!.key, MUZERO);
  });

  it('replaces what is typed of the key, and keeps the server order through the editor filter', () => {
    const { doc, offset } = docAt(`${SENTENCE} \\citep[see][]{mast|}.`, 'latex');
    const answer = citationCompletion(ready, doc, offset, config(), none)!;
    const first = answer.items[0]!;
    assert.equal(first.key, MUZERO);
    assert.equal(doc.text.slice(first.start, first.end), 'mast');
    for (const item of answer.items) assert.ok(item.filterText.startsWith('mast'), item.filterText);
    assert.deepEqual(
      answer.items.map((i) => i.sortText),
      answer.items.map((_, i) => String(i).padStart(4, '0')),
    );
  });

  it('after a full stop, a parenthetical citation is ranked by the sentence before it, a textual one by the sentence after', () => {
    const next = 'Diffusion models generate whole trajectories at once and turn planning into sampling.';
    const after = docAt(`Intro. ${SENTENCE}.~\\cite{|} ${next}`, 'latex');
    assert.equal(citationCompletion(ready, after.doc, after.offset, config(), none)!.items[0]!.key, MUZERO);
    const pandoc = docAt(`Intro. ${SENTENCE}. [@|] ${next}`, 'markdown');
    assert.equal(citationCompletion(ready, pandoc.doc, pandoc.offset, config(), none)!.items[0]!.key, MUZERO);
    const textual = docAt(`Intro. ${next} \\citet{|} ${SENTENCE}.`, 'latex');
    assert.equal(citationCompletion(ready, textual.doc, textual.offset, config(), none)!.items[0]!.key, MUZERO);
  });

  it('does not offer keys already in the command', () => {
    const { doc, offset } = docAt(`${SENTENCE} \\cite{${MUZERO}, |}.`, 'latex');
    const answer = citationCompletion(ready, doc, offset, config(), none)!;
    assert.ok(answer.items.length > 0);
    assert.ok(!answer.items.some((i) => i.key === MUZERO));
  });

  it('offers at most maxSuggestions papers', () => {
    const { doc, offset } = docAt(`${SENTENCE} \\cite{|}.`, 'latex');
    assert.equal(citationCompletion(ready, doc, offset, config({ maxSuggestions: 3 }), none)!.items.length, 3);
  });

  it('marks papers missing from the bibliography with the file they will be added to', () => {
    const { doc, offset } = docAt(`Graph networks for physical reasoning \\cite{|}`, 'latex');
    const target = path.join(dir, 'refs.bib');
    const answer = citationCompletion(ready, doc, offset, config(), { inBibliography: (k) => k === 'smith2020graphs', target })!;
    const own = answer.items.find((i) => i.key === 'smith2020graphs')!;
    assert.equal(own.addsEntryTo, null);
    const other = answer.items.find((i) => i.key !== 'smith2020graphs')!;
    assert.equal(other.addsEntryTo, target);
    assert.match(other.documentation, /adds the entry to refs\.bib/);
  });

  it('offers the project\'s own entries when there is nothing to rank by', () => {
    const { doc, offset } = docAt('\\cite{|}', 'latex');
    const answer = citationCompletion(ready, doc, offset, config(), { inBibliography: () => true, target: null, ownKeys: () => ['smith2020graphs'] })!;
    assert.deepEqual(
      answer.items.map((i) => i.key),
      ['smith2020graphs'],
    );
  });

  it('answers null outside a citation and no items (incomplete) before the index is ready', () => {
    const outside = docAt(`${SENTENCE} |.`, 'latex');
    assert.equal(citationCompletion(ready, outside.doc, outside.offset, config(), none), null);
    const email = docAt(`Write to jane@exa|mple.org`, 'markdown');
    assert.equal(citationCompletion(ready, email.doc, email.offset, config(), none), null);
    const early = docAt(`${SENTENCE} \\cite{|}`, 'latex');
    assert.deepEqual(citationCompletion(null, early.doc, early.offset, config(), none), { items: [], incomplete: true });
  });
});
