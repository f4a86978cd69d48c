import { strict as assert } from 'node:assert';
import { CodeLenses, LensMemo, codeLenses, lensTitle } from '../../../server/src/features/codeLens';
import { Ranker } from '../../../server/src/search/rank';
import { REFS, workspace, type Workspace } from './fixture';

const DOC = `\\section{Planning}
«»Agents that plan with a learned dynamics model of the environment reach superhuman play in Atari, Go, chess and shogi. Tree search with a learned model works without the rules.

Board games too \\cite{mastering-atari-go}.

\\section{Fieldwork}
The glacier mass balance in the Alps declined sharply over the last winter season, and the trucks were late again.
|`;

describe('features: code lenses', () => {
  let ws: Workspace;
  before(async () => (ws = await workspace(REFS)));
  after(() => ws.dispose());

  it('sits above paragraphs with related papers, not-yet-cited papers first', () => {
    const { ctx, spans } = ws.at(DOC);
    const lenses = codeLenses(ctx, new LensMemo());
    assert.equal(lenses.length, 1);
    const lens = lenses[0]!;
    assert.equal(ctx.doc.text.slice(lens.anchor, lens.anchor + 6), 'Agents');
    assert.equal(lens.anchor, spans[0]!.start);
    assert.ok(lens.keys.includes('mastering-atari-go'));
    assert.equal(lens.keys[lens.keys.length - 1], 'mastering-atari-go', 'the paper cited elsewhere comes last');
    assert.equal(lens.uncited, lens.keys.length - 1);
    assert.match(lensTitle(lens), /^\d+ related papers?: /);
    // Corpus papers in the list: its number is weighed against the whole library.
    assert.equal(lens.of, ws.index.index.sources.reduce((n, s) => n + s.papers, 0));
  });

  it('sits above section headings in section mode, and nowhere when off', () => {
    const lenses = codeLenses(ws.at(DOC, { config: { codeLens: 'section' } }).ctx, new LensMemo());
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0]!.anchor, 0);
    assert.deepEqual(codeLenses(ws.at(DOC, { config: { codeLens: 'off' } }).ctx, new LensMemo()), []);
    assert.deepEqual(codeLenses(ws.at(DOC, { ready: false }).ctx, new LensMemo()), []);
  });

  it('asks the index once per paragraph text', () => {
    const { ctx } = ws.at(DOC);
    const memo = new LensMemo();
    let calls = 0;
    const index = ws.index.index;
    // Gated queries only: the gate's nulls rank random passages (threshold 0) once per passage length.
    const counting = { ...ctx, index: new Ranker(Object.create(index, { related: { value: (...a: any[]) => (a[1]?.threshold > 0 && calls++, (index.related as any)(...a)) } })) };
    codeLenses(counting, memo);
    const first = calls;
    codeLenses({ ...counting, doc: { ...ctx.doc, text: ctx.doc.text + '\nOne more line of words that is not related to anything at all here.\n', version: 2 } }, memo);
    assert.ok(first >= 1);
    assert.equal(calls, first + 1);
  });

  it('resolves a listed lens to its title and papers, and nothing once the document changed', () => {
    const { ctx } = ws.at(DOC);
    const lenses = new CodeLenses();
    const [listed] = lenses.list(ctx);
    const resolved = lenses.resolve(ctx, listed!.ref)!;
    assert.equal(resolved.title, lensTitle(listed!.lens));
    assert.equal(resolved.args.uri, ctx.doc.uri);
    assert.deepEqual(
      resolved.args.papers.map((p) => p.key),
      listed!.lens.keys,
    );
    assert.equal(resolved.args.papers.find((p) => p.key === 'mastering-atari-go')?.source, 'bundled corpus');
    assert.equal(lenses.resolve(ctx, { ...listed!.ref, version: 2 }), null);
    lenses.forget(ctx.doc.uri);
    assert.equal(lenses.resolve(ctx, listed!.ref), null);
  });

  it('never offers a paper the paragraph already cites, even when the citation follows its last word', () => {
    const cited = `«»Agents that plan with a learned dynamics model of the environment reach superhuman play in Atari, Go, chess and shogi. Tree search with a learned model works without the rules~\\cite{mastering-atari-go}

Another paragraph.|`;
    const { ctx } = ws.at(cited);
    for (const lens of codeLenses(ctx, new LensMemo())) assert.ok(!lens.keys.includes('mastering-atari-go'), lens.keys.join(', '));
    // Without the citation the same paragraph offers it.
    const { ctx: plain } = ws.at(cited.replace('~\\cite{mastering-atari-go}', '.'));
    assert.ok(codeLenses(plain, new LensMemo())[0]?.keys.includes('mastering-atari-go'));
  });

  it('lists more papers than its title names: every paper past the gate, up to the limit', () => {
    const { ctx } = ws.at(DOC);
    const [lens] = codeLenses(ctx, new LensMemo());
    assert.ok(lens!.keys.length >= 3, lens!.keys.join(', '));
    assert.match(lensTitle(lens!), /\+\d+ more$/);
  });

  it('counts the papers past the per-paper bar, not the list\'s limit', () => {
    const { ctx } = ws.at(DOC, { config: { maxSuggestions: 2 } });
    const [lens] = codeLenses(ctx, new LensMemo());
    const [full] = codeLenses(ws.at(DOC).ctx, new LensMemo());
    assert.equal(lens!.keys.length, 2);
    assert.equal(lens!.count, full!.count ?? full!.keys.length);
    assert.ok(lens!.count! > 2);
    assert.match(lensTitle(lens!), new RegExp(`^${lens!.count} related papers: `));
    // The papers behind it (litlens.showPapers) carry the same number for the quick pick's title.
    const lenses = new CodeLenses();
    const [listed] = lenses.list(ws.at(DOC, { config: { maxSuggestions: 2 } }).ctx);
    const resolved = lenses.resolve(ws.at(DOC, { config: { maxSuggestions: 2 } }).ctx, listed!.ref)!;
    assert.equal(resolved.args.count, lens!.count);
    assert.equal(resolved.args.papers.length, 2);
  });

  it('sits over no acknowledgments, funding, availability, contributions, interests or references', () => {
    const para = 'Agents that plan with a learned dynamics model of the environment reach superhuman play in Atari, Go, chess and shogi. Tree search with a learned model works without the rules.';
    const latex = ['\\section*{Acknowledgments}', '\\section{Data Availability}', '\\paragraph{Funding.}', '\\section{Author contributions}', '\\subsection*{Competing interests}', '\\section{References}'];
    for (const heading of latex) {
      const { ctx } = ws.at(`\\section{Intro}\n${para}\n\n${heading}\n${para}\n|`);
      assert.equal(codeLenses(ctx, new LensMemo()).length, 1, heading);
    }
    const markdown = ['# Acknowledgements\n\n', '## Data and code availability\n\n', '**Funding:** ', 'Acknowledgments\n===============\n\n', '# Author Contributions\n\n', '## Conflicts of Interest\n\n', '# References\n\n'];
    for (const heading of markdown) {
      const { ctx } = ws.at(`# Intro\n\n${para}\n\n${heading}${para}\n|`, { name: 'paper.md' });
      assert.equal(codeLenses(ctx, new LensMemo()).length, 1, heading);
    }
  });

  it('sits over no title, author, date or keywords: front matter is not a paragraph', () => {
    const para = 'Agents that plan with a learned dynamics model of the environment reach superhuman play in Atari, Go, chess and shogi. Tree search with a learned model works without the rules.';
    const front = [
      '\\title{Planning with a Learned Dynamics Model: Tree Search and Superhuman Play in Atari, Go, Chess and Shogi}',
      '\\author{A. Researcher\\thanks{Planning Lab}, B. Student \\\\ Department of Reinforcement Learning and Model-Based Planning}',
      '\\date{Model-based planning workshop on learned dynamics and tree search}',
      '\\keywords{model-based reinforcement learning, learned dynamics model, tree search, Atari, Go, chess, shogi}',
      '\\begin{keywords}model-based reinforcement learning, learned dynamics model, tree search, superhuman play\\end{keywords}',
    ].join('\n');
    const { ctx } = ws.at(`\\documentclass{article}\n\\begin{document}\n${front}\n\\maketitle\n\n\\section{Intro}\n${para}\n|`);
    const lenses = codeLenses(ctx, new LensMemo());
    assert.equal(lenses.length, 1, lenses.map((l) => ctx.doc.text.slice(l.anchor, l.anchor + 30)).join(' | '));
    assert.equal(ctx.doc.text.slice(lenses[0]!.anchor, lenses[0]!.anchor + 6), 'Agents');
  });

  it('titles: "1 related paper: …", three or fewer all named, else two titles and a count of the rest', () => {
    assert.equal(lensTitle({ anchor: 0, keys: ['a'], titles: ['A Title'], uncited: 1 }), '1 related paper: A Title');
    // Three are named rather than "A; B; +1 more" (the trial: name the best two or three).
    assert.equal(lensTitle({ anchor: 0, keys: ['a', 'b', 'c'], titles: ['A', 'B', 'C'], uncited: 3 }), '3 related papers: A; B; C');
    assert.equal(lensTitle({ anchor: 0, keys: ['a', 'b', 'c', 'd'], titles: ['A', 'B', 'C', 'D'], uncited: 4 }), '4 related papers: A; B; +2 more');
    // More papers past the bar than the list holds: the title counts them all.
    assert.equal(lensTitle({ anchor: 0, keys: ['a', 'b', 'c'], titles: ['A', 'B', 'C'], uncited: 3, count: 57 }), '57 related papers: A; B; +55 more');
    // A count over half the papers the list draws from says "most of them": the best three are named, no number.
    assert.equal(lensTitle({ anchor: 0, keys: ['a', 'b', 'c', 'd'], titles: ['A', 'B', 'C', 'D'], uncited: 4, count: 29, of: 51 }), 'Related papers: A; B; C; …');
    assert.equal(lensTitle({ anchor: 0, keys: ['a', 'b', 'c', 'd'], titles: ['A', 'B', 'C', 'D'], uncited: 4, count: 25, of: 51 }), '25 related papers: A; B; +23 more');
    assert.equal(lensTitle({ anchor: 0, keys: ['a', 'b', 'c'], titles: ['A', 'B', 'C'], uncited: 3, of: 4 }), 'Related papers: A; B; C');
    const long = 'Lucy-SKG: Learning to Play Rocket League Efficiently Using Deep Reward Shaping';
    const title = lensTitle({ anchor: 0, keys: ['a', 'b', 'c'], titles: [long, 'B', 'C'], uncited: 3 });
    assert.ok(!/…\s*…|\.\.\.…/.test(title), `no doubled ellipsis: ${title}`);
  });
});
