// The CLI reads what the editor reads: a document's bibliography and the .bib/CSL-JSON files of its
// folder (or of the current folder), leaves out papers the passage cites, and cuts weak matches.
import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { related } from '../../../server/src/cli/related';
import { search } from '../../../server/src/cli/search';
import { captured } from './capture';
import { passageAt } from '../../../server/src/documents';
import { LensMemo, codeLenses, lensTitle } from '../../../server/src/features/codeLens';
import { hover } from '../../../server/src/features/hover';
import { workspace } from '../features/fixture';

const run = (command: { run(args: string[]): Promise<number> }, args: string[]) => captured(() => command.run(args));
const keys = (out: string) => (JSON.parse(out) as { key: string }[]).map((h) => h.key);

const GLACIER = `@article{glacier2020,
  author = {Moss, Ada},
  title = {Glacier retreat in alpine valleys measured by repeat photography},
  abstract = {Repeat photography of alpine valleys measures how fast glaciers retreat over decades.},
  year = {2020}
}
`;
const TIDES = `@article{tides2019,
  author = {Hartley, Ann},
  title = {Tidal forcing of coastal sediment transport in estuaries},
  abstract = {Tides move coastal sediment along estuaries; we measure the transport with tidal forcing.},
  year = {2019}
}
`;
const PAPER = `\\documentclass{article}
\\begin{document}
Alpine glaciers retreat fast: repeat photography of alpine valleys measures glacier retreat over decades~\\cite{glacier2020}.

Coastal sediment moves along estuaries with the tidal forcing, and its transport is measured.
\\bibliography{bib/refs}
\\end{document}
`;

