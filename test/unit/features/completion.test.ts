import { strict as assert } from 'node:assert';
import { completion } from '../../../server/src/features/completion';
import { REFS, workspace, type AtOptions, type Workspace } from './fixture';

const MUZERO = 'mastering-atari-go';
const SENTENCE = 'Agents that plan with a learned dynamics model of the environment reach superhuman play in Atari and board games';

describe('features: citation completion', () => {
  let ws: Workspace;
  before(async () => (ws = await workspace(REFS)));
  after(() => ws.dispose());
  /** Completion at `|`; untrusted unless said otherwise, so that no paper is marked as adding an entry. */
  const complete = (source: string, options: AtOptions = {}) => {
    const { ctx } = ws.at(source, { trusted: false, ...options });
    return { answer: completion(ctx), offset: ctx.offset, text: ctx.doc.text };
  };

  it('ranks MuZero first after \\cite{ in a sentence on planning with a learned model', () => {
    const { answer: a, offset } = complete(`${SENTENCE} \\cite{|}.`);
    const answer = a!;
    assert.equal(answer.incomplete, true);
    assert.equal(answer.items[0]!.key, MUZERO);
    assert.equal(answer.items[0]!.start, offset);
    assert.equal(answer.items[0]!.end, offset);
    assert.match(answer.items[0]!.detail, /^Mastering Atari/);
    assert.match(answer.items[0]!.documentation, /^### Mastering Atari.*\n\n.*MuZero/s);
  });

  it('ranks MuZero first after [@ in Markdown', () => {
    assert.equal(complete(`${SENTENCE} [@|].`, { name: 'note.md' }).answer!.items[0]!.key, MUZERO);
  });

  it('replaces what is typed of the key, and keeps the server order through the editor filter', () => {
    const { answer: a, text } = complete(`${SENTENCE} \\citep[see][]{mast|}.`);
    const answer = a!;
    const first = answer.items[0]!;
    assert.equal(first.key, MUZERO);
    assert.equal(text.slice(first.start, first.end), 'mast');
    for (const item of answer.items) assert.ok(item.filterText.startsWith('mast'), item.filterText);
    assert.deepEqual(
      answer.items.map((i) => i.sortText),
      answer.items.map((_, i) => String(i).padStart(4, '0')),
    );
  });

  it('after a full stop, a parenthetical citation is ranked by the sentence before it, a textual one by the sentence after', () => {
    const next = 'Diffusion models generate whole trajectories at once and turn planning into sampling.';
    assert.equal(complete(`Intro. ${SENTENCE}.~\\cite{|} ${next}`).answer!.items[0]!.key, MUZERO);
    assert.equal(complete(`Intro. ${SENTENCE}. [@|] ${next}`, { name: 'note.md' }).answer!.items[0]!.key, MUZERO);
    assert.equal(complete(`Intro. ${next} \\citet{|} ${SENTENCE}.`).answer!.items[0]!.key, MUZERO);
  });

  it('does not offer keys already in the command', () => {
    const answer = complete(`${SENTENCE} \\cite{${MUZERO}, |}.`).answer!;
    assert.ok(answer.items.length > 0);
    assert.ok(!answer.items.some((i) => i.key === MUZERO));
  });

  it('offers at most maxSuggestions papers', () => {
    assert.equal(complete(`${SENTENCE} \\cite{|}.`, { config: { maxSuggestions: 3 } }).answer!.items.length, 3);
  });

  it('marks papers missing from the bibliography with the file they will be added to', () => {
    const target = ws.path('refs.bib');
    const answer = complete(`Graph networks for physical reasoning \\cite{|}\\bibliography{refs}`, { trusted: true }).answer!;
    const own = answer.items.find((i) => i.key === 'smith2020graphs')!;
    assert.equal(own.addsEntryTo, null);
    const other = answer.items.find((i) => i.key !== 'smith2020graphs')!;
    assert.equal(other.addsEntryTo, target);
    assert.match(other.documentation, /adds the entry to refs\.bib/);
  });

  it('offers the project\'s own entries when there is nothing to rank by', () => {
    const answer = complete('\\cite{|}\n\n\\bibliography{refs}').answer!;
    assert.deepEqual(
      answer.items.map((i) => i.key),
      ['smith2020graphs'],
    );
  });

  it('answers null outside a citation and no items (incomplete) before the index is ready', () => {
    assert.equal(complete(`${SENTENCE} |.`).answer, null);
    assert.equal(complete(`Write to jane@exa|mple.org`, { name: 'note.md' }).answer, null);
    assert.deepEqual(complete(`${SENTENCE} \\cite{|}`, { ready: false }).answer, { items: [], incomplete: true });
  });
});
