import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { hoverAt } from '../../../server/src/features/hover';
import type { Ready } from '../../../server/src/features/state';
import { config, docAt, makeProject } from './fixture';

describe('features: hover', () => {
  let ready: Ready;
  let dir: string;
  before(async () => ({ ready, dir } = await makeProject()));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('shows the paper card on a cited key, with the key as range', async () => {
    const { doc, offset } = docAt('As shown before \\cite{smith2020graphs, master|ing-atari-go}.', 'latex');
    const hover = (await hoverAt(ready, doc, offset, config()))!;
    assert.equal(doc.text.slice(hover.start, hover.end), 'mastering-atari-go');
    const lines = hover.markdown.split('\n');
    assert.equal(lines[0], '### Mastering Atari, Go, Chess and Shogi by Planning with a Learned Model');
    assert.match(hover.markdown, /MuZero/);
    assert.match(hover.markdown, /entry: papers\.json:2/);
  });

  it('card: authors, year and venue of a BibTeX entry; the abstract trimmed', async () => {
    const { doc, offset } = docAt('See [@smith|2020graphs].', 'markdown');
    const hover = (await hoverAt(ready, doc, offset, config(), dir))!;
    assert.match(hover.markdown, /Jane Smith, John Doe · 2020 · \*Journal of Machine Learning Research\*/);
    assert.match(hover.markdown, /entry: refs\.bib:1/);
    const long = docAt('\\cite{improving-grey-|box}', 'latex');
    const card = (await hoverAt(ready, long.doc, long.offset, config()))!.markdown;
    const abstract = card.split('\n\n')[1]!;
    assert.ok(abstract.length <= 610 && abstract.endsWith('…'), abstract);
  });

  it('lists related papers for the sentence under the cursor, with why', async () => {
    const { doc, offset } = docAt('Intro.\n\nAgents that plan with a learned dyn|amics model reach superhuman play in Atari and Go. Another sentence.', 'latex');
    const hover = (await hoverAt(ready, doc, offset, config()))!;
    assert.match(hover.markdown, /^\*\*Related papers\*\*/);
    assert.match(hover.markdown, /`mastering-atari-go`/);
    assert.match(hover.markdown, /shared: /);
    assert.equal(doc.text.slice(hover.start, hover.end), 'Agents that plan with a learned dynamics model reach superhuman play in Atari and Go.');
    assert.ok(hover.markdown.split('\n').filter((l) => l.startsWith('- ')).length <= 5);
  });

  it('says nothing for an off-topic sentence, for markup and math, or when prose hover is off', async () => {
    const cases = [
      'The glacier mass balance in the An|des declined sharply over the last winter.',
      'Agents plan with a learned model $x^|2 + y$ in Atari.',
      'Agents plan with a \\lab|el{sec:planning} learned model in Atari.',
      '\\begin{equation}\n  planning = lea|rned + model\n\\end{equation}',
      '% Agents plan with a learned mo|del in Atari and Go.',
    ];
    for (const source of cases) {
      const { doc, offset } = docAt(source, 'latex');
      assert.equal(await hoverAt(ready, doc, offset, config()), null, source);
    }
    const md = docAt('Agents plan with a learned model: `plan|ning()` in Atari.', 'markdown');
    assert.equal(await hoverAt(ready, md.doc, md.offset, config()), null);
    const off = docAt('Agents that plan with a learned dyn|amics model reach superhuman play in Atari and Go.', 'latex');
    assert.equal(await hoverAt(ready, off.doc, off.offset, config({ proseHover: false })), null);
    assert.equal(await hoverAt(null, off.doc, off.offset, config()), null);
    // While the index builds, keys already have their cards.
    const key = docAt('\\cite{smith|2020graphs}', 'latex');
    assert.match((await hoverAt(null, key.doc, key.offset, config(), undefined, ready.library))!.markdown, /Graph Networks/);
  });
});