describe('CLI: the document\'s bibliography and the folder\'s libraries', () => {
  let dir: string;
  let tex: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'litlens-cli-ws-'));
    await mkdir(join(dir, 'bib'));
    // The bibliography the document names lives in a subfolder; tides2019 sits in the folder itself, unnamed.
    await writeFile(join(dir, 'bib', 'refs.bib'), GLACIER);
    await writeFile(join(dir, 'lab.bib'), TIDES);
    tex = join(dir, 'paper.tex');
    await writeFile(tex, PAPER);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('related --file reads the bibliography the document names, and the .bib files of its folder', async () => {
    const tides = await run(related, ['--json', '--no-corpus', '--threshold', '0', '--file', tex, '--line', '5', '--scope', 'paragraph']);
    assert.equal(tides.code, 0, tides.err);
    // Two papers make poor statistics for the related gate: --threshold 0 ranks every paper.
    assert.deepEqual(keys(tides.out), ['tides2019', 'glacier2020'], 'the folder\'s lab.bib, then the named bib/refs.bib');
    assert.match(tides.err, /also reading bib\/refs\.bib, lab\.bib \(--no-workspace leaves them out\)/);
    const none = await run(related, ['--json', '--no-corpus', '--threshold', '0', '--no-workspace', '--file', tex, '--line', '5', '--scope', 'paragraph']);
    assert.deepEqual(keys(none.out), [], '--no-workspace reads neither');
  });

  it('related --file leaves out the papers the passage cites; --keep-cited lists them', async () => {
    const cited = await run(related, ['--json', '--no-corpus', '--threshold', '0', '--file', tex, '--line', '3', '--scope', 'paragraph']);
    assert.equal(cited.code, 0, cited.err);
    assert.deepEqual(keys(cited.out), ['tides2019'], 'glacier2020 is cited in the paragraph');
    const kept = await run(related, ['--json', '--no-corpus', '--threshold', '0', '--keep-cited', '--file', tex, '--line', '3', '--scope', 'paragraph']);
    assert.equal(keys(kept.out)[0], 'glacier2020', 'from bib/refs.bib, which the document names');
  });

  it('search run in a folder reads its .bib files unless --no-workspace', async () => {
    const here = process.cwd();
    process.chdir(dir);
    try {
      const found = await run(search, ['--json', '--no-corpus', 'tidal sediment estuaries']);
      assert.equal(found.code, 0, found.err);
      assert.deepEqual(keys(found.out), ['tides2019']);
      const none = await run(search, ['--json', '--no-corpus', '--no-workspace', 'tidal sediment estuaries']);
      assert.deepEqual(keys(none.out), []);
    } finally {
      process.chdir(here);
    }
  });

  it('search drops matches far weaker than the best (--all lists them below a line), in labelled columns', async () => {
    const cut = await run(search, ['--no-workspace', 'gaussian process']);
    assert.equal(cut.code, 0, cut.err);
    const lines = cut.out.trimEnd().split('\n');
    assert.equal(lines[0], 'score\tkey\ttitle');
    assert.equal(lines.length, 2, cut.out);
    assert.match(lines[1]!, /^\d+\.\d{3}\ttime-resolved-fmri\t.*Gaussian Process/);
    assert.match(cut.err, /left out \d+ weaker matches \(scoring under 20% of the best; --all lists them\)/);
    const all = (await run(search, ['--no-workspace', '--all', 'gaussian process'])).out.trimEnd().split('\n');
    assert.equal(all[2], '-- weaker matches: under 20% of the best score --');
    assert.ok(all.length > 4, all.join('\n'));
    const best = Number(all[1]!.split('\t')[0]);
    for (const l of all.slice(3)) assert.ok(Number(l.split('\t')[0]) < best * 0.2, l);
    // --json keeps every match with its score.
    assert.equal(JSON.parse((await run(search, ['--no-workspace', '--json', 'gaussian process'])).out).length, all.length - 2);
  });

  it('related --file on a sentence lists what its prose hover lists: not a paper sharing only a venue\'s place and number (score 0)', async () => {
    // Forty invented hydrology titles, and one whose venue alone shares a place and a number with the sentence.
    const topics = ['snowmelt timing', 'groundwater recharge', 'flash floods', 'eddy covariance', 'glacier streamflow', 'soil moisture', 'rain-on-snow', 'karst aquifers', 'river ice', 'urban runoff'];
    const verbs = ['Estimating', 'Modelling', 'Mapping', 'Forecasting'];
    const bib =
      topics.flatMap((t, i) => verbs.map((v, j) => `@article{h${i}x${j},\n  title = {${v} ${t} in mountain catchments},\n  year = {2020}\n}\n`)).join('') +
      '@inproceedings{sorting2003,\n  title = {Sorting networks in reconfigurable hardware},\n  booktitle = {Workshop on Circuits, Budapest, September 15-20},\n  year = {2003}\n}\n';
    const doc = '\\begin{document}\nIn Budapest we measured snowmelt timing over 15 years, earlier each spring.\n\\bibliography{refs}\n\\end{document}\n';
    const ws = await workspace(`%! refs.bib\n${bib}`, { corpus: false });
    try {
      const { ctx } = ws.at(`%! paper.tex\n${doc.replace('In Budapest', 'In Bu|dapest')}`);
      const hovered = [...(await hover(ctx))!.markdown.matchAll(/^- `([^`]+)`/gm)].map((m) => m[1]);
      const listed = await run(related, ['--json', '--no-corpus', '--file', join(ws.dir, 'paper.tex'), '--line', '2']);
      assert.equal(listed.code, 0, listed.err);
      assert.deepEqual(keys(listed.out), hovered);
      assert.ok(!hovered.includes('sorting2003') && hovered.length > 0, hovered.join(', '));
      // The paragraph lists what its lens lists: every paper past the gate, never the venue's one (BM25F 0, no author or key named).
      const paragraph = await run(related, ['--json', '--no-corpus', '--file', join(ws.dir, 'paper.tex'), '--line', '2', '--scope', 'paragraph']);
      assert.ok(keys(paragraph.out).length > 0 && !keys(paragraph.out).includes('sorting2003'), paragraph.out);
    } finally {
      ws.dispose();
    }
  });

  it('related --file on a paragraph lists what its code lens lists: its papers in its order, then the rest its title counts', async () => {
    // Forty invented hydrology titles; the paragraph cites one (left out) and another is cited earlier (listed after the uncited).
    const topics = ['snowmelt timing', 'groundwater recharge', 'flash floods', 'eddy covariance', 'glacier streamflow', 'soil moisture', 'rain-on-snow', 'karst aquifers', 'river ice', 'urban runoff'];
    const verbs = ['Estimating', 'Modelling', 'Mapping', 'Forecasting'];
    const bib = topics.flatMap((t, i) => verbs.map((v, j) => `@article{h${i}x${j},\n  title = {${v} ${t} in mountain catchments},\n  year = {2020}\n}\n`)).join('');
    const doc =
      '\\begin{document}\nSnowmelt timing shifts earlier each spring~\\cite{h0x0}.\n\n' +
      'In mountain catchments we estimate snowmelt timing, groundwater recharge, flash floods, soil moisture, eddy covariance, rain-on-snow and river ice, and model glacier streamflow~\\cite{h1x1}.\n' +
      '\\bibliography{refs}\n\\end{document}\n';
    const ws = await workspace(`%! refs.bib\n${bib}`, { corpus: false });
    try {
      const { ctx } = ws.at(`%! paper.tex\n${doc.replace('In mountain', 'In moun|tain')}`);
      const anchor = passageAt(ctx.doc.text, ctx.offset, ctx.doc.syntax).paragraph!.start;
      const lens = codeLenses(ctx, new LensMemo()).find((l) => l.anchor === anchor)!;
      const listed = await run(related, ['--json', '--no-corpus', '--file', join(ws.dir, 'paper.tex'), '--line', '4', '--scope', 'paragraph']);
      assert.equal(listed.code, 0, listed.err);
      const rows = keys(listed.out);
      assert.deepEqual(rows.slice(0, lens.keys.length), lens.keys);
      assert.equal(rows.length, lens.count ?? lens.keys.length);
      assert.ok(lens.count! > lens.keys.length && !rows.includes('h1x1') && rows.includes('h0x0'), lensTitle(lens));
    } finally {
      ws.dispose();
    }
  });
});
