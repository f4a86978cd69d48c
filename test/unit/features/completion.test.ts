import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { OTHER_LIMIT, OWN_LIMIT, completion, type CompletionAnswer } from '../../../server/src/features/completion';
import { buildCorpus, corpusSource } from '../../../server/src/search/corpus';
import { REFS, workspace, type AtOptions, type Workspace } from './fixture';

const MUZERO = 'mastering-atari-go';
const SENTENCE = 'Agents that plan with a learned dynamics model of the environment reach superhuman play in Atari and board games';

/** A bibliography of its own field (nothing here is in the bundled corpus). */
const OWN = `%! refs.bib
@article{hartley2019tides,
  author = {Hartley, Ann and Ng, Bo and Okafor, Chi},
  title = {Tidal Forcing of Coastal Sediment Transport},
  journal = {Journal of Coastal Research},
  year = {2019}
}
@software{quarry2021,
  author = {Lind, Dana},
  title = {Quarry: A Toolkit for Gridded Rainfall Records},
  year = {2021}
}
@article{moss2015glaciers,
  author = {Moss, Eli},
  title = {Glacier Retreat in Alpine Valleys},
  journal = {Cryosphere Letters},
  year = {2015}
}
@book{ivers2008,
  author = {Ivers, Flo},
  title = {Numerical Methods for Shallow Water Equations},
  year = {2008}
}
`;
const OWN_KEYS = ['hartley2019tides', 'quarry2021', 'moss2015glaciers', 'ivers2008'];

const keys = (a: CompletionAnswer | null) => a!.items.map((i) => i.key);

