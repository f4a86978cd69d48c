import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCorpus, existingKeys, readSource, serialize, plainTitle } from '../../../corpus/build';

const corpusDir = join(__dirname, '..', '..', '..', 'corpus');
const sourceText = readFileSync(join(corpusDir, 'source.txt'), 'utf8');
const committed = readFileSync(join(corpusDir, 'papers.json'), 'utf8');

describe('bundled corpus build', () => {
  const items = JSON.parse(committed) as ReturnType<typeof buildCorpus>;

  it('papers.json is exactly what the build makes from source.txt', () => {
    assert.equal(serialize(buildCorpus(sourceText, existingKeys(committed))), committed);
    assert.equal(serialize(buildCorpus(sourceText)), committed, 'keys from scratch equal the committed keys');
  });

  it('holds 353 papers with abstracts and no page chrome', () => {
    assert.equal(items.length, 353);
    assert.ok(items.every((i) => i.abstract.length > 100));
    assert.ok(!items.some((i) => i.title.includes('Subscribe') || /trending papers/i.test(i.title)));
    assert.equal(items[0].title, 'Mastering Atari, Go, Chess and Shogi by Planning with a Learned Model');
  });

  it('keeps titles and abstracts verbatim, line by line from the source', () => {
    const lines = sourceText.split('\n');
    for (const item of items) {
      const line = item.custom.sourceLine;
      const sourceTitle = line === 3 ? lines[line - 1].replace(/^Subscribe/, '') : lines[line - 1];
      assert.equal(item.title, sourceTitle.trim(), `title at source.txt:${line}`);
      assert.equal(item.abstract, lines[line].trim(), `abstract at source.txt:${line + 1}`);
    }
  });

  it('gives LaTeX titles a plain-text form', () => {
    const astro = items.find((i) => i.title.startsWith('AstroM'))!;
    assert.equal(astro.title, 'AstroM$^3$: A self-supervised multimodal model for astronomy');
    assert.equal(astro.custom.plainTitle, 'AstroM3: A self-supervised multimodal model for astronomy');
    assert.equal(plainTitle('Pairwise or $K$-wise Comparisons'), 'Pairwise or K-wise Comparisons');
  });

  it('keys are unique, readable and follow the rule', () => {
    const keys = items.map((i) => i.id);
    assert.equal(new Set(keys).size, keys.length);
    assert.ok(keys.every((k) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(k)), 'only a-z, 0-9 and -');
    assert.equal(items[0].id, 'mastering-atari-go');
  });

  it('appending or inserting a paper never changes an existing key', () => {
    const extra = 'Mastering Atari with Discrete World Models\nAn abstract about world models for Atari.\n';
    const appended = buildCorpus(sourceText.replace(/\n?$/, '\n') + extra, existingKeys(committed));
    assert.equal(appended.length, 354);
    assert.deepEqual(appended.slice(0, 353).map((i) => i.id), items.map((i) => i.id));
    assert.equal(appended[353].id, 'mastering-atari-discrete', 'a taken key grows by one title word');

    const lines = sourceText.split('\n');
    const inserted = [...lines.slice(0, 4), ...extra.trimEnd().split("\n"), ...lines.slice(4)].join("\n");
    const rebuilt = buildCorpus(inserted, existingKeys(committed));
    const byTitle = new Map(rebuilt.map((i) => [i.title, i.id]));
    for (const item of items) assert.equal(byTitle.get(item.title), item.id);
  });

  it('reports a malformed source with its line', () => {
    assert.throws(() => readSource('chrome\nchrome\nA title\n'), /source\.txt:\d+: expected title\/abstract line pairs/);
  });
});
