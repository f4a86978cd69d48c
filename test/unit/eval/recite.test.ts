import { strict as assert } from 'node:assert';
import { citationAt, type Syntax } from '../../../server/src/documents';
import type { Paper } from '../../../server/src/library/paper';
import { rankMetrics } from '../../../eval/queries';
import {
  PlainBm25,
  citingText,
  exactRank,
  hitAt,
  randomRank,
  reciprocalRank,
  reciteMetrics,
  reciteOccurrences,
  spanOf,
  withoutKey,
} from '../../../eval/recite';

/** Every re-asked copy of `text`: the text with one key out and the citation the cursor is in. */
function copies(text: string, syntax: Syntax, has: (k: string) => boolean = () => true) {
  return reciteOccurrences(text, syntax, has).asked.map((cited) => {
    const copy = withoutKey(text, cited);
    const cite = citationAt(copy.text, copy.cursor, syntax);
    return { key: cited.key, text: copy.text, cursor: copy.cursor, typed: cite?.typed, others: cite?.keys, command: cite?.command };
  });
}

const paper = (key: string, title: string, authors: string[] = [], venue?: string): Paper => ({
  key,
  title,
  authors,
  venue,
  origin: { file: 'refs.bib', line: 1, kind: 'bibtex' },
});

describe('eval: re-cite transform', () => {
  it('takes one key out of a LaTeX citation and leaves the cursor where it was', () => {
    const text = 'Glaciers retreat~\\cite{ice2001,snow2003} every summer.';
    const [first, second] = copies(text, 'latex');
    assert.equal(first.text, 'Glaciers retreat~\\cite{,snow2003} every summer.');
    assert.equal(second.text, 'Glaciers retreat~\\cite{ice2001,} every summer.');
    assert.equal(second.text.slice(second.cursor - 1, second.cursor + 1), ',}');
    assert.deepEqual([first.typed, first.others, first.command], ['', ['snow2003'], '\\cite']);
    assert.deepEqual([second.typed, second.others], ['', ['ice2001']]);
  });

  it('leaves an empty \\cite{} for an only key, with spaces kept', () => {
    const [only] = copies('Bread rises \\citep[see][p.~2]{yeast1999}.', 'latex');
    assert.equal(only.text, 'Bread rises \\citep[see][p.~2]{}.');
    assert.equal(only.command, '\\citep');
    const [, spaced] = copies('Rivers \\cite{delta1990, mouth1995} flood.', 'latex');
    assert.equal(spaced.text, 'Rivers \\cite{delta1990, } flood.');
    assert.deepEqual(spaced.others, ['delta1990']);
  });

  it('takes keys out of pandoc citations: bracketed, only, and in-text', () => {
    const text = 'Tides follow the moon [@lunar2010; @sea2012]. As @harbour2015 notes, ports [@port2020] silt up.';
    const byKey = Object.fromEntries(copies(text, 'markdown').map((c) => [c.key, c]));
    assert.equal(byKey.sea2012.text, 'Tides follow the moon [@lunar2010; @]. As @harbour2015 notes, ports [@port2020] silt up.');
    assert.deepEqual(byKey.sea2012.others, ['lunar2010']);
    assert.equal(byKey.lunar2010.text.slice(0, 40), 'Tides follow the moon [@; @sea2012]. As ');
    assert.deepEqual(byKey.lunar2010.others, ['sea2012']);
    assert.match(byKey.port2020.text, /ports \[@\] silt/);
    assert.match(byKey.harbour2015.text, /As @ notes/);
    assert.equal(byKey.harbour2015.command, '@');
    for (const c of Object.values(byKey)) assert.equal(c.typed, '', c.key);
  });

  it('skips keys the bibliography does not have', () => {
    const { asked, skipped } = reciteOccurrences('Salt \\cite{known,unknown} and pepper \\cite{known}.', 'latex', (k) => k === 'known');
    assert.deepEqual(asked.map((k) => k.key), ['known', 'known']);
    assert.deepEqual(skipped.map((k) => k.key), ['unknown']);
  });
});

describe('eval: the text a citation is ranked by', () => {
  // Sentences start with a capital (the splitter's rule), so the textual citation is followed by one.
  const para =
    'Sourdough starters keep wild yeast and lactic bacteria alive for decades. ' +
    'Bakers feed them flour and water every day.~\\cite{x} ' +
    'Strains differ between kitchens. \\citet{y} Forty kitchens across Europe were sampled for strains.';
  const at = (text: string, key: string, syntax: Syntax = 'latex') => {
    const cited = reciteOccurrences(text, syntax, () => true).asked.find((k) => k.key === key)!;
    const copy = withoutKey(text, cited);
    return citingText(copy.text, copy.cursor, syntax, citationAt(copy.text, copy.cursor, syntax)!.command);
  };

  it('uses the sentence before a parenthetical citation placed after a full stop', () => {
    assert.equal(at(para, 'x'), 'Bakers feed them flour and water every day.');
  });

  it('uses the sentence after a textual citation', () => {
    assert.equal(at(para, 'y'), 'Forty kitchens across Europe were sampled for strains.');
  });

  it('uses the paragraph when the sentence is short', () => {
    const text = 'Kilns fire clay slowly over two days and nights. Glazes melt \\cite{z}.';
    assert.equal(at(text, 'z'), 'Kilns fire clay slowly over two days and nights. Glazes melt.');
  });

  it('uses the sentence around a citation inside it, in Markdown too', () => {
    const text = 'Beekeepers move hives to orchards in spring [@bee2001] so that blossoms are pollinated. Honey follows.';
    assert.equal(at(text, 'bee2001', 'markdown'), 'Beekeepers move hives to orchards in spring so that blossoms are pollinated.');
  });
});