describe('features: citation completion', () => {
  describe('without a bibliography of its own', () => {
    let ws: Workspace;
    before(async () => (ws = await workspace('')));
    after(() => ws.dispose());
    const complete = (source: string, options: AtOptions = {}) => completion(ws.at(source, { trusted: false, ...options }).ctx);

    it('ranks the library by the sentence (MuZero first after \\cite{ and after [@)', () => {
      const answer = complete(`${SENTENCE} \\cite{|}.`)!;
      assert.equal(answer.incomplete, true);
      assert.equal(answer.items[0]!.key, MUZERO);
      assert.equal(answer.items[0]!.tier, 3);
      assert.match(answer.items[0]!.label, /^Mastering Atari/);
      assert.match(answer.items[0]!.documentation, /^### Mastering Atari.*\n\n.*MuZero/s);
      assert.equal(complete(`${SENTENCE} [@|].`, { name: 'note.md' })!.items[0]!.key, MUZERO);
    });

    it('offers at most maxSuggestions papers', () => {
      assert.equal(complete(`${SENTENCE} \\cite{|}.`, { config: { maxSuggestions: 3 } })!.items.length, 3);
    });

    it('replaces what is typed of the key, and keeps the server order through the editor filter', () => {
      const { ctx } = ws.at(`${SENTENCE} \\citep[see][]{mast|}.`, { trusted: false });
      const answer = completion(ctx)!;
      const first = answer.items[0]!;
      assert.equal(first.key, MUZERO);
      assert.equal(ctx.doc.text.slice(first.start, first.end), 'mast');
      for (const item of answer.items) assert.ok(item.filterText.startsWith('mast'), item.filterText);
      assert.deepEqual(
        answer.items.map((i) => i.sortText),
        answer.items.map((_, i) => String(i).padStart(5, '0')),
      );
    });

    it('answers null outside a citation and no items (incomplete) before the index is ready', () => {
      assert.equal(complete(`${SENTENCE} |.`), null);
      assert.equal(complete(`Write to jane@exa|mple.org`, { name: 'note.md' }), null);
      assert.deepEqual(complete(`${SENTENCE} \\cite{|}`, { ready: false }), { items: [], incomplete: true });
    });
  });

  describe('tiers', () => {
    let ws: Workspace;
    before(async () => (ws = await workspace(`${OWN}${REFS.replace('refs.bib', 'other.bib')}`)));
    after(() => ws.dispose());
    const complete = (source: string, options: AtOptions = {}) => completion(ws.at(source, options).ctx);
    const BIB = '\n\n\\bibliography{refs}';

    it('offers every entry of the named bibliography first, ranked by the sentence, then at most a few related papers', () => {
      const answer = complete(`Sediment moves with the tidal forcing along the coast \\cite{|}.${BIB}`)!;
      const own = answer.items.filter((i) => i.tier === 1);
      assert.deepEqual(
        own.map((i) => i.key).sort(),
        [...OWN_KEYS].sort(),
      );
      assert.equal(answer.items[0]!.key, 'hartley2019tides');
      assert.deepEqual(
        answer.items.slice(0, own.length).map((i) => i.tier),
        own.map(() => 1),
      );
      assert.ok(answer.items.length - own.length <= OTHER_LIMIT);
    });

    it('puts the named bibliography before other workspace libraries and the corpus', () => {
      const answer = complete(`Graph networks for physical reasoning \\cite{|}.${BIB}`)!;
      assert.deepEqual(answer.items.slice(0, OWN_KEYS.length).map((i) => i.tier), [1, 1, 1, 1]);
      const other = answer.items.find((i) => i.key === 'smith2020graphs');
      if (other) assert.equal(other.tier, 2);
    });

    it('without a named bibliography, the workspace .bib files are tier 1', () => {
      const answer = complete('Graph networks for physical reasoning \\cite{|}.')!;
      assert.equal(answer.items[0]!.key, 'smith2020graphs');
      assert.equal(answer.items.filter((i) => i.tier === 1).length, OWN_KEYS.length + 1);
    });

    it('ranks by author surnames, tool names in the key and the venue', () => {
      assert.equal(complete(`As Moss showed for the Alps \\cite{|}.${BIB}`)!.items[0]!.key, 'moss2015glaciers');
      assert.equal(complete(`Records were gridded with quarry \\cite{|}.${BIB}`)!.items[0]!.key, 'quarry2021');
      assert.equal(complete(`Results in the cryosphere community \\cite{|}.${BIB}`)!.items[0]!.key, 'moss2015glaciers');
    });

    it('puts entries the document does not cite yet before those it cites, when the sentence says nothing', () => {
      const text = `Earlier work \\cite{hartley2019tides, moss2015glaciers, quarry2021} set the scene.\n\nThis also holds here \\cite{|}.${BIB}`;
      assert.equal(complete(text)!.items[0]!.key, 'ivers2008');
    });

    it('after a full stop, a parenthetical citation is ranked by the sentence before it, a textual one by the sentence after', () => {
      const tides = 'Sediment moves with the tidal forcing along the coast';
      const ice = 'Glacier retreat reshapes alpine valleys over decades.';
      assert.equal(complete(`Intro. ${tides}.~\\cite{|} ${ice}${BIB}`)!.items[0]!.key, 'hartley2019tides');
      assert.equal(complete(`Intro. ${ice} \\citet{|} ${tides}.${BIB}`)!.items[0]!.key, 'hartley2019tides');
    });

    it('with letters typed, every tier is narrowed by them, tier 1 first', () => {
      const answer = complete(`Graph networks \\cite{ha|}.${BIB}`)!;
      assert.equal(answer.items[0]!.key, 'hartley2019tides');
      assert.ok(!answer.items.some((i) => i.key === 'quarry2021'));
      const smith = complete(`Graph networks \\cite{smith|}.${BIB}`)!;
      assert.equal(smith.items[0]!.key, 'smith2020graphs');
      assert.equal(smith.items[0]!.tier, 2);
    });

    it('one typed letter narrows the bibliography to entries whose key, title word or author starts with it', () => {
      const g = complete(`Alpine valleys lose ice \\cite{g|}.${BIB}`)!;
      assert.equal(g.items[0]!.key, 'moss2015glaciers', 'title words, ranked by the sentence');
      const tier1 = (a: CompletionAnswer) => a.items.filter((i) => i.tier === 1).map((i) => i.key).sort();
      assert.deepEqual(tier1(g), ['moss2015glaciers', 'quarry2021'], 'Glacier, Gridded');
      assert.deepEqual(tier1(complete(`Rain \\cite{l|}.${BIB}`)!), ['quarry2021'], 'an author (Lind)');
      assert.deepEqual(tier1(complete(`Water \\cite{iv|}.${BIB}`)!), ['ivers2008'], 'the key');
    });

    it('leaves out keys already in the command, unless nothing else is left', () => {
      const answer = complete(`Tidal sediment \\cite{hartley2019tides, |}.${BIB}`)!;
      assert.ok(!keys(answer).includes('hartley2019tides'));
      assert.equal(answer.items[0]!.tier, 1);
    });

    it('shows author, year and title on each row, and where the entry is or will be added', () => {
      const answer = complete(`Sediment moves with the tidal forcing along the coast \\cite{|}.${BIB}`)!;
      const own = answer.items[0]!;
      // Surname and year first, whatever the key's length; the key on the right, and inserted.
      assert.equal(own.label, 'Hartley 2019 · Tidal Forcing of Coastal Sediment Transport');
      assert.equal(own.description, 'hartley2019tides');
      assert.equal(own.detail, 'hartley2019tides · in refs.bib');
      assert.equal(own.addsEntryTo, null);
      assert.match(own.documentation, /^### Tidal Forcing of Coastal Sediment Transport\n\nAnn Hartley, Bo Ng, Chi Okafor · 2019 · \*Journal of Coastal Research\*/);
      assert.equal((own.documentation.match(/Tidal Forcing/g) ?? []).length, 1);
      const corpus = complete(`${SENTENCE} \\cite{mast|}.${BIB}`)!.items.find((i) => i.key === MUZERO)!;
      assert.equal(corpus.tier, 3);
      assert.equal(corpus.addsEntryTo, ws.path('refs.bib'));
      assert.equal(corpus.label, 'Mastering Atari, Go, Chess and Shogi by Planning with a Learned Model', 'no authors or year to show');
      assert.equal(corpus.description, `+ refs.bib · ${MUZERO}`);
      // The details header is broken between words, its lines indented (VS Code keeps them as written).
      assert.equal(corpus.detail, `${MUZERO} · bundled corpus —\n  choosing it adds the entry to refs.bib\n  (no authors or year — will be added as\n  @misc)`);
      for (const line of corpus.detail.split('\n')) assert.ok(line.length <= 40, line);
      assert.match(corpus.documentation, /adds the entry to refs\.bib/);
    });
  });

  it('never answers an empty list while the bibliography has entries, even when its only entries are co-cited', async () => {
    const ws = await workspace(`%! paper.bib
@article{Koru2007, author = {Koru, A.}, title = {Module size}, year = {2007}}
@article{Gopinath2014, author = {Gopinath, R.}, title = {Coverage}, year = {2014}}
`);
    try {
      const md = '---\nbibliography: paper.bib\n---\nDefects cluster in small modules [@|; @Koru2007; @Gopinath2014].\n';
      const answer = completion(ws.at(md, { name: 'paper.md' }).ctx)!;
      assert.deepEqual(keys(answer).slice(0, 2).sort(), ['Gopinath2014', 'Koru2007']);
    } finally {
      ws.dispose();
    }
  });

  it('a bibliography larger than the list gives its best entries by the sentence, and re-asks as letters are typed', async () => {
    const entries = Array.from({ length: OWN_LIMIT + 20 }, (_, i) => `@misc{e${i}, title = {Entry number ${i} on ${i === 777 ? 'tidal sediment' : 'other things'}}, year = {2000}}`);
    const ws = await workspace(`%! big.bib\n${entries.join('\n')}\n`, { corpus: false });
    try {
      const answer = completion(ws.at('Tidal sediment moves \\cite{|}.\n\\bibliography{big}').ctx)!;
      assert.equal(answer.incomplete, true);
      assert.equal(answer.items.length, OWN_LIMIT);
      assert.equal(answer.items[0]!.key, 'e777');
    } finally {
      ws.dispose();
    }
  });
});

describe('features: citation completion from a bibliography held in a paper store', function () {
  this.timeout(30000);
  let ws: Workspace;
  before(async () => {
    ws = await workspace('', { corpus: true });
    // The document's bibliography as a CSL-JSON file read into an off-heap store with its index segments.
    const file = ws.path('big.json');
    const items = [
      { id: 'tide2019', type: 'article-journal', title: 'Tidal Forcing of Coastal Sediment Transport', author: [{ family: 'Hartley', given: 'Ann' }], issued: { 'date-parts': [[2019]] } },
      { id: 'quarry2021', type: 'software', title: 'Quarry: A Toolkit for Gridded Rainfall Records', author: [{ family: 'Lind', given: 'Dana' }], issued: { 'date-parts': [[2021]] } },
      { id: 'moss2015', type: 'article-journal', title: 'Glacier Retreat in Alpine Valleys', author: [{ family: 'Moss', given: 'Eli' }], issued: { 'date-parts': [[2015]] } },
    ];
    fs.writeFileSync(file, JSON.stringify(items));
    const read = await buildCorpus(file, null, { format: 'csl-json' });
    assert.equal(read.store.size, 3);
    ws.library.setStoreSource(file, read.store, read.issues, 'workspace', 'big.json');
    ws.index.index.setEncodedSource({ ...corpusSource(read), kind: 'workspace' }, read.encoded);
  });
  after(() => ws.dispose());

  it('offers the store-held bibliography first, ranked by the sentence, and every one of its entries', () => {
    const { ctx } = ws.at('---\nbibliography: big.json\n---\nThe glaciers retreat in alpine valleys [@|].', { name: 'note.md' });
    const answer = completion(ctx)!;
    const own = answer.items.filter((i) => i.tier === 1).map((i) => i.key);
    assert.equal(own[0], 'moss2015');
    assert.deepEqual([...own].sort(), ['moss2015', 'quarry2021', 'tide2019']);
    assert.equal(answer.items[0]!.key, 'moss2015');
    assert.equal(answer.items[0]!.addsEntryTo, null, 'the entry is in the bibliography already');
    assert.equal(answer.items[0]!.detail, 'moss2015 · in big.json');
    const typed = completion(ws.at('---\nbibliography: big.json\n---\nRainfall grids [@qua|].', { name: 'note.md' }).ctx)!;
    assert.equal(typed.items[0]!.key, 'quarry2021');
    assert.equal(typed.items[0]!.tier, 1);
  });
});
