import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../server/src/cli/main';
import { arxivCategories, arxivKey, categoryFilter, type ArxivRecord } from '../../../server/src/library/arxiv';
import { captured } from './capture';

const litlens = (...args: string[]) => captured(() => main(args));
const snapshot = join(__dirname, '..', '..', 'fixtures', 'arxiv', 'snapshot-1k.jsonl');
const records = readFileSync(snapshot, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ArxivRecord);

describe('cli: --corpus FILE --categories', () => {
  let cache: string;
  before(() => (cache = mkdtempSync(join(tmpdir(), 'litlens-cli-corpus-'))));
  after(() => rmSync(cache, { recursive: true, force: true }));

  it('search finds a kept paper by its title and never one outside the categories; the second run opens the saved corpus', async () => {
    const keep = categoryFilter(['cs.LG'])!;
    const inside = records.find((r) => keep(arxivCategories(r)))!;
    const outside = records.find((r) => !keep(arxivCategories(r)))!;
    const run = (title: unknown) => litlens('search', '--corpus', snapshot, '--categories', 'cs.LG', '--no-corpus', '--cache', cache, '--json', '--limit', '5', String(title));
    const first = await run(inside.title);
    assert.equal(first.code, 0, first.err);
    assert.match(first.err, /indexing .*snapshot-1k\.jsonl \(cs\.LG\)/);
    assert.equal(JSON.parse(first.out)[0].key, arxivKey(inside.id as string));
    assert.equal(readdirSync(join(cache, 'corpora')).length, 1);
    const second = await run(outside.title);
    assert.equal(second.code, 0, second.err);
    assert.equal(second.err, '', 'opened from the saved corpus');
    assert.ok(!JSON.parse(second.out).some((h: { key: string }) => h.key === arxivKey(outside.id as string)));
  });

  it('related ranks the corpus for a passage; a missing corpus file is a usage error', async () => {
    const paper = records[0];
    const r = await litlens('related', '--corpus', snapshot, '--no-corpus', '--threshold', '0', '--limit', '5', '--text', `${paper.title} ${paper.abstract}`);
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.split('\n').some((l) => l.split('\t')[1] === arxivKey(paper.id as string)), r.out);
    const missing = await litlens('search', '--corpus', join(cache, 'nope.jsonl'), 'x');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /nope\.jsonl: no such file/);
  });

  it('add writes a corpus paper found with search --corpus, complete with its e-print; a filter that keeps nothing says so', async () => {
    const paper = records.find((r) => typeof r.doi !== 'string' && typeof r['journal-ref'] !== 'string') ?? records[0];
    const to = join(cache, 'refs.bib');
    const r = await litlens('add', arxivKey(paper.id as string), '--corpus', snapshot, '--cache', cache, '--no-corpus', '--to', to);
    assert.equal(r.code, 0, r.err);
    const bib = readFileSync(to, 'utf8');
    assert.match(bib, new RegExp(`eprint\\s*= \\{${(paper.id as string).replace(/[./]/g, '\\$&')}\\}`));
    assert.match(bib, /archivePrefix = \{arXiv\}/);
    const none = await litlens('search', '--corpus', snapshot, '--categories', 'cs.XX', '--no-corpus', 'gaussian');
    assert.equal(none.code, 0, none.err);
    assert.match(none.err, /no paper in cs\.XX/);
  });
});
