import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bibliographyFiles, citationAt, citedKeys, paragraphs, passageAt, sections, sentences } from '../../../server/src/documents';

const dir = join(__dirname, '../../fixtures/documents');
const tex = readFileSync(join(dir, 'paper.tex'), 'utf8');
const md = readFileSync(join(dir, 'paper.md'), 'utf8');

/** Offset of `needle` (after `after`, when given) in `text`. */
function at(text: string, needle: string, after = ''): number {
  const k = text.indexOf(needle, after ? text.indexOf(after) : 0);
  assert.ok(k >= 0, `fixture has "${needle}"`);
  return k;
}

describe('documents: a realistic LaTeX paper', () => {
  it('paragraphs', () => {
    assert.deepEqual(paragraphs(tex, 'latex').map((p) => p.text), [
      'We survey agents that plan with a learned dynamics model, e.g. MuZero, and compare them with model-free methods.',
      'Agents that plan with a learned dynamics model reach superhuman play in Atari and board games. Earlier work by Silver et al. used the true rules of the game. The value is learned jointly with the policy, cf. Sec.',
      'Model-free methods, i.e. DQN, need 3.5 times more frames (Fig.). We report results in Tab. Code at.',
      'Frames needed to reach human performance, by method.',
      'The model predicts the reward and the next latent state:\nPlanning uses Monte Carlo tree search over latent states.',
      'Scores on 57 Atari games.',
      'Learned models compound errors over long horizons.',
    ]);
  });
  it('paragraph spans start and end on source text', () => {
    for (const p of paragraphs(tex, 'latex')) {
      assert.equal(tex[p.start], p.text[0]);
      assert.equal(tex[p.end - 1], p.text[p.text.length - 1]);
    }
  });
  it('sentences survive e.g., et al., cf., i.e., decimals', () => {
    const s = sentences(tex, 'latex').map((x) => x.text);
    assert.ok(s.includes('Earlier work by Silver et al. used the true rules of the game.'));
    assert.ok(s.includes('Model-free methods, i.e. DQN, need 3.5 times more frames (Fig.).'));
    assert.ok(s.includes('The model predicts the reward and the next latent state:'));
    assert.ok(s.includes('We survey agents that plan with a learned dynamics model, e.g. MuZero, and compare them with model-free methods.'));
  });
  it('sections', () => {
    assert.deepEqual(sections(tex, 'latex').map((s) => [s.title, s.level]), [
      ['Introduction', 1],
      ['Method', 1],
      ['Learned dynamics', 2],
      ['Limitations', 2],
    ]);
    const intro = sections(tex, 'latex')[0];
    assert.equal(tex.slice(intro.headingStart, intro.headingEnd), '\\section{Introduction}');
    assert.ok(intro.text.startsWith('Introduction\n\nAgents that plan'));
    assert.ok(intro.text.endsWith('Frames needed to reach human performance, by method.'));
  });
  it('passage at a citation inside the first sentence', () => {
    const offset = at(tex, 'schrittwieser2020mastering') + 3;
    const p = passageAt(tex, offset, 'latex');
    assert.equal(p.sentence?.text, 'Agents that plan with a learned dynamics model reach superhuman play in Atari and board games.');
    assert.equal(p.sentence?.start, at(tex, 'Agents that plan'));
    assert.equal(p.sentence?.end, at(tex, '}.', 'schrittwieser2020mastering') + 2);
    assert.equal(p.section?.title, 'Introduction');
  });
  it('citation contexts', () => {
    const k = at(tex, 'silver2018general');
    assert.deepEqual(citationAt(tex, k + 6, 'latex'), {
      syntax: 'latex', command: '\\citep', typed: 'silver', typedStart: k, typedEnd: k + 'silver2018general'.length, keys: ['silver2016mastering'],
    });
    const j = at(tex, 'janner2019trust');
    assert.deepEqual(citationAt(tex, j, 'latex')?.keys, ['hafner2019dream']);
    assert.equal(citationAt(tex, at(tex, 'TODO: cite') + 10, 'latex'), null);
  });
  it('cited keys', () => {
    assert.deepEqual(citedKeys(tex, 'latex').map((k) => k.key), [
      'schrittwieser2020mastering', 'silver2016mastering', 'silver2018general', 'mnih2015human', 'coulom2006efficient',
      'hafner2019dream', 'janner2019trust',
    ]);
    for (const k of citedKeys(tex, 'latex')) assert.equal(tex.slice(k.start, k.end), k.key);
  });
  it('bibliography files', () => assert.deepEqual(bibliographyFiles(tex, 'latex'), ['refs.bib', 'extra.bib']));
});

describe('documents: a realistic Markdown paper', () => {
  it('paragraphs', () => {
    assert.deepEqual(paragraphs(md, 'markdown').map((p) => p.text), [
      'Agents that plan with a learned dynamics model reach superhuman play in Atari and board games. Earlier work by Silver et al. used the true rules of the game. The value is learned jointly with the policy, cf. the method.',
      'Model-free methods, i.e. DQN, need 3.5 times more frames (see Fig. 1). Write to the authors at writer@example.org for the code.',
      'The model predicts the reward and the next latent state:',
      'Planning uses Monte Carlo tree search, as proposed.',
      // The table's cells are data, not a paragraph (as LaTeX's tabular).
      'Learned models compound errors over long horizons.\nThey need more compute.',
    ]);
  });
  it('sections', () => {
    const s = sections(md, 'markdown');
    assert.deepEqual(s.map((x) => [x.title, x.level]), [['Introduction', 1], ['Method', 1], ['Learned dynamics', 2], ['Limitations', 2]]);
    assert.equal(md.slice(s[0].headingStart, s[0].headingEnd), '# Introduction {#sec:intro}');
    assert.equal(s[3].text, 'Limitations\n\nLearned models compound errors over long horizons.\nThey need more compute.');
  });
  it('passage at a bracket citation', () => {
    const offset = at(md, 'schrittwieser2020mastering');
    const p = passageAt(md, offset, 'markdown');
    assert.equal(p.sentence?.text, 'Agents that plan with a learned dynamics model reach superhuman play in Atari and board games.');
    assert.equal(p.sentence?.start, at(md, 'Agents that plan'));
    assert.equal(p.sentence?.end, at(md, '].', 'schrittwieser2020mastering') + 2);
  });
  it('citation contexts', () => {
    const k = at(md, 'silver2018general');
    assert.deepEqual(citationAt(md, k + 6, 'markdown'), {
      syntax: 'markdown', command: '[@', typed: 'silver', typedStart: k, typedEnd: k + 'silver2018general'.length, keys: ['silver2016mastering'],
    });
    const j = at(md, 'janner2019trust');
    assert.deepEqual(citationAt(md, j + 2, 'markdown')?.keys, ['hafner2019dream']);
    assert.equal(citationAt(md, at(md, 'example.org'), 'markdown'), null);
    assert.equal(citationAt(md, at(md, 'decorator') + 2, 'markdown'), null);
    assert.equal(citationAt(md, at(md, 'coulom') + 2, 'markdown')?.command, '@');
  });
  it('cited keys', () => {
    assert.deepEqual(citedKeys(md, 'markdown').map((k) => k.key), [
      'schrittwieser2020mastering', 'silver2016mastering', 'silver2018general', 'mnih2015human', 'coulom2006efficient',
      'hafner2019dream', 'janner2019trust',
    ]);
  });
  it('bibliography files', () => assert.deepEqual(bibliographyFiles(md, 'markdown'), ['refs.bib', 'extra.json']));
});