describe('eval: plain BM25 over the own bibliography', () => {
  const bib = [
    paper('smith2020graphs', 'Counting bridges in river towns', ['Smith, Ann']),
    paper('lee2019', 'Bread ovens of the medieval village', ['Lee, Bo'], 'Journal of Baking'),
    paper('kim2018', 'River sediment and bridges', ['Kim, Cy']),
    paper('ng2017', 'Weaving patterns', ['Ng, Di']),
  ];
  const bm25 = new PlainBm25(bib);

  it('ranks by shared words, reading title, authors, venue and the key split at digits', () => {
    const ranked = (q: string) => [...bm25.scores(q)].sort((a, b) => b.score - a.score).map((s) => s.key);
    assert.equal(ranked('medieval ovens')[0], 'lee2019');
    assert.equal(ranked('as Smith showed for towns')[0], 'smith2020graphs');
    assert.equal(ranked('the graphs of')[0], 'smith2020graphs');
    assert.equal(ranked('published in the Journal of Baking')[0], 'lee2019');
    // "bridges" is in two titles, "sediment" in one: the rarer word decides.
    assert.equal(ranked('bridges over sediment')[0], 'kim2018');
  });

  it('leaves out excluded (co-cited) keys and scores entries sharing no word 0', () => {
    const scores = bm25.scores('bridges', new Set(['kim2018']));
    assert.deepEqual(scores.map((s) => s.key), ['smith2020graphs', 'lee2019', 'ng2017']);
    assert.ok(scores[0].score > 0);
    assert.equal(scores[1].score, 0);
    assert.equal(scores[2].score, 0);
  });

  it('spans ties: an entry sharing no word sits anywhere among the others that share none', () => {
    const scores = bm25.scores('bridges');
    assert.deepEqual(spanOf(scores, 'lee2019'), { lo: 3, hi: 4 });
    assert.equal(spanOf(scores, 'lee2019', true), null);
    assert.equal(spanOf(scores, 'absent'), null);
    assert.deepEqual(spanOf(bm25.scores(''), 'ng2017'), { lo: 1, hi: 4 });
  });
});

describe('eval: re-cite metrics', () => {
  it('takes exact ranks as they are, with MRR cut at 20', () => {
    const m = reciteMetrics([exactRank(1), exactRank(3), exactRank(7), exactRank(25), null]);
    assert.equal(m.occurrences, 5);
    assert.equal(m.r1, 1 / 5);
    assert.equal(m.r5, 2 / 5);
    assert.equal(m.r10, 3 / 5);
    assert.ok(Math.abs(m.mrr20 - (1 + 1 / 3 + 1 / 7) / 5) < 1e-12);
  });

  it('agrees with the eval set metrics (eval/queries.ts) on exact ranks', () => {
    const ranks = [1, 2, 5, 6, 12, null];
    const ours = reciteMetrics(ranks.map((r) => (r === null ? null : exactRank(r))));
    const lists = ranks.map((r) => ({
      ranked: Array.from({ length: 20 }, (_, i) => (r !== null && i === r - 1 ? 'target' : `other${i}`)),
      relevant: { target: 2 },
    }));
    const theirs = rankMetrics(lists);
    assert.equal(ours.r1, theirs.r1);
    assert.equal(ours.r5, theirs.r5);
    assert.ok(Math.abs(ours.mrr20 - theirs.mrr) < 1e-12);
  });

  it('gives the random expectation for a bibliography of n entries', () => {
    assert.equal(hitAt(randomRank(40), 10), 10 / 40);
    assert.equal(hitAt(randomRank(8), 10), 1);
    const h4 = 1 + 1 / 2 + 1 / 3 + 1 / 4;
    assert.ok(Math.abs(reciprocalRank(randomRank(4)) - h4 / 4) < 1e-12);
    let h20 = 0;
    for (let r = 1; r <= 20; r++) h20 += 1 / r;
    assert.ok(Math.abs(reciprocalRank(randomRank(100)) - h20 / 100) < 1e-12);
  });

  it('counts a tie by its expected value', () => {
    assert.equal(hitAt({ lo: 9, hi: 12 }, 10), 2 / 4);
    assert.ok(Math.abs(reciprocalRank({ lo: 19, hi: 22 }) - (1 / 19 + 1 / 20) / 4) < 1e-12);
    assert.equal(hitAt(null, 10), 0);
    assert.equal(reciprocalRank(null), 0);
  });
});
