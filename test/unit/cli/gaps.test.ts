import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { tableLines } from '../../../server/src/cli/io';
import { main } from '../../../server/src/cli/main';
import { captured } from './capture';

const litlens = (...args: string[]) => captured(() => main(args));
const PAPER = path.join(__dirname, '..', '..', 'fixtures', 'workspace-uncited', 'paper.tex');

describe('cli: gaps', () => {
  it('--json lists the uncited papers of the document\'s bibliography best first, as {key, title, score, section, line}', async () => {
    const r = await litlens('gaps', '--file', PAPER, '--no-corpus', '--json');
    assert.equal(r.code, 0, r.err);
    const rows = JSON.parse(r.out);
    assert.deepEqual(Object.keys(rows[0]).sort(), ['key', 'line', 'score', 'section', 'title']);
    assert.equal(rows[0].key, 'moser2021lidar');
    assert.equal(rows[0].section, 'Introduction');
    assert.equal(rows[0].line, 6);
    assert.ok(!rows.some((g: { key: string }) => g.key === 'ortiz2019coral'));
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1].score >= rows[i].score);
  });

  it('prints a table; --section N keeps to that heading; bad input is a usage error naming the file', async () => {
    const table = await litlens('gaps', '--file', PAPER, '--no-corpus');
    assert.equal(table.code, 0, table.err);
    assert.match(table.out.split('\n')[1]!, /moser2021lidar\s+6\s+Introduction\s+Retreat of alpine glaciers/);
    const acknowledgments = await litlens('gaps', '--file', PAPER, '--no-corpus', '--section', '2', '--json');
    assert.deepEqual(JSON.parse(acknowledgments.out), []);
    const tooFar = await litlens('gaps', '--file', PAPER, '--no-corpus', '--section', '9');
    assert.equal(tooFar.code, 2);
    assert.match(tooFar.err, /paper\.tex: --section 9, but the document has 2 section headings/);
    const missing = await litlens('gaps', '--no-corpus');
    assert.equal(missing.code, 2);
  });

  it('refuses a shared postgresql:// corpus, saying so, before connecting (the report would leave its papers out)', async () => {
    const r = await litlens('gaps', '--file', PAPER, '--no-corpus', '--corpus', 'postgresql://member@db.lab.invalid/litlens');
    assert.equal(r.code, 2);
    assert.match(r.err, /^litlens gaps: postgresql:\/\/member@db\.lab\.invalid\/litlens: gaps does not read a shared corpus \(search and related do\)/);
    assert.match((await litlens('gaps', '--help')).out, /not a lab's shared postgresql:\/\/ corpus/);
  });

  it('a terminal table pads each column to its widest cell, so a long section name or key never pushes the next column, and cuts the last to fit the terminal', () => {
    const rows = [['score', 'key', 'line', 'section', 'title'], ['0.912', 'a-rather-long-citation-key-2021', '6', 'Introduction', 'First'], ['0.5', 'b', '120', 'Materials, methods and the field campaign of 2019', 'Second']];
    const lines = tableLines(rows, { aligned: true, right: [0, 2] });
    const titleAt = lines.map((l, i) => l.lastIndexOf(rows[i]![4]!));
    assert.deepEqual(new Set(titleAt).size, 1, lines.join('\n'));
    assert.equal(lines[2]!.slice(0, 5), '  0.5');
    assert.deepEqual(tableLines(rows).map((l) => l.split('\t')), rows);
    const long = [...rows, ['0.1', 'c', '7', 'Discussion', 'A title of many words '.repeat(6)]];
    const narrow = tableLines(long, { aligned: true, right: [0, 2], width: 130 });
    assert.ok(narrow.every((l) => l.length <= 130), narrow.join('\n'));
    assert.ok(narrow[1]!.endsWith('First') && narrow[3]!.endsWith('…'));
  });
});
