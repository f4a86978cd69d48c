import { strict as assert } from 'node:assert';
import { hover, sharedWords } from '../../../server/src/features/hover';
import { fileUri } from '../../../server/src/workspace/documents';
import { REFS, workspace, type AtOptions, type Workspace } from './fixture';

describe('features: hover', () => {
  let ws: Workspace;
  before(async () => (ws = await workspace(REFS)));
  after(() => ws.dispose());
  const hoverAt = (source: string, options?: AtOptions) => {
    const { ctx, spans } = ws.at(source, options);
    return { hover: hover(ctx), text: ctx.doc.text, spans };
  };

  it('shows the paper card on a cited key, with the key as range', async () => {
    const { hover: answer, text, spans } = hoverAt('As shown before \\cite{smith2020graphs, «master|ing-atari-go»}.');
    const found = (await answer)!;
    assert.equal(text.slice(found.start, found.end), 'mastering-atari-go');
    assert.deepEqual([found.start, found.end], [spans[0]!.start, spans[0]!.end]);
    const lines = found.markdown.split('\n');
    assert.equal(lines[0], '### Mastering Atari, Go, Chess and Shogi by Planning with a Learned Model');
    assert.match(found.markdown, /MuZero/);
    assert.match(found.markdown, /\n`mastering-atari-go` · bundled corpus$/);
  });

  it('card: authors, year and venue of a BibTeX entry; the abstract trimmed', async () => {
    const found = (await hoverAt('See [@smith|2020graphs].', { name: 'note.md' }).hover)!;
    assert.match(found.markdown, /Jane Smith, John Doe · 2020 · \*Journal of Machine Learning Research\*/);
    assert.equal(found.markdown.split('\n').pop(), `\`smith2020graphs\` · [refs.bib:1](${fileUri(ws.path('refs.bib'))}#L1)`);
    const card = (await hoverAt('\\cite{improving-grey-|box}').hover)!.markdown;
    const abstract = card.split('\n\n')[1]!;
    assert.ok(abstract.length <= 610 && abstract.endsWith('…'), abstract);
  });

  it('card: "and others" reads "et al."; DOI and URL are links; a corpus paper\'s abstract fills in, marked', async () => {
    const own = await workspace(`%! sub/refs.bib
@inproceedings{lee2021fuzz,
  author = {Lee, Ada and Kim, Bo and others},
  title = {Improving {Grey-Box} Fuzzing by Modeling Program Behavior},
  booktitle = {Proceedings of a Fuzzing Workshop},
  year = {2021},
  doi = {10.1234/fuzz(2021).7},
  url = {https://example.org/papers/lee 2021.pdf}
}
@misc{nobody2019,
  title = {A Paper No Corpus Holds},
  url = {https://doi.org/10.5555/nobody}, doi = {10.5555/nobody}
}
`);
    try {
      const card = (await hover(own.at('%! sub/paper.tex\n\\cite{lee2021f|uzz}\\bibliography{refs}').ctx))!.markdown;
      const lines = card.split('\n');
      assert.equal(lines[2], 'Ada Lee, Bo Kim et al. · 2021 · *Proceedings of a Fuzzing Workshop*');
      assert.equal(lines[4], 'DOI [10.1234/fuzz(2021).7](https://doi.org/10.1234/fuzz%282021%29.7) · [example.org/papers/lee 2021.pdf](https://example.org/papers/lee%202021.pdf)');
      assert.match(lines[6]!, /^Grey-box fuzzers such as/);
      assert.equal(lines[8], '*Abstract from the bundled corpus.*');
      assert.equal(lines[10], `\`lee2021fuzz\` · [sub/refs.bib:1](${fileUri(own.path('sub/refs.bib'))}#L1)`);
      // No corpus twin: no abstract; a URL that is the DOI link is shown once.
      const other = (await hover(own.at('%! sub/paper.tex\n\\cite{nobody|2019}\\bibliography{refs}').ctx))!.markdown;
      assert.doesNotMatch(other, /bundled corpus/);
      assert.equal(other.match(/doi\.org/g)?.length, 1);
    } finally {
      own.dispose();
    }
  });

  it('lists related papers for the sentence under the cursor, with why', async () => {
    const { hover: answer, text, spans } = hoverAt('Intro.\n\n«Agents that plan with a learned dyn|amics model reach superhuman play in Atari and Go.» Another sentence.');
    const found = (await answer)!;
    assert.match(found.markdown, /^\*\*Related papers\*\*/);
    assert.match(found.markdown, /`mastering-atari-go`/);
    assert.match(found.markdown, /shared: /);
    assert.equal(text.slice(found.start, found.end), 'Agents that plan with a learned dynamics model reach superhuman play in Atari and Go.');
    assert.deepEqual([found.start, found.end], [spans[0]!.start, spans[0]!.end]);
    assert.ok(found.markdown.split('\n').filter((l) => l.startsWith('- ')).length <= 5);
  });

  it('never lists a paper its paragraph cites, and says nothing in the acknowledgments', async () => {
    const sentence = 'Agents that plan with a learned dyn|amics model reach superhuman play in Atari and Go.';
    assert.match((await hoverAt(`Intro.\n\n${sentence}`).hover)!.markdown, /`mastering-atari-go`/);
    const cited = (await hoverAt(`Intro.\n\n${sentence} Board games too \\cite{mastering-atari-go}.`).hover)?.markdown ?? '';
    assert.doesNotMatch(cited, /`mastering-atari-go`/);
    assert.equal(await hoverAt(`\\section{Intro}\nText.\n\n\\section*{Acknowledgements}\n${sentence}`).hover, null);
  });

  it('shared words are listed once: a compound stands for its parts', () => {
    assert.deepEqual(sharedWords(['model-based', 'based', 'model', 'planning', 'Planning']), ['model-based', 'planning']);
    assert.deepEqual(sharedWords(['tree', 'search']), ['tree', 'search']);
  });

  it('says nothing for an off-topic sentence, for markup and math, or when prose hover is off', async () => {
    const cases = [
      'The glacier mass balance in the An|des declined sharply over the last winter.',
      'Agents plan with a learned model $x^|2 + y$ in Atari.',
      'Agents plan with a \\lab|el{sec:planning} learned model in Atari.',
      '\\begin{equation}\n  planning = lea|rned + model\n\\end{equation}',
      '% Agents plan with a learned mo|del in Atari and Go.',
    ];
    for (const source of cases) assert.equal(await hoverAt(source).hover, null, source);
    assert.equal(await hoverAt('Agents plan with a learned model: `plan|ning()` in Atari.', { name: 'note.md' }).hover, null);
    const prose = 'Agents that plan with a learned dyn|amics model reach superhuman play in Atari and Go.';
    assert.equal(await hoverAt(prose, { config: { proseHover: false } }).hover, null);
    assert.equal(await hoverAt(prose, { ready: false }).hover, null);
    // While the index builds, keys already have their cards.
    assert.match((await hoverAt('\\cite{smith|2020graphs}', { ready: false }).hover)!.markdown, /Graph Networks/);
  });
});
