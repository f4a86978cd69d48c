// Another independent LSP client: Debian's Emacs with its eglot package (elpa-eglot), batch mode,
// running docs/editors.md's eglot snippet as written there. Skipped with a message when Emacs or eglot is
// not installed, except under CI=true, where that fails.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { editorHome, editorSnippet, runEditor } from './editors';
import { buildOnce, repoRoot, tempWorkspace } from './harness';

const hasEglot = spawnSync('emacs', ['--batch', '--eval', "(require 'eglot)"], { stdio: 'ignore' }).status === 0;

describe('Emacs (eglot) as the LSP client', function () {
  this.timeout(90000);
  let ws: string;
  let home: string;

  before(function () {
    if (!hasEglot) {
      if (process.env.CI === 'true') throw new Error('emacs with eglot is not installed; CI must run the Emacs test (apt-get install -y emacs-nox elpa-eglot)');
      console.log('      (skipped: no emacs with eglot; `apt-get install -y emacs-nox elpa-eglot` to run it)');
      this.skip();
    }
    return buildOnce();
  });

  after(() => {
    for (const d of [ws, home]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  it("runs docs/editors.md's snippet verbatim: eglot connects on a LaTeX file, hovers and completes", async () => {
    ws = tempWorkspace('workspace-latex');
    const made = editorHome('litlens-emacs-home-');
    home = made.home;
    const snippet = path.join(home, 'snippet.el');
    fs.writeFileSync(snippet, editorSnippet('## Emacs (eglot)', 'elisp'));
    const out = path.join(home, 'report.json');
    const env = { ...made.env, XDG_CACHE_HOME: path.join(home, 'cache'), LITLENS_FILE: path.join(ws, 'paper.tex'), LITLENS_OUT: out };
    const driver = path.join(repoRoot, 'test', 'emacs', 'eglot_test.el');
    const { report } = await runEditor('emacs', ['--batch', '-l', snippet, '-l', driver], env, ws, out);
    assert.equal(report.mode, 'latex-mode');
    assert.equal(report.server, 'litlens');
    assert.ok(report.papers >= 353);
    assert.match(report.hover, /^### Mastering Atari, Go, Chess and Shogi by Planning with a Learned Model\n/);
    assert.deepEqual(report.inserted.slice(0, 2), ['smith2020graphs', 'mastering-atari-go']);
    assert.match(report.completion[0], /^Smith 2020 · Graph Networks/);
    assert.ok(report.completion.length > 1 && report.completion.length <= 20, `${report.completion.length} items`);
  });
});
