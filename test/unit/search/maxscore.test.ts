// MaxScore (search/maxscore.ts) must not change a ranking: on random queries over a generated
// library cut into many segments, every context, related and completion answer of the pruned
// index is the exhaustive index's, paper for paper, score for score.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { corpusItems, generatePapers, prng } from '../../../bench/generate';
import type { Paper } from '../../../server/src/library/paper';
import { SearchIndex, type IndexSource } from '../../../server/src/search';
import { buildCorpus, corpusSource } from '../../../server/src/search/corpus';
import { corpusPapers } from './corpus';

type Answer = [string, number, string[]][];
const answer = (hits: { paper: Paper; score: number; matched: string[] }[]): Answer => hits.map((h) => [h.paper.key, h.score, h.matched]);

/** Random passages: words drawn from the papers' titles and abstracts, so common and rare words mix as in prose. */
function passages(papers: readonly Paper[], n: number, seed: number): string[] {
  const rand = prng(seed);
  const words = papers.flatMap((p) => `${p.title} ${p.abstract ?? ''}`.split(/\s+/).filter(Boolean));
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const length = 2 + Math.floor(rand() * (i % 3 === 0 ? 60 : 14));
    out.push(Array.from({ length }, () => words[Math.floor(rand() * words.length)]).join(' '));
  }
  return out;
}

function both(sources: IndexSource[]): [SearchIndex, SearchIndex] {
  return [SearchIndex.fromSources(sources, { chunkPapers: 128 }), SearchIndex.fromSources(sources, { chunkPapers: 128, exhaustive: true })];
}

