import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gaps, ownCloseness, rankGaps } from '../../../server/src/features/gaps';
import type { Paper } from '../../../server/src/library/paper';
import { related } from '../../../server/src/features/related';
import { HINT_GATE } from '../../../server/src/features/hintGate';
import { ClaimMemo, captionSpans, citableCues, claimFeatures, claimFixes, claimCues, claimSentences, hintMessage, namedFirst, namedYear, proseEnd, namedKeys, pickHints, tiersOf, titleNamedKeys, titleNames, uncitedClaims } from '../../../server/src/features/uncitedClaims';
import type { Hit } from '../../../server/src/search';
import { Ranker } from '../../../server/src/search/rank';
import { workspace, type Workspace } from './fixture';

const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'workspace-uncited');
const BIB = fs.readFileSync(path.join(FIXTURE, 'refs.bib'), 'utf8');
const DOC = fs.readFileSync(path.join(FIXTURE, 'paper.tex'), 'utf8');
const LIDAR = 'Repeated airborne lidar surveys';
const CORAL = 'Marine heatwaves cause';
const BEES = 'We thank the field team';

describe('features: uncited-claim hints and gaps', () => {
  let ws: Workspace;
  before(async () => (ws = await workspace(`%! refs.bib\n${BIB}`, { corpus: false })));
  after(() => ws.dispose());

  const hintedAt = (text: string) => uncitedClaims(ws.at(text).ctx, new ClaimMemo()).map((h) => text.slice(h.start, h.end));

  it('hints the uncited claim, and would hint the cited one and the acknowledged one without their citation and heading', () => {
    assert.deepEqual(hintedAt(DOC).map((s) => s.slice(0, LIDAR.length)), [LIDAR]);
    const bare = DOC.replace('~\\cite{ortiz2019coral}', '').replace('\\section*{Acknowledgments}', '\\section{Field work}');
    const starts = hintedAt(bare).map((s) => s.slice(0, 22));
    assert.ok(starts.includes(CORAL), starts.join(' | '));
    assert.ok(starts.includes(BEES.slice(0, 22)), starts.join(' | '));
  });

  it('no hint on a sentence whose closest paper its paragraph cites already (it elaborates on it); a citation in another paragraph does not count', () => {
    const before = 'Glacier change is monitored from the air~\\cite{moser2021lidar}. ';
    const same = DOC.replace(LIDAR, `${before}${LIDAR}`);
    assert.deepEqual(hintedAt(same), []);
    const elsewhere = DOC.replace('\\section{Introduction}\n', `\\section{Introduction}\n\n${before.trim()}\n`);
    assert.deepEqual(hintedAt(elsewhere).map((s) => s.slice(0, LIDAR.length)), [LIDAR]);
  });

  it("names the other close papers in the message as the quick fixes offer them, not only their count", () => {
    const library = ws.at(LIDAR).ctx.library!;
    assert.equal(
      hintMessage(library, ['moser2021lidar', 'ortiz2019coral', 'lindqvist2018bees']),
      "Close to Moser, Keller 2021, 'Retreat of alpine glaciers measured by repeated airborne…' — cite it? Also close: Ortiz 2019, Lindqvist 2018.",
    );
    assert.match(hintMessage(library, ['moser2021lidar', 'ortiz2019coral', 'lindqvist2018bees', 'x1', 'x2']), / Also close: Ortiz 2019, Lindqvist 2018, x1, \+1 more\.$/);
    assert.doesNotMatch(hintMessage(library, ['moser2021lidar']), /Also close/);
  });

  it('a hint\'s range stops where the sentence runs into display maths; a sentence without it keeps its end', () => {
    const text = String.raw`The level follows a random walk, written as \begin{equation} x_t = x_{t-1} + w_t \end{equation} where w is noise. Next.`;
    const end = text.indexOf(' Next');
    assert.equal(text.slice(0, proseEnd(text, 0, end)), 'The level follows a random walk, written as');
    const display = String.raw`Its variance is \[ \sigma^2 \] per hour.`;
    assert.equal(display.slice(0, proseEnd(display, 0, display.length)), 'Its variance is');
    const plain = 'The level follows a random walk with noise.';
    assert.equal(proseEnd(plain, 0, plain.length), plain.length);
  });

  it('never hints captions, headings, maths, or an empty citation being typed; off is off', () => {
    const caption = '\\begin{figure}\\caption{Repeated airborne lidar surveys show that alpine glaciers declined sharply between 2000 and 2020.}\\end{figure}';
    const doc = DOC.replace('\\section{Introduction}', `\\section{Introduction}\n\n${caption}\n`).replace('fastest at low altitude tongues.', 'fastest at low altitude tongues~\\cite{}.');
    assert.equal(captionSpans(doc, 'latex').length, 1);
    assert.deepEqual(hintedAt(doc), []);
    assert.deepEqual(claimSentences('\\section{Lidar surveys of alpine glaciers declined sharply between years}\n\n$a + b = c$\n', 'latex'), []);
    // An abstract written in the preamble is prose like one in the body; the rest of the preamble and the title page are not.
    const preamble = '\\documentclass{article}\n\\begin{abstract}\nLidar surveys show that alpine glaciers thinned fastest at low altitude tongues.\n\\end{abstract}\n\\begin{document}\n\\altaffiltext{1}{Department of Glaciology, Example University of the Alps, Springfield}\n\n\\maketitle\n\\end{document}\n';
    assert.deepEqual(claimSentences(preamble, 'latex').map((c) => preamble.slice(c.start, c.end)), ['Lidar surveys show that alpine glaciers thinned fastest at low altitude tongues.']);
    assert.deepEqual(uncitedClaims(ws.at(DOC, { config: { uncitedClaims: 'off' } }).ctx, new ClaimMemo()), []);
    assert.deepEqual(uncitedClaims(ws.at(DOC, { ready: false }).ctx, new ClaimMemo()), []);
  });

  it('never hints inside a table: an AASTeX \\tablecaption, \\tablenotetext or \\tablecomments, a tabular cell', () => {
    const claim = 'Repeated airborne lidar surveys show that alpine glaciers declined sharply between 2000 and 2020.';
    const table = `\\begin{deluxetable}{cc}\n\\tablecaption{${claim}}\n\\startdata\nNorth & 3 \\\\\n\\enddata\n\\tablenotetext{a}{${claim}}\n\\tablecomments{${claim}}\n\\end{deluxetable}\n\n\\begin{table}\n\\begin{tabular}{ll}\n${claim} & 3\n\\end{tabular}\n\\tablenotetext{b}{${claim}}\n\\end{table}`;
    const doc = `\\documentclass{aastex631}\n\\begin{document}\n\\section{Introduction}\n\n${table}\n\n\\end{document}\n`;
    assert.equal(captionSpans(doc, 'latex').length, 1);
    assert.deepEqual(claimSentences(doc, 'latex').map((c) => doc.slice(c.start, c.end)), []);
    assert.deepEqual(hintedAt(doc), []);
  });

  it('never hints a run-in head (a whole sentence in emphasis at a line start), only the prose after it', () => {
    const claim = 'Repeated airborne lidar surveys show that alpine glaciers declined sharply between 2000 and 2020.';
    const label = 'Robust estimates of glacier retreat from repeated lidar surveys.';
    const texts = (text: string, syntax: 'markdown' | 'latex') => claimSentences(text, syntax).map((c) => text.slice(c.start, c.end));
    for (const open of ['*', '**', '_']) {
      const md = `# Method\n\n${open}${label}${open} ${claim}\n\n- ${open}${label}${open} ${claim}\n`;
      const got = texts(md, 'markdown');
      assert.equal(got.length, 2, `${open}: ${got.join(' | ')}`);
      assert.ok(got.every((t) => t.includes('alpine glaciers declined')), got.join(' | '));
    }
    const tex = `\\section{Method}\n\n\\textbf{${label}} ${claim}\n\n\\emph{${label}} ${claim}\n`;
    assert.ok(texts(tex, 'latex').every((t) => t.includes('alpine glaciers declined')) && texts(tex, 'latex').length === 2);
    // Emphasis on a name is prose: the sentence stays a candidate.
    assert.equal(texts(`# Method\n\n*Lidar* surveys show that alpine glaciers declined sharply between 2000 and 2020.\n`, 'markdown').length, 1);
  });

  it("gives each candidate sentence its own paragraph's citations, and none of another's", () => {
    // Four paragraphs: none cited; two keys, one after the last word before the blank line; one key
    // twice; none again. A sentence whose zone holds a citation is no candidate.
    const claim = (topic: string) => `Repeated airborne surveys show that ${topic} changed sharply between the two decades.`;
    const doc = [
      '\\begin{document}',
      `${claim('alpine glaciers')} ${claim('valley lakes')}`,
      `${claim('snow cover')} ${claim('river discharge')}~\\cite{rivers}. ${claim('moraine walls')}\n~\\cite{moraines}`,
      `${claim('permafrost')} ${claim('rock glaciers')}~\\cite{permafrost}. ${claim('talus slopes')}~\\cite{permafrost}.`,
      `${claim('meltwater ponds')} ${claim('debris cover')}`,
      '\\end{document}',
    ].join('\n\n');
    const got = claimSentences(doc, 'latex').map((c) => ({ topic: /that (.*) changed/.exec(doc.slice(c.start, c.end))?.[1], paragraph: c.paragraph, cites: [...c.paragraphCites] }));
    assert.deepEqual(got, [
      { topic: 'alpine glaciers', paragraph: 0, cites: [] },
      { topic: 'valley lakes', paragraph: 0, cites: [] },
      { topic: 'snow cover', paragraph: 1, cites: ['rivers', 'moraines'] },
      { topic: 'permafrost', paragraph: 2, cites: ['permafrost'] },
      { topic: 'meltwater ponds', paragraph: 3, cites: [] },
      { topic: 'debris cover', paragraph: 3, cites: [] },
    ]);
  });

  it('never hints the title page: the preamble, \\title, \\keywords, \\author and their like', () => {
    const claim = 'Repeated airborne lidar surveys show that alpine glaciers declined sharply between 2000 and 2020';
    const front = `\\documentclass{article}\n\\title{${claim}}\n\\begin{document}\n\\maketitle\n\\keywords{${claim}}\n\\author{${claim}}\n`;
    const doc = DOC.replace(/^[\s\S]*?\\begin\{document\}\n/, front);
    assert.ok(doc.startsWith(front), 'the fixture has a preamble to replace');
    assert.deepEqual(hintedAt(doc).map((s) => s.slice(0, LIDAR.length)), [LIDAR], 'the body sentence only');
    assert.equal(claimSentences(doc, 'latex').filter((s) => s.start < front.length).length, 0);
  });

  it('ranks an edited paragraph again, and no other', () => {
    const { ctx } = ws.at(DOC);
    const memo = new ClaimMemo();
    let calls = 0;
    const index = ws.index.index;
    const counting = { ...ctx, index: new Ranker(Object.create(index, { related: { value: (...a: any[]) => (calls++, (index.related as any)(...a)) } })) };
    uncitedClaims(counting, memo);
    const first = calls;
    uncitedClaims({ ...counting, doc: { ...ctx.doc, text: ctx.doc.text.replace('calibrated.', 'calibrated in the field.'), version: 2 } }, memo);
    assert.ok(first >= 2);
    assert.equal(calls, first + 1, 'one tier asked for the one edited sentence (no other library here)');
  });

  it('Markdown: hints the uncited sentence, and its quick fixes write a pandoc citation before the full stop', () => {
    const md = `---\ntitle: Notes\nbibliography: refs.bib\n---\n\n# Introduction\n\n${LIDAR} show that the surface elevation of alpine glaciers declined sharply between 2000 and 2020, fastest at low altitude tongues.\n\n![Repeated airborne lidar surveys show that alpine glaciers declined sharply between 2000 and 2020.](fig.png)\n\nMarine heatwaves cause mass coral bleaching across Pacific reefs [@ortiz2019coral].\n`;
    const { ctx } = ws.at(`%! notes.md\n${md}`);
    const memo = new ClaimMemo();
    const hints = uncitedClaims(ctx, memo);
    assert.deepEqual(hints.map((h) => md.slice(h.start, h.start + LIDAR.length)), [LIDAR]);
    const fixes = claimFixes(ctx, memo, hints[0]!.start, hints[0]!.start);
    assert.equal(fixes[0]?.key, 'moser2021lidar');
    assert.equal(fixes[0]?.text, ' [@moser2021lidar]');
    assert.equal(md.slice(hints[0]!.at - 7, hints[0]!.at + 1), 'tongues.');
    assert.ok(fixes.length <= 3);
  });

  it('a sentence naming the paper in words ("Moser et al. (2021)") gets the year-only citation in place of its "(2021)"; the rest is unchanged', () => {
    const md = `---\ntitle: Notes\nbibliography: refs.bib\n---\n\n# Introduction\n\n${LIDAR} by Moser et al. (2021) show that the surface elevation of alpine glaciers declined sharply between 2000 and 2020, fastest at low altitude tongues.\n`;
    const { ctx } = ws.at(`%! notes.md\n${md}`);
    const memo = new ClaimMemo();
    const hints = uncitedClaims(ctx, memo);
    assert.equal(hints.length, 1);
    const fix = claimFixes(ctx, memo, hints[0]!.start, hints[0]!.start).find((f) => f.key === 'moser2021lidar')!;
    assert.equal(`${md.slice(0, fix.from)}${fix.text}${md.slice(fix.to)}`, md.replace('Moser et al. (2021)', 'Moser et al. [-@moser2021lidar]'));
  });

  it('namedYear: "Cohen (1988)", "Cohen\'s (1988)", "Cohen et al. (1988)" in pandoc and natbib LaTeX; nothing without natbib, another year or another name', () => {
    const paper = { authors: ['Cohen, Jacob', 'Lee, Ann'], year: 1988 };
    const apply = (text: string, syntax: 'latex' | 'markdown') => {
      const r = namedYear(text, { start: 0, end: text.length }, paper, 'cohen1988', syntax);
      return r && `${text.slice(0, r.from)}${r.text}${text.slice(r.to)}`;
    };
    assert.equal(apply('Following Cohen (1988), effects are small.', 'markdown'), 'Following Cohen [-@cohen1988], effects are small.');
    assert.equal(apply("Cohen's (1988) thresholds are widely used.", 'markdown'), "Cohen's [-@cohen1988] thresholds are widely used.");
    assert.equal(apply('Cohen\u2019s (1988) thresholds are widely used.', 'markdown'), 'Cohen\u2019s [-@cohen1988] thresholds are widely used.');
    assert.equal(apply('As Cohen et al. (1988) argue, effects are small.', 'markdown'), 'As Cohen et al. [-@cohen1988] argue, effects are small.');
    assert.equal(apply('As Cohen and Lee (1988) argue, effects are small.', 'markdown'), 'As Cohen and Lee [-@cohen1988] argue, effects are small.');
    const natbib = '\\documentclass{article}\n\\usepackage[round]{natbib}\nAs Cohen et al.~(1988) argue, effects are small.';
    assert.equal(apply(natbib, 'latex'), natbib.replace('(1988)', '\\citeyearpar{cohen1988}'));
    assert.equal(apply(natbib.replace('\\usepackage', '% \\usepackage'), 'latex'), null, 'natbib commented out: the citation goes at the end');
    assert.equal(apply('As Cohen et al.~(1988) argue, effects are small.', 'latex'), null);
    assert.equal(apply('As Cohen (1989) argues, effects are small.', 'markdown'), null);
    assert.equal(apply('As McCohen (1988) argues, effects are small.', 'markdown'), null);
    assert.equal(apply('Cohen argued in 1988 that effects are small (see p. 3).', 'markdown'), null);
  });

  it('quick fixes rank only the paragraph asked about, and only hints there get fixes', () => {
    const { ctx } = ws.at(DOC);
    let calls = 0;
    const index = ws.index.index;
    const counting = { ...ctx, index: new Ranker(Object.create(index, { related: { value: (...a: any[]) => (calls++, (index.related as any)(...a)) } })) };
    const at = DOC.indexOf(LIDAR);
    const fixes = claimFixes(counting, new ClaimMemo(), at, at);
    assert.deepEqual([...new Set(fixes.map((f) => f.hint.start))], [at]);
    assert.equal(calls, 2, 'the two sentences of the first paragraph');
    assert.deepEqual(claimFixes(counting, new ClaimMemo(), DOC.indexOf(CORAL), DOC.indexOf(CORAL)), []);
  });

  it('a quick fix cites with the document\'s own command: \\citep in a natbib paper that uses it, \\cite otherwise', () => {
    const fixAt = (doc: string) => claimFixes(ws.at(doc).ctx, new ClaimMemo(), doc.indexOf(LIDAR), doc.indexOf(LIDAR)).find((f) => f.key === 'moser2021lidar')!.text;
    assert.equal(fixAt(DOC), '~\\cite{moser2021lidar}', 'the coral sentence uses \\cite');
    const natbib = DOC.replace('\\begin{document}', '\\usepackage{natbib}\n\\begin{document}').replace('~\\cite{ortiz2019coral}', '~\\citep{ortiz2019coral}');
    assert.equal(fixAt(natbib), '~\\citep{moser2021lidar}');
  });

  it('puts first the bibliography entry whose first author the sentence names', () => {
    const hit = (key: string, author: string) => ({ paper: { key, authors: [author] }, score: 0.2, matched: [] }) as unknown as Hit;
    const own = [hit('a', 'Smith, Ann'), hit('b', 'Moser, Lena'), hit('c', 'Keller, Jon')];
    const s = { keys: ['a', 'c', 'b'], score: 1, best: 0.5 };
    assert.deepEqual(namedFirst(s, namedKeys(own, 'Glacier tongues below 2500 m were first mapped by Moser and Keller.')).keys, ['b', 'c', 'a']);
    assert.deepEqual(namedFirst(s, namedKeys(own, 'Moserian maps and a keller door.')).keys, ['a', 'c', 'b'], 'whole names, as written');
  });

  it('a paper first for many of the document\'s sentences counts less for each (the topic penalty)', () => {
    const gate = { ...HINT_GATE, threshold: 1 + HINT_GATE.weights.first + HINT_GATE.weights.topic * Math.log(2.5) };
    const c = (paragraph: number) => ({ paragraph, section: '' });
    const suggestions = [{ keys: ['topic'], score: 1, best: 0.5 }, { keys: ['topic'], score: 1, best: 0.5 }, { keys: ['specific'], score: 1, best: 0.5 }];
    const { picked, scored } = pickHints([c(0), c(1), c(2)], suggestions, gate);
    assert.deepEqual(picked, [2], 'ln 3 × the topic weight takes the two topic sentences under the gate, ln 2 × it leaves the other over it');
    assert.ok(scored[0]!.score < scored[2]!.score);
    assert.deepEqual(pickHints([c(0), c(1), c(2)], suggestions, { ...gate, weights: { ...gate.weights, topic: 0 } }).picked, [0, 1, 2]);
  });

  it('a sentence closer to its papers than the document\'s median sentence scores higher (overDoc)', () => {
    const c = (paragraph: number) => ({ paragraph, section: '' });
    const suggestions = ['a', 'b', 'c'].map((k, i) => ({ keys: [k], score: 0, best: 0.2 * (i + 1) }));
    const { scored } = pickHints([c(0), c(1), c(2)], suggestions);
    assert.ok(scored[0]!.score < scored[1]!.score && scored[1]!.score < scored[2]!.score);
    assert.ok(Math.abs(scored[2]!.score - scored[1]!.score - 0.2 * HINT_GATE.weights.overDoc) < 1e-9);
  });

  it('reads a sentence\'s features: its best paper per tier, prior-work and own-work words; another library\'s closeness counts against a hint', () => {
    const hit = (key: string, score: number) => ({ paper: { key, authors: [] }, score, matched: ['lidar', 'glacier'] }) as unknown as Hit;
    const prior = claimFeatures('Glacier retreat has been widely documented in previous surveys (e.g. 2019).', { own: [hit('a', 0.6), hit('b', 0.2)], other: [hit('x', 0.9)] }, false);
    assert.deepEqual([prior.own, prior.other, prior.matched, prior.bestIsOwn, prior.named], [0.6, 0.9, 2, 1, 0]);
    assert.ok(Math.abs(prior.margin - 0.4) < 1e-9);
    assert.ok(prior.priorWork >= 2 && prior.etAl === 1 && prior.numbers === 1 && prior.ownWork === 0);
    const own = claimFeatures('We show our package in Figure 2 below.', { own: [hit('a', 0.6)], other: [] }, false);
    assert.ok(own.ownWork >= 2 && own.docRefs >= 2 && own.priorWork === 0);
    assert.ok(HINT_GATE.weights.other < 0 && HINT_GATE.weights.overDoc > 0 && HINT_GATE.weights.topic < 0);
  });

  it('reads the names an entry\'s title gives a tool, and the sentences that name one', () => {
    assert.deepEqual(titleNames('GlacierFlow: a {Python} package for ice velocity fields'), ['GlacierFlow']);
    assert.deepEqual(titleNames('icepack: modelling glaciers with the finite element method'), ['icepack']);
    assert.deepEqual(titleNames('Surface melt from {MODIS} and Landsat8 imagery'), ['MODIS', 'Landsat8']);
    assert.deepEqual(titleNames('GLACIER MASS BALANCE FROM SPACE'), [], 'an all-caps title names nothing by its capitals');
    assert.deepEqual(titleNames('Retreat of alpine glaciers'), []);
    const entries = [{ key: 'flow', title: 'GlacierFlow: a Python package for ice velocity fields' }, { key: 'ice', title: 'icepack: modelling glaciers' }, { key: 'plain', title: 'Retreat of alpine glaciers' }];
    assert.deepEqual(titleNamedKeys(entries, 'Velocities were tracked with glacierflow and then smoothed by Icepack.'), ['flow', 'ice'], 'whole words, in any case');
    assert.deepEqual(titleNamedKeys(entries, 'The icepacks of GlacierFlowing rivers.'), []);
  });

  it('a sentence naming a tool an entry\'s title names scores higher, the less often the document names it (titled)', () => {
    const c = (paragraph: number) => ({ paragraph, section: '' });
    const s = (titled: string[]) => ({ keys: ['a'], score: 0, best: 0.5, titled });
    const { scored } = pickHints([c(0), c(1), c(2), c(3)], [s(['rare']), s(['topic']), s(['topic']), s([])]);
    assert.ok(Math.abs(scored[0]!.score - scored[3]!.score - HINT_GATE.weights.titled) < 1e-9, 'named in one sentence: 1 × the weight');
    assert.ok(Math.abs(scored[1]!.score - scored[3]!.score - HINT_GATE.weights.titled / 2) < 1e-9, 'named in two: half of it');
    assert.ok(HINT_GATE.weights.titled > 0);
  });

  it('reads citable-claim verbs: "is widely used", "has been shown", "proposed by", "based on"', () => {
    assert.equal(citableCues('The method is widely used and was proposed by two glaciologists, based on radar.'), 3);
    assert.equal(citableCues('We walked to the lake and measured the ice.'), 0);
  });

  it('reads claim cues: names, years and words like "proposed"', () => {
    assert.ok(claimCues('The method proposed by the GPyTorch team in 2019 is widely used.') > claimCues('We then walk to the lake.'));
  });

  it('gaps: the uncited papers by their closest paragraph, a section alone when asked, never a cited one', () => {
    const { ctx } = ws.at(DOC);
    const all = gaps(ctx);
    assert.equal(all[0]?.key, 'moser2021lidar');
    assert.equal(all[0]?.section, 'Introduction');
    assert.ok(!all.some((g) => g.key === 'ortiz2019coral'));
    assert.ok(!all.some((g) => g.start >= DOC.indexOf(BEES)), 'the acknowledgments are no related work');
    assert.ok(all[0]!.score > (all.find((g) => g.key === 'lindqvist2018bees')?.score ?? 0));
    assert.deepEqual(rankGaps(ctx.index!, ctx.doc.text, 'latex', tiersOf(ctx).tiers, { section: 1 }), []);
  });

  it('gaps: an own entry is as close as the words its best paragraph shares, not as its share of that paragraph; its authors count', () => {
    const entry = (key: string, title: string, author: string): Paper => ({ key, title, authors: [author], origin: { file: 'refs.bib', line: 1, kind: 'bibtex' } });
    const entries = [
      entry('moser2021lidar', 'Retreat of alpine glaciers measured by repeated airborne lidar surveys', 'Moser, Anna'),
      entry('keller2019snow', 'Seasonal snow cover duration', 'Keller, Jon'),
      entry('ortiz2019coral', 'Marine heatwaves and coral bleaching', 'Ortiz, Ana'),
      entry('lind2018bees', 'Wild bees in upland meadows', 'Lind, Eva'),
    ];
    const passage = (text: string) => ({ text, start: 0, end: text.length });
    const long = passage(
      'The alpine glaciers of the range have been in retreat since the little ice age, and the pace of that retreat is now measured ' +
        'rather than guessed: repeated airborne lidar surveys flown over the same tongues give surface heights to a few centimetres, ' +
        'and differencing them yields volume change, which field stakes, photographs and older maps of the valley floor could never resolve.',
    );
    const short = passage('Seasonal snow cover in the valley was short in most winters.');
    const named = passage('Moser flew the same valley twice a year for a whole decade, by plane.');
    const close = ownCloseness(entries, [long, short]);
    const at = (key: string) => close.find((c) => c.paper.key === key);
    // Over each paragraph's own ideal the short paragraph's entry would come first; the evidence held puts the lidar paper there.
    assert.ok(at('moser2021lidar')!.score > at('keller2019snow')!.score, `${at('moser2021lidar')!.score} vs ${at('keller2019snow')!.score}`);
    assert.deepEqual([at('moser2021lidar')!.paragraph, at('keller2019snow')!.paragraph], [0, 1]);
    assert.ok(at('moser2021lidar')!.score <= 1);
    assert.equal(at('lind2018bees'), undefined, 'an entry sharing no word is not listed');
    const byName = ownCloseness(entries, [named, short]);
    assert.ok(byName.find((c) => c.paper.key === 'moser2021lidar')?.paragraph === 0, 'a paragraph naming the first author is close to the entry');
    assert.equal(byName.find((c) => c.paper.key === 'moser2021lidar')?.paper.title, entries[0]!.title, 'the entry itself, not the record it was read as');
    assert.deepEqual(ownCloseness([], [long]), []);
  });

  it('the paper being written, an entry of its own .bib (same title), is suggested by no hint, gap or related list', async () => {
    // moser2021lidar's title, as a writer types it: braces, a command, another case, a \thanks.
    const own = DOC.replace('\\begin{document}', '\\title{Retreat of {A}lpine Glaciers Measured by Repeated \\emph{Airborne} Lidar Surveys\\thanks{Funded.}}\n\\begin{document}');
    const suggested = async (text: string) => {
      const { ctx } = ws.at(text.replace(LIDAR, `${LIDAR.slice(0, 9)}|${LIDAR.slice(9)}`));
      return {
        hints: uncitedClaims(ctx, new ClaimMemo()).flatMap((h) => h.keys),
        gaps: gaps(ctx).map((g) => g.key),
        related: (await related(ctx, { threshold: 0, scope: 'paragraph' })).map((r) => r.key),
      };
    };
    const before = await suggested(DOC);
    assert.equal(before.hints[0], 'moser2021lidar');
    assert.equal(before.gaps[0], 'moser2021lidar');
    assert.equal(before.related[0], 'moser2021lidar');
    const after = await suggested(own);
    for (const [what, keys] of Object.entries(after)) assert.ok(!keys.includes('moser2021lidar'), `${what}: ${keys.join(', ')}`);
    assert.ok(after.related.length > 0, 'the other entries are still ranked');
  });

  it('gaps: never from the title page, the preamble or a caption, as hints', () => {
    // The bee paper is close only to what stands on the title page (and in the acknowledgments).
    const bees = 'Neonicotinoid pesticide exposure reduces honey bee foraging success and colony growth';
    const front = `\\documentclass{article}\n\\title{${bees}}\n\\begin{document}\n\\maketitle\n\\keywords{${bees}}\n\\author{${bees}}\n`;
    const caption = `\\begin{figure}\\caption{${bees}.}\\end{figure}\n`;
    const doc = DOC.replace(/^[\s\S]*?\\begin\{document\}\n/, front).replace('\\section{Introduction}\n', `\\section{Introduction}\n\n${caption}`);
    assert.ok(doc.startsWith(front) && doc.includes(caption), 'the fixture has a preamble and an introduction');
    const all = gaps(ws.at(doc).ctx);
    assert.equal(all[0]?.key, 'moser2021lidar', 'the body paragraph still counts');
    const body = doc.indexOf('Repeated airborne');
    assert.ok(all.every((g) => g.start >= body), all.map((g) => `${g.key} line ${g.line}`).join(', '));
    // The same words as a body paragraph put the bee paper first (what the title page must not do).
    const inBody = DOC.replace('\\section{Introduction}\n', `\\section{Introduction}\n\n${bees}.\n`);
    const bee = (list: { key: string; score: number }[]) => list.find((g) => g.key === 'lindqvist2018bees')?.score ?? 0;
    assert.ok(bee(gaps(ws.at(inBody).ctx)) > 2 * bee(all), `${bee(gaps(ws.at(inBody).ctx))} vs ${bee(all)}`);
  });
});
