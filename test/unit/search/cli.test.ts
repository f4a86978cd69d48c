import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { related } from '../../../server/src/cli/related';
import { search } from '../../../server/src/cli/search';
import { captured } from '../cli/capture';

/** Runs a command, capturing what it writes to stdout and stderr. */
const run = (command: { run(args: string[]): Promise<number> }, args: string[]) => captured(() => command.run(args));

describe('search: CLI', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'litlens-cli-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('search --json lists MuZero first for "planning with a learned model"', async () => {
    const r = await run(search, ['--json', '--limit', '3', 'planning with a learned model']);
    assert.equal(r.code, 0, r.err);
    const hits = JSON.parse(r.out) as { key: string; title: string; score: number }[];
    assert.equal(hits[0].title, 'Mastering Atari, Go, Chess and Shogi by Planning with a Learned Model');
    assert.deepEqual(Object.keys(hits[0]).sort(), ['key', 'score', 'title']);
  });

  it('related prints [] for off-topic text and the paper for a paraphrase', async () => {
    const off = await run(related, ['--json', '--text', 'The carbon footprint of cement comes mostly from calcining limestone in kilns.']);
    assert.equal(off.code, 0, off.err);
    assert.deepEqual(JSON.parse(off.out), []);
    const plain = await run(related, ['--text', 'The carbon footprint of cement comes mostly from calcining limestone in kilns.']);
    assert.equal(plain.code, 0);
    assert.equal(plain.out, '');
    assert.match(plain.err, /no paper in the library is about this passage/, 'an empty answer says so');
    const on = await run(related, ['--json', '--text', 'An agent plans by tree search over a dynamics model it acquired itself, reaching superhuman play in board games and Atari.']);
    assert.equal((JSON.parse(on.out) as { key: string }[])[0].key, 'mastering-atari-go');
  });

  it('related --file/--line reads the sentence at a position in LaTeX', async () => {
    const tex = join(dir, 'paper.tex');
    await writeFile(tex, '\\section{Intro}\nCement kilns emit carbon dioxide. An agent plans by tree search over a dynamics model it acquired itself, reaching superhuman play in board games and Atari~\\cite{x}.\n');
    const at = await run(related, ['--json', '--file', tex, '--line', '2', '--character', '60']);
    assert.equal((JSON.parse(at.out) as { key: string }[])[0]?.key, 'mastering-atari-go');
    const offAt = await run(related, ['--json', '--file', tex, '--line', '2', '--character', '3']);
    assert.deepEqual(JSON.parse(offAt.out), []);
  });

  it('batch mode answers one line per query and reports bad lines', async () => {
    const file = join(dir, 'q.jsonl');
    await writeFile(file, '{"id":"a","query":"mastering atari"}\nnot json\n{"id":"c","query":"grey box fuzing"}\n');
    const r = await run(search, ['--queries', file, '--limit', '1']);
    assert.equal(r.code, 1);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { id: string | null; results: { key: string }[] });
    assert.deepEqual(lines.map((l) => l.id), ['a', null, 'c']);
    assert.equal(lines[0].results[0].key, 'mastering-atari-go');
    assert.equal(lines[2].results[0].key, 'improving-grey-box');
    assert.match(r.err, /q\.jsonl:2:/);
  });

  it('fails with a usage error on stderr and exit code 2', () => {
    const cli = join(__dirname, '..', '..', '..', 'server', 'src', 'cli', 'main.ts');
    const litlens = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8' });
    const cases: [string[], RegExp][] = [
      [['search'], /^litlens search: nothing to search for/],
      [['related', '--text', 'x', '--threshold', '7'], /^litlens related: --threshold must be a number from 0 to 1/],
      [['search', '--library', join(dir, 'missing.bib'), 'x'], /^litlens search: .*missing\.bib: no such file or folder/],
    ];
    for (const [args, message] of cases) {
      const r = litlens(...args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
  }).timeout(10000); // three tsx processes: over mocha's 2 s on a loaded machine
});