describe('search/maxscore: exact dynamic pruning', function () {
  this.timeout(120000);
  let generated: Paper[];
  let bundled: Paper[];
  before(async () => {
    bundled = await corpusPapers();
    generated = generatePapers(corpusItems(), 3000, 7, 'library.bib');
  });

  it('ranks random passages exactly as scoring every posting does (context, search box, completion)', () => {
    const [pruned, exhaustive] = both([
      { id: 'library.bib', papers: generated, kind: 'workspace' },
      { id: 'corpus', papers: bundled, kind: 'corpus' },
    ]);
    assert.ok(pruned.sources[0].chunks >= 10, `${pruned.sources[0].chunks} segments`);
    const within = new Set(['library.bib']);
    for (const [i, text] of passages([...generated, ...bundled], 150, 11).entries()) {
      const limit = [1, 3, 10, 20, 50][i % 5];
      for (const coordination of [true, false, 0.5]) {
        assert.deepEqual(answer(pruned.context(text, { limit, coordination })), answer(exhaustive.context(text, { limit, coordination })), `context ${limit} ${coordination}: ${text}`);
      }
      assert.deepEqual(answer(pruned.context(text, { limit, within })), answer(exhaustive.context(text, { limit, within })), `within: ${text}`);
      assert.deepEqual(answer(pruned.context(text, { limit, maxTerms: 4 })), answer(exhaustive.context(text, { limit, maxTerms: 4 })), `4 terms: ${text}`);
      assert.deepEqual(answer(pruned.search(text, { limit, mode: 'context' })), answer(exhaustive.search(text, { limit, mode: 'context' })), `search: ${text}`);
      assert.deepEqual(answer(pruned.completion('', text, { limit })), answer(exhaustive.completion('', text, { limit })), `completion: ${text}`);
      // Typed letters: a word of the passage begun, or a key begun.
      const word = text.split(' ')[i % text.split(' ').length];
      for (const typed of [word.slice(0, 2 + (i % 4)), generated[i * 17].key.slice(0, 3 + (i % 5))]) {
        assert.deepEqual(answer(pruned.completion(typed, text, { limit })), answer(exhaustive.completion(typed, text, { limit })), `completion ${typed}: ${text}`);
      }
    }
  });

  it('ranks completion over many typed candidates (a common prefix) exactly as scoring every posting does', () => {
    // The prefixes most title words start with: their candidates are too many to look up one by
    // one, so completion runs MaxScore restricted to them (index.ts, maxscore.ts Blend).
    const [pruned, exhaustive] = both([
      { id: 'library.bib', papers: generated, kind: 'workspace' },
      { id: 'corpus', papers: bundled, kind: 'corpus' },
    ]);
    // Prefixes of title words in 4-20% of the papers: above that completion scores every posting.
    const papersWith = new Map<string, number>();
    for (const p of generated) for (const s of new Set((p.title.toLowerCase().match(/\p{L}{2,}/gu) ?? []).map((w) => w.slice(0, 2)))) papersWith.set(s, (papersWith.get(s) ?? 0) + 1);
    const common = [...papersWith.entries()].filter(([, n]) => n > 0.04 * generated.length && n < 0.2 * generated.length).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([s]) => s);
    assert.equal(common.length, 6, JSON.stringify([...papersWith.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20)));
    // And in over a quarter of them: their matches are kept from the first completion to the next (index.ts completionOfMany).
    const most = [...papersWith.entries()].filter(([, n]) => n > 0.25 * (generated.length + bundled.length)).map(([s]) => s);
    assert.ok(most.length >= 1, JSON.stringify([...papersWith.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5)));
    const texts = passages([...generated, ...bundled], 90, 14);
    for (const [i, text] of texts.entries()) {
      const limit = [1, 5, 10, 20, 50][i % 5];
      // Also a prefix and a second word, and a short context (typed scores then decide more places).
      for (const typed of [common[i % common.length], `${common[(i + 1) % common.length]} ${common[(i + 2) % common.length]}`, most[i % most.length]]) {
        for (const context of [text, text.split(' ').slice(0, 3).join(' ')]) {
          assert.deepEqual(answer(pruned.completion(typed, context, { limit })), answer(exhaustive.completion(typed, context, { limit })), `completion ${typed} (${limit}): ${context}`);
        }
      }
    }
  });

  it('ranks a word and a common prefix ("deep lear") exactly as scoring every typed match does', () => {
    // The pruned index scores the last word only in the papers the first matched (index.ts
    // completionNow); the exhaustive one scores every typed match, as completion did before.
    // Hyphenated keys: "notes-z" covers notes-zhang2010function as a key prefix, though no word is "z".
    const notes = generated.slice(0, 300).map((p) => ({ ...p, key: `notes-${p.key}` }));
    const [pruned, exhaustive] = both([
      { id: 'library.bib', papers: generated, kind: 'workspace' },
      { id: 'notes.bib', papers: notes, kind: 'workspace' },
      { id: 'corpus', papers: bundled, kind: 'corpus' },
    ]);
    const titleWords = (p: Paper) => new Set(p.title.toLowerCase().match(/\p{L}{3,}/gu) ?? []);
    const papersWith = new Map<string, number>();
    for (const p of generated) for (const w of titleWords(p)) papersWith.set(w, (papersWith.get(w) ?? 0) + 1);
    const byCount = [...papersWith.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    // Whole words in 1-10% of the titles, and the most common two- and three-letter title starts.
    const words = byCount.filter(([, n]) => n > 0.01 * generated.length && n < 0.1 * generated.length).map(([w]) => w);
    const prefixes = [...new Set(byCount.slice(0, 12).flatMap(([w]) => [w.slice(0, 2), w.slice(0, 3)]))];
    assert.ok(words.length >= 10 && prefixes.length >= 6, `${words.length} words, ${prefixes.length} prefixes`);
    const texts = passages([...generated, ...bundled], 40, 17);
    let none = 0;
    for (const [i, text] of texts.entries()) {
      const limit = [1, 5, 10, 20, 50][i % 5];
      const word = words[(i * 7) % words.length];
      const prefix = prefixes[i % prefixes.length];
      // A word and a prefix; a prefix and a word; two words no title holds together (every typed
      // match is then a candidate); a hyphenated pair (its joined form a bonus); the start of a
      // hyphenated key (a key prefix covers its paper whatever words the title lacks).
      const key = notes[(i * 13) % notes.length].key;
      for (const typed of [`${word} ${prefix}`, `${prefix} ${word}`, `${word} ${words[(i * 7 + 3) % words.length]} ${prefix}`, `${word}-${prefix}`, key.slice(0, 7 + (i % 3)), `${word} zqxj`]) {
        const got = answer(pruned.completion(typed, text, { limit }));
        assert.deepEqual(got, answer(exhaustive.completion(typed, text, { limit })), `completion ${typed} (${limit}): ${text}`);
        if (typed.endsWith('zqxj') && got.length > 0) none++;
      }
    }
    assert.ok(none > 0, 'a typed word no paper matches still leaves the papers matching the others');
  });

  it('forgets the kept matches of a common prefix when the library changes', () => {
    const [pruned, exhaustive] = both([
      { id: 'library.bib', papers: generated, kind: 'workspace' },
      { id: 'corpus', papers: bundled, kind: 'corpus' },
    ]);
    const texts = passages([...generated, ...bundled], 12, 21);
    const same = (typed: string) => {
      for (const text of texts) assert.deepEqual(answer(pruned.completion(typed, text, { limit: 10 })), answer(exhaustive.completion(typed, text, { limit: 10 })), `completion ${typed}: ${text}`);
    };
    same('mo');
    // Papers taken out and others' keys hidden: other document numbers, other candidates.
    for (const index of [pruned, exhaustive]) index.setSource({ id: 'library.bib', papers: generated.slice(500, 2500), kind: 'workspace' });
    same('mo');
    for (const index of [pruned, exhaustive]) index.hideKeys(generated.slice(600, 1200).map((p) => p.key));
    same('mo');
  });

  it('picks the same related papers, with and without the gate', () => {
    const [pruned, exhaustive] = both([
      { id: 'library.bib', papers: generated, kind: 'workspace' },
      { id: 'corpus', papers: bundled, kind: 'corpus' },
    ]);
    for (const text of passages([...generated, ...bundled], 60, 12)) {
      for (const threshold of [0, 0.3]) {
        assert.deepEqual(answer(pruned.related(text, { threshold, limit: 10 })), answer(exhaustive.related(text, { threshold, limit: 10 })), `related ${threshold}: ${text}`);
      }
    }
  });

  /** Each passage asked in steps (relatedSteps), with other related and completion queries run between the steps, answers as related() does. */
  function stepsAgree(index: SearchIndex, texts: string[], within: ReadonlySet<string>): void {
    for (const [i, text] of texts.entries()) {
      const options = i % 3 === 0 ? { threshold: 0, limit: 1, within } : { threshold: i % 2 ? 0 : 0.3, limit: 10 };
      const steps = index.relatedSteps(text, options);
      let step = steps.next();
      let yields = 0;
      // Between the steps, the requests a user makes meanwhile: other passages, other scopes, completion.
      for (; !step.done; step = steps.next(), yields++) {
        const other = texts[(i + yields + 1) % texts.length];
        index.related(other, { threshold: 0.3, limit: 5, within: yields % 2 ? within : undefined });
        index.completion(other.slice(0, 2), other, { limit: 5 });
      }
      assert.ok(yields >= 5, `${yields} steps`);
      assert.deepEqual(answer(step.value), answer(index.related(text, options)), `in steps: ${text}`);
    }
  }

  it('answers related in steps (a background query) as related, with other queries run between its steps', async () => {
    const [pruned] = both([
      { id: 'library.bib', papers: generated, kind: 'workspace' },
      { id: 'corpus', papers: bundled, kind: 'corpus' },
    ]);
    stepsAgree(pruned, passages([...generated, ...bundled], 40, 13), new Set(['library.bib']));
    // A corpus off the heap: ranked by the index's own scores, whose coordination (the terms kept) each query sets.
    const corpus = await buildCorpus(join(__dirname, '..', '..', 'fixtures', 'arxiv', 'snapshot-1k.jsonl'), null, { chunkPapers: 100 });
    const stored = SearchIndex.fromSources([{ id: 'library.bib', papers: generated.slice(0, 300), kind: 'workspace' }], { chunkPapers: 128 });
    stored.setEncodedSource(corpusSource(corpus), corpus.encoded);
    stepsAgree(stored, passages([...generated.slice(0, 300), ...bundled], 40, 14), new Set([corpus.file]));
    await corpus.store.close();
  });

  it('picks the same related candidates where a corpus keeps its papers off the heap', async () => {
    const corpus = await buildCorpus(join(__dirname, '..', '..', 'fixtures', 'arxiv', 'snapshot-1k.jsonl'), null, { chunkPapers: 100 });
    const pruned = SearchIndex.fromSources([]);
    const exhaustive = SearchIndex.fromSources([], { exhaustive: true });
    pruned.setEncodedSource(corpusSource(corpus), corpus.encoded);
    exhaustive.setEncodedSource(corpusSource(corpus), corpus.encoded);
    assert.ok(pruned.sources[0].chunks >= 5);
    for (const text of passages([...generated.slice(0, 300), ...bundled], 80, 13)) {
      for (const threshold of [0, 0.3]) {
        assert.deepEqual(answer(pruned.related(text, { threshold, limit: 5 })), answer(exhaustive.related(text, { threshold, limit: 5 })), `related ${threshold}: ${text}`);
      }
      assert.deepEqual(answer(pruned.context(text, { limit: 10 })), answer(exhaustive.context(text, { limit: 10 })), `context: ${text}`);
    }
    await corpus.store.close();
  });
});
