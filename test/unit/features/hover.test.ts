import { strict as assert } from 'node:assert';
import { hover } from '../../../server/src/features/hover';
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
    assert.match(found.markdown, /entry: papers\.json:2/);
  });

  it('card: authors, year and venue of a BibTeX entry; the abstract trimmed', async () => {
    const found = (await hoverAt('See [@smith|2020graphs].', { name: 'note.md' }).hover)!;
    assert.match(found.markdown, /Jane Smith, John Doe · 2020 · \*Journal of Machine Learning Research\*/);
    assert.match(found.markdown, /entry: refs\.bib:1/);
    const card = (await hoverAt('\\cite{improving-grey-|box}').hover)!.markdown;
    const abstract = card.split('\n\n')[1]!;
    assert.ok(abstract.length <= 610 && abstract.endsWith('…'), abstract);
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
