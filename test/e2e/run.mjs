// The editor suite: LitLens installed from its VSIX into a real VS Code (code-server 4.100.3),
// driven through Debian's chromium with playwright-core. Never sleeps for a fixed time: every
// step waits for something the editor shows (the status bar item, a suggest widget, a hover…).
//
//   npm run test:e2e              (CI=true: a missing browser is a failure, not a skip)
//   E2E_KEEP=1 npm run test:e2e   keeps the run folder (workspace copy, logs) for a look
//   E2E_THEME="Default High Contrast" npm run test:e2e   the same in another color theme
//   E2E_ONLY="gap report" npm run test:e2e   only the tests whose name matches (a case-insensitive regular
//                 expression); sessions left with none are not started, the semantic ones only with E2E_SEMANTIC=1
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import {
  copyDir,
  installExtension,
  makeRunDir,
  packageVsix,
  repoRoot,
  runEnv,
  setupTools,
  startCodeServer,
  toolsDir,
  writeUserSettings,
} from '../../scripts/codeserver.mjs';

const started = Date.now();
const artifacts = path.join(repoRoot, 'test', 'e2e', 'artifacts');
const isCI = /^(1|true|yes)$/i.test(process.env.CI ?? '');
/** E2E_ONLY: run only the tests whose name matches; a session with none left is not started. */
const only = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY, 'i') : null;
const log = (...a) => console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s]`, ...a);

// ---------------------------------------------------------------------------------------------
// Setup: tools, VSIX, a fresh VS Code, a COPY of examples/.

const setup = setupTools({ browser: true });
if (setup === 3 && !isCI) {
  console.log('e2e: SKIPPED — chromium is not installed and cannot be installed here (needs root + apt). Set CI=true to make this a failure.');
  process.exit(0);
}
if (setup !== 0) {
  console.log(`e2e: setup failed (scripts/e2e-setup.sh exit ${setup})`);
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
}
const { chromium } = createRequire(path.join(toolsDir, 'package.json'))('playwright-core');

fs.rmSync(artifacts, { recursive: true, force: true });
fs.mkdirSync(artifacts, { recursive: true });
log('building the VSIX');
const vsix = packageVsix({ quiet: true });
log(`VSIX ${(fs.statSync(vsix).size / 1024).toFixed(0)} KB`);

const dirs = makeRunDir('litlens-e2e-');

// The platform VSIX with the semantic runtime, run on the suite's own model folder (no network).
// Skipped when the optional runtime is not installed, or with E2E_SEMANTIC=0.
const testModel = path.join(repoRoot, '.litlens-cache', 'test-model');
let semanticVsix = null;
if (process.env.E2E_SEMANTIC === '0') log('semantic session: skipped (E2E_SEMANTIC=0)');
else if (only && process.env.E2E_SEMANTIC !== '1') log('semantic sessions: skipped (E2E_ONLY; E2E_SEMANTIC=1 runs them too)');
else if (!fs.existsSync(path.join(repoRoot, 'node_modules', '@huggingface', 'transformers', 'package.json'))) log('semantic session: skipped (@huggingface/transformers is not installed)');
else {
  const quiet = { cwd: repoRoot, encoding: 'utf8' };
  if (!fs.existsSync(path.join(testModel, 'onnx', 'model.onnx'))) {
    const m = spawnSync('npm', ['run', '--silent', 'model:test'], quiet);
    if (m.status !== 0) throw new Error(`npm run model:test failed:\n${m.stdout}${m.stderr}`);
  }
  semanticVsix = path.join(dirs.root, 'litlens-semantic.vsix');
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'package.mjs'), '--out', semanticVsix], quiet);
  if (r.status !== 0) throw new Error(`scripts/package.mjs failed:\n${r.stdout}${r.stderr}`);
  log(`semantic VSIX ${(fs.statSync(semanticVsix).size / 1024 / 1024).toFixed(1)} MB`);
}

const workspace = copyDir(path.join(repoRoot, 'examples'), path.join(dirs.root, 'workspace'));
const bibPath = path.join(workspace, 'references.bib');
const texPath = path.join(workspace, 'paper.tex');
log(installExtension(dirs, vsix).split('\n').pop());

/** @type {Awaited<ReturnType<typeof startCodeServer>> | undefined} */
let server;
/** @type {import('playwright-core').BrowserContext | undefined} */
let browser;
const results = [];

async function cleanup() {
  await browser?.close().catch(() => undefined);
  await server?.stop();
  if (!process.env.E2E_KEEP) fs.rmSync(dirs.root, { recursive: true, force: true });
  else log(`kept ${dirs.root}`);
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => void cleanup().then(() => process.exit(130)));

// ---------------------------------------------------------------------------------------------
// Helpers: each waits on what the editor shows.

/** @type {import('playwright-core').Page} */
let page;
const mod = 'Control';

async function shot(name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`) }).catch(() => undefined);
}

/** Polls `fn` until it answers something truthy; throws `what` after the timeout. */
async function until(what, fn, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? ` (${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Presses Enter in a quick input until it closes. Under load a webview restored after a reload
 * can take the focus between the fill and the key press, so the key goes to the input itself and
 * is pressed again (the box keeps its text) while the box stays open. */
async function submit(input, what) {
  await until(what, async () => {
    await input.press('Enter');
    return (await input.waitFor({ state: 'hidden', timeout: 2_000 }).then(() => true, () => false)) || !(await input.isVisible());
  });
}

async function runCommand(title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const first = page.locator('.quick-input-list .monaco-list-row').first();
  await until(`the palette to offer "${title}"`, async () => ((await first.textContent()) ?? '').includes(title));
  // Into the input itself (a webview may hold the focus); once: the command may open a quick pick of its own.
  await input.press('Enter');
}

async function quickOpen(file) {
  await page.keyboard.press(`${mod}+P`);
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(file);
  const first = page.locator('.quick-input-list .monaco-list-row').first();
  await until(`Quick Open to list ${file} first`, async () => ((await first.textContent()) ?? '').includes(file));
  await submit(input, `Quick Open to open ${file}`);
  // The file may be open in two editor groups (a panel beside it): either group's tab will do.
  await page.locator(`.tab.active[aria-label*="${file}"]`).first().waitFor({ state: 'visible' });
}

/** Moves the cursor to the end of the first line of the active editor that contains `text`
 * (or `back` characters before it: before a sentence's full stop, where LaTeX citations go). */
async function cursorToEndOfLineWith(file, text, back = 0) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes(text)) + 1;
  if (line === 0) throw new Error(`no line with "${text}" in ${path.basename(file)}`);
  await page.keyboard.press(`${mod}+G`);
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  // line:column, not End: with word wrap (Markdown) End stops at the end of the visual line.
  const target = `:${line}:${lines[line - 1].length + 1 - back}`;
  await input.fill(target);
  await submit(input, `Go to Line to take ${target}`);
  return line;
}

/** The rectangle of the first on-screen occurrence of `text` in the editor (a DOM Range, not a span). */
async function rectOf(text) {
  return until(`"${text}" to be visible in the editor`, () =>
    page.evaluate((needle) => {
      const root = document.querySelector('.editor-instance .view-lines');
      if (!root) return null;
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const value = (n.nodeValue ?? '').replace(/\u00a0/g, ' ');
        const at = value.indexOf(needle);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(n, at);
        range.setEnd(n, at + needle.length);
        const r = range.getBoundingClientRect();
        if (r.width > 0) return { x: r.x, y: r.y, width: r.width, height: r.height };
      }
      return null;
    }, text),
  );
}

async function hoverText(text, expect) {
  // Move away first, so a hover that is already open closes and a fresh one opens.
  await page.mouse.move(5, 5);
  await page.locator('.monaco-hover:visible').waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
  const r = await rectOf(text);
  await page.mouse.move(r.x + Math.min(r.width / 2, 20), r.y + r.height / 2);
  const found = await until(`a hover over "${text}" showing ${expect}`, async () => {
    const hovers = page.locator('.monaco-hover:visible');
    for (const t of await hovers.allTextContents()) if (expect.test(t)) return t;
    return null;
  });
  // Let the fade-in finish so the screenshot shows the hover as the writer sees it.
  await until('the hover to finish fading in', () => page.evaluate(() =>
        document.getAnimations().every((a) => {
          const target = /** @type {KeyframeEffect} */ (a.effect)?.target;
          return a.playState !== 'running' || !(target instanceof Element && target.closest('.monaco-hover, .workbench-hover-container'));
        }),
      ), 5000).catch(
    () => undefined,
  );
  return found;
}

/**
 * The suggest widget's rows as the writer sees them: `visible`, the part of the row's label not
 * clipped by the widget (measured per character with DOM Ranges), `key`, the key on the row's
 * right (after "+ refs.bib · " when choosing it adds the entry), and the widget's width.
 */
async function suggestRows() {
  return page.evaluate(() => {
    const widget = document.querySelector('.editor-widget.suggest-widget.visible');
    if (!widget) return null;
    const rows = [...widget.querySelectorAll('.monaco-list-row')].map((row) => {
      const name = row.querySelector('.label-name');
      const label = (name?.textContent ?? '').trim();
      // The nearest right edge of anything that clips the label.
      let right = Infinity;
      for (let el = name; el && el !== widget.parentElement; el = el.parentElement) {
        if (getComputedStyle(el).overflow !== 'visible') right = Math.min(right, el.getBoundingClientRect().right);
      }
      let visible = '';
      const walker = document.createTreeWalker(name ?? row, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const value = n.nodeValue ?? '';
        for (let i = 0; i < value.length; i++) {
          const range = document.createRange();
          range.setStart(n, i);
          range.setEnd(n, i + 1);
          const r = range.getBoundingClientRect();
          if (r.width > 0 && r.right > right + 0.5) return { label, visible, key: keyOf(row) };
          visible += value[i];
        }
      }
      return { label, visible, key: keyOf(row) };
    });
    function keyOf(row) {
      return (row.querySelector('.details-label')?.textContent ?? '').replace(/^\+ \S+ · /, '').trim();
    }
    return { width: widget.getBoundingClientRect().width, rows };
  });
}

/** Every row of the default-width suggest widget shows its first author's surname and year, when the entry has them. */
function assertSurnameYearVisible(shown, expected) {
  if (shown.width > 440) throw new Error(`the suggest widget is ${shown.width} px wide, not VS Code's default (432)`);
  for (const [key, who] of Object.entries(expected)) {
    const row = shown.rows.find((r) => r.key === key);
    if (!row) throw new Error(`no row for ${key}: ${shown.rows.map((r) => r.key).join(', ')}`);
    if (!row.visible.startsWith(who)) throw new Error(`the row of ${key} shows "${row.visible}", not "${who}" first (label "${row.label}")`);
  }
}

function bibKeys(text) {
  return [...text.matchAll(/@\w+\s*\{\s*([^,\s]+)\s*,/g)].map((m) => m[1]);
}

/** The panel's document: the webview's outer iframe holds the one that runs media/panel.js. */
function panelFrame() {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

// ---------------------------------------------------------------------------------------------
// The tests, in order: each leaves the editor as the next one expects.

const originalBib = fs.readFileSync(bibPath, 'utf8');
const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('the LitLens status bar item reports the indexed library', async () => {
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 60_000 });
  await quickOpen('paper.tex');
  const item = page.locator('.statusbar-item', { hasText: /LitLens|papers/ }).filter({ has: page.locator('a') });
  const text = await until(
    'the status bar to show "N papers"',
    async () => {
      for (const t of await item.allTextContents()) if (/\d+ papers/.test(t)) return t;
      return null;
    },
    60_000,
  );
  const papers = Number(/(\d+) papers/.exec(text)[1]);
  if (papers < 353) throw new Error(`status bar says ${text.trim()}; expected at least the 353 corpus papers`);
  await shot('01-status-ready');
});

const CONSENT = 'download a ~25 MB model';
const userSettingsFile = (label) => path.join(dirs.root, `user-data-${label}`, 'User', 'settings.json');

test('\\cite{ after a sentence about planning with learned models suggests references.bib first, then MuZero first of the corpus', async () => {
  await cursorToEndOfLineWith(texPath, 'predicts the reward, the policy and the value.', 1);
  await page.keyboard.type('~\\cite{');
  const shown = await until('the suggest widget to list citation keys', async () => {
    const now = await suggestRows();
    return now && now.rows.some((r) => /^[a-z0-9]+(-[a-z0-9]+)+$/.test(r.key)) ? now : null;
  });
  await shot('02-completion');
  // The rows alone, with the line above them (README's picture).
  const box = await page.locator('.editor-widget.suggest-widget.visible').boundingBox();
  if (box) await page.screenshot({ path: path.join(artifacts, '02a-completion-rows.png'), clip: { x: Math.max(0, box.x - 160), y: Math.max(0, box.y - 28), width: box.width + 180, height: box.height + 36 } });
  log(`suggest widget ${shown.width} px; rows as seen: ${shown.rows.slice(0, 6).map((r) => `"${r.visible}"`).join(' | ')}`);
  // At the default width each row starts with the first author's surname and the year, whatever its key.
  assertSurnameYearVisible(shown, { sutton2018reinforcement: 'Sutton 2018 · ', silver2016mastering: 'Silver 2016 · ' });
  // references.bib's four entries come first, then papers of the corpus.
  const keys = shown.rows.map((r) => r.key);
  const rank = keys.indexOf('mastering-atari-go');
  if (rank !== 4) throw new Error(`mastering-atari-go is not the first suggestion after references.bib's four entries: ${keys.slice(0, 8).join(', ')}`);
  // Accepting it cites it; completion adds the entry to references.bib.
  for (let i = 0; i < rank; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await until('references.bib to gain mastering-atari-go', () => bibKeys(fs.readFileSync(bibPath, 'utf8')).includes('mastering-atari-go'), 15_000);
});

test('hovering a cited key shows the paper; hovering a sentence shows related papers', async () => {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Home'); // scroll back to the start of the lines
  const keyHover = await hoverText('dino-wm-world', /DINO-WM/);
  if (!/World Models on Pre-trained Visual Features/.test(keyHover)) throw new Error(`key hover lacks the title: ${keyHover.slice(0, 200)}`);
  await shot('03-hover-key');
  // BibTeX's "and others" reads "et al."; the DOI is a link.
  const silver = await hoverText('silver2016mastering', /Mastering the Game of Go/);
  if (!/Aja Huang, Chris J\. Maddison, Arthur Guez et al\./.test(silver)) throw new Error(`no "et al." in the card: ${silver.slice(0, 300)}`);
  const doi = 'https://doi.org/10.1038/nature16961';
  if (!(await page.locator(`.monaco-hover:visible a[data-href="${doi}"], .monaco-hover:visible a[href="${doi}"]`).count())) {
    const links = await page.locator('.monaco-hover:visible a').evaluateAll((as) => as.map((a) => a.outerHTML));
    throw new Error(`the card has no DOI link: ${links.join(' ')}`);
  }
  await shot('03b-hover-et-al-doi');
  const prose = await hoverText('A world model predicts future observations', /related papers/i);
  if (!/[a-z0-9]+-[a-z0-9]+-[a-z0-9]+/.test(prose)) throw new Error(`prose hover names no paper: ${prose.slice(0, 200)}`);
  await shot('04-hover-sentence');
  await page.mouse.move(5, 5);
});

test('a code lens above a paragraph counts its related papers', async () => {
  const lens = page.locator('.contentWidgets .codelens-decoration');
  const text = await until('a code lens saying "related paper"', async () => {
    for (const t of await lens.allTextContents()) if (/\d+ related papers?/.test(t)) return t;
    return null;
  });
  await shot('05-code-lens');
  if (!/related paper/.test(text)) throw new Error(`unexpected lens: ${text}`);
  // Clicking it lists its papers (litlens.showPapers) in a quick pick titled with the same count.
  const link = page.locator('.contentWidgets .codelens-decoration a', { hasText: /related paper/ }).first();
  const count = /(\d+) related paper/.exec((await link.textContent()) ?? '')?.[1];
  await link.click();
  const title = await until('the lens quick pick', async () => {
    const t = (await page.locator('.quick-input-widget .quick-input-title').textContent().catch(() => '')) ?? '';
    const rows = await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').count();
    return /related paper/.test(t) && rows > 0 ? t : null;
  });
  await shot('05b-code-lens-papers');
  if (!title.startsWith(`${count} related paper`)) throw new Error(`lens says ${count} papers, quick pick says "${title}"`);
  await page.keyboard.press('Escape');
});

test('a code lens cites at its own paragraph, whatever the cursor, and shows where', async () => {
  // The cursor at the start of the file, far from the lens's paragraph.
  await page.locator('.editor-instance .view-lines').first().click();
  await page.keyboard.press(`${mod}+Home`);
  const link = page.locator('.contentWidgets .codelens-decoration a', { hasText: /related paper/ }).first();
  await link.click();
  // The rows of the last quick pick stay in the page while hidden: read them only once this one shows.
  const widget = page.locator('.quick-input-widget');
  const first = widget.locator('.quick-input-list .monaco-list-row').first();
  const description = await until('the lens quick pick', async () => ((await first.count()) && (await widget.isVisible()) && (await first.isVisible()) ? first.locator('.label-description').textContent() : null));
  const key = description.split(' · ')[0].trim();
  // Into the quick pick's own input, never the editor.
  await submit(widget.locator('input'), `the lens quick pick to cite ${key}`);
  // The citation is written through the server's edit, which can land after a save pressed at once
  // (under load): save again, once a second, until the file holds it.
  let saved = 0;
  const tex = await until(`paper.tex to be saved citing ${key}`, async () => {
    const text = fs.readFileSync(texPath, 'utf8');
    if (text.includes(key)) return text;
    if (Date.now() - saved > 1000) {
      saved = Date.now();
      await page.keyboard.press(`${mod}+S`);
    }
    return null;
  });
  const lines = tex.split('\n');
  if (!lines[0].startsWith('\\documentclass')) throw new Error(`the first line became: ${lines[0]}`);
  const at = lines.findIndex((l) => l.includes(key));
  log(`  lens cited ${key} on line ${at + 1}: ${lines[at].trim()}`);
  // In a paragraph (after the first \section), at a sentence's end: `word~\cite{key}.` or joined to the citation ending it.
  const firstSection = lines.findIndex((l) => l.startsWith('\\section'));
  const placed = new RegExp(`[a-z]~\\\\cite\\{${key}\\}[.]|,${key}\\}`);
  if (at <= firstSection || !placed.test(lines[at])) throw new Error(`cited on line ${at + 1}: ${lines[at]}`);
  // The editor shows the citation: the cursor is right after it.
  await until('the citation to be visible in the editor', async () => (await page.locator('.editor-instance .view-lines').first().textContent())?.replace(/\u00a0/g, ' ').includes(key));
  await shot('05b2-code-lens-cited');
});

test('Show Related Papers lists papers related to the current paragraph', async () => {
  await cursorToEndOfLineWith(texPath, 'visual features from a pre-trained encoder');
  await runCommand('LitLens: Show Related Papers');
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  const texts = await until('the related papers quick pick', async () => {
    const title = (await page.locator('.quick-input-widget .quick-input-title').textContent().catch(() => '')) ?? '';
    const all = await rows.allTextContents();
    return title.includes('related') && all.length > 0 ? all : null;
  });
  await shot('05c-show-related');
  if (!texts.some((t) => t.includes('dino-wm-world'))) throw new Error(`dino-wm-world is not listed: ${texts.slice(0, 5).join(' | ')}`);
  await page.keyboard.press('Escape');
});

test('the search panel finds papers as you type and inserts a citation', async () => {
  // Put the cursor after the sentence about diffusion planners; the citation goes there.
  await page.locator('.tab[aria-label*="paper.tex"]').click();
  await page.mouse.move(5, 5);
  await cursorToEndOfLineWith(texPath, 'and makes it easy to add constraints at test time.', 1);
  const bibBefore = fs.readFileSync(bibPath, 'utf8');
  await runCommand('LitLens: Search Papers');
  const frame = panelFrame();
  const query = frame.locator('#query');
  await query.waitFor({ state: 'visible', timeout: 20_000 });
  await query.fill('diffusion planning behavior synthesis');
  const firstKey = await until('the panel to list papers', async () => {
    const first = frame.locator('.result').first();
    return (await first.count()) ? first.getAttribute('data-key') : null;
  });
  await frame.locator('.result mark').first().waitFor({ state: 'visible' });
  await shot('06-panel-results');
  if (firstKey !== 'planning-diffusion-flexible') throw new Error(`first result is ${firstKey}, expected planning-diffusion-flexible`);
  // Compact rows: at least ten papers in sight (four-button cards left room for 3.5); the buttons of
  // papers that are not selected are out of sight (and out of the Tab order) until hovered.
  const rows = await frame.locator('.result').evaluateAll((els) =>
    els.map((e) => ({ bottom: e.getBoundingClientRect().bottom, selected: e.getAttribute('aria-selected') === 'true', actions: getComputedStyle(e.querySelector('.actions')).visibility })),
  );
  const inSight = rows.filter((r) => r.bottom <= 880).length;
  log(`  ${inSight} of ${rows.length} papers in sight`);
  if (inSight < Math.min(10, rows.length)) throw new Error(`only ${inSight} papers in sight`);
  if (rows.some((r) => !r.selected && r.actions !== 'hidden') || rows.find((r) => r.selected)?.actions !== 'visible') throw new Error(`action visibility: ${JSON.stringify(rows)}`);
  // No paper in these results has a year (corpus papers have none): no year filter.
  if (await frame.locator('#years').isVisible()) throw new Error('the year filter shows for results without years');
  // Keyboard: the first result is selected; Enter in the search box inserts it.
  await query.press('Enter');
  const bibAfter = await until('references.bib to gain planning-diffusion-flexible', () => {
    const text = fs.readFileSync(bibPath, 'utf8');
    return bibKeys(text).includes('planning-diffusion-flexible') ? text : null;
  });
  if (!bibAfter.startsWith(bibBefore)) throw new Error('references.bib: the existing bytes changed');
  const added = bibKeys(bibAfter).length - bibKeys(bibBefore).length;
  if (added !== 1) throw new Error(`references.bib: ${added} entries added, expected 1`);
  await frame.locator('#notice:not([hidden])').waitFor({ state: 'visible' });
  await shot('07-panel-inserted');
  // The editor shows the citation's line from its first column, not scrolled sideways.
  const scrolledLeft = await page.locator('.editor-instance .lines-content').first().evaluate((e) => -parseFloat(getComputedStyle(e).left || '0'));
  if (scrolledLeft > 1) throw new Error(`after inserting from the panel the editor is scrolled ${scrolledLeft} px sideways`);
  // Keyboard: ArrowDown from the box moves into the list, the next ArrowDown selects the second paper.
  await query.press('ArrowDown');
  await frame.locator('#results').press('ArrowDown');
  await frame.locator('#result-1[aria-selected="true"]').waitFor({ state: 'attached' });
  // "Similar papers" on the first result replaces the list with papers like it.
  // Tab from the list reaches the selected paper's buttons, and only its.
  await frame.locator('#results').press('Tab');
  const focused = await frame.locator(':focus').evaluate((e) => `${e.closest('.result')?.id} ${e.getAttribute('data-action')}`);
  if (focused !== 'result-1 insert') throw new Error(`Tab from the list focused ${focused}`);
  await shot('07a-panel-keyboard');
  // The buttons of another paper show when the mouse is over it.
  await frame.locator('#result-0').hover();
  await frame.locator('#result-0 button[data-action="similar"]').click();
  await until('the panel to show similar papers', async () => /similar to/.test((await frame.locator('#summary').textContent()) ?? ''));
  const similar = await frame.locator('.result').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
  if (similar.length === 0 || similar.includes('planning-diffusion-flexible')) throw new Error(`similar papers: ${similar.join(', ')}`);
  await shot('07b-panel-similar');
  // The document: save it and read it from disk.
  await page.locator('.tab[aria-label*="paper.tex"]').click();
  await page.mouse.move(5, 5);
  await page.keyboard.press(`${mod}+S`);
  const tex = await until('paper.tex to be saved with both citations', () => {
    const text = fs.readFileSync(texPath, 'utf8');
    // The panel's citation follows the paper's own command (it cites with \citep throughout).
    return text.includes('\\citep{planning-diffusion-flexible}') && /\\cite\{[^}]*mastering-atari-go[^}]*\}/.test(text) ? text : null;
  });
  const line = tex.split('\n').find((l) => l.includes('planning-diffusion-flexible'));
  log(`paper.tex now reads: ${line.trim()}`);
  const entries = bibKeys(fs.readFileSync(bibPath, 'utf8'));
  if (entries.length !== bibKeys(bibBefore).length + 1) throw new Error(`references.bib has ${entries.length} entries`);
});

test('the panel: a typo in each word still finds the paper; the year filter shows for papers with years', async () => {
  await runCommand('LitLens: Search Papers');
  const frame = panelFrame();
  const query = frame.locator('#query');
  await query.fill('difusion planer');
  await until('the typo query to rank Planning with Diffusion first', async () => (await frame.locator('.result').first().getAttribute('data-key')) === 'planning-diffusion-flexible');
  await query.fill('mastering go tree search');
  await until('silver2016mastering in the results', async () => (await frame.locator('.result[data-key="silver2016mastering"]').count()) > 0);
  await frame.locator('#years').waitFor({ state: 'visible' });
  await shot('07c-panel-years');
});

test('the panel comes back after a window reload, with its query and results', async () => {
  const frame = panelFrame();
  const before = await frame.locator('.result').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
  await runCommand('Developer: Reload Window');
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  const restored = await until('the restored panel to show its results', async () => {
    const keys = await panelFrame().locator('.result').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
    return keys.length ? keys : null;
  }, 60_000);
  const value = await panelFrame().locator('#query').inputValue();
  await shot('07d-panel-after-reload');
  if (value !== 'mastering go tree search') throw new Error(`the restored query is "${value}"`);
  // It still cites: into the LaTeX editor on screen.
  await until('the panel to name where citations go', async () => /citations go into paper\.tex/.test((await panelFrame().locator('#summary').textContent()) ?? ''));
  if (restored.join() !== before.join()) throw new Error(`restored ${restored.join()} instead of ${before.join()}`);
  await statusText(60_000);
});

test('the Markdown note completes pandoc citations', async () => {
  await quickOpen('note.md');
  await cursorToEndOfLineWith(path.join(workspace, 'note.md'), 'and still match that performance.');
  await page.keyboard.type(' [@');
  const shown = await until('the suggest widget to list citation keys', async () => {
    const now = await suggestRows();
    return now && now.rows.some((r) => /^[a-z0-9]+(-[a-z0-9]+)+$/.test(r.key)) ? now : null;
  });
  await shot('08-markdown-completion');
  assertSurnameYearVisible(shown, { sutton2018reinforcement: 'Sutton 2018 · ' });
  const keys = shown.rows.map((r) => r.key);
  const rank = keys.indexOf('mastering-atari-go');
  if (rank < 0 || rank > 4) throw new Error(`mastering-atari-go not among the first five: ${keys.slice(0, 8).join(', ')}`);
  for (let i = 0; i < rank; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.locator('.editor-widget.suggest-widget.visible').waitFor({ state: 'hidden' });
  // Accepting a corpus key adds its entry to the bibliography the front matter names.
  await until('references.bib to hold mastering-atari-go', () => bibKeys(fs.readFileSync(bibPath, 'utf8')).includes('mastering-atari-go'));
});

test('Insert Citation (Ctrl+Alt+C) ranks papers by the sentence and cites the chosen one', async () => {
  const notePath = path.join(workspace, 'note.md');
  await cursorToEndOfLineWith(notePath, 'with constraints added at test time.');
  const keysBefore = bibKeys(fs.readFileSync(bibPath, 'utf8'));
  await page.keyboard.press('Control+Alt+C');
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  const descriptions = await until('the Insert Citation quick pick to list papers', async () => {
    const title = (await page.locator('.quick-input-widget .quick-input-title').textContent().catch(() => '')) ?? '';
    if (!title.includes('Insert Citation')) return null;
    const all = await rows.locator('.label-description').allTextContents();
    return all.length > 0 ? all : null;
  });
  await shot('09-insert-citation');
  const rank = descriptions.findIndex((d) => d.includes('planning-diffusion-flexible'));
  if (rank < 0 || rank > 4) throw new Error(`planning-diffusion-flexible is not among the first five: ${descriptions.slice(0, 5).join(' | ')}`);
  for (let i = 0; i < rank; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.keyboard.press(`${mod}+S`);
  const note = await until('note.md to be saved with the citation', () => {
    const text = fs.readFileSync(notePath, 'utf8');
    return text.includes('test time. [@planning-diffusion-flexible]') ? text : null;
  });
  if (!note.includes('[@mastering-atari-go]')) throw new Error('note.md lacks the completed [@mastering-atari-go]');
  // Already in references.bib (the panel added it): nothing is appended twice.
  const keysAfter = bibKeys(fs.readFileSync(bibPath, 'utf8'));
  if (keysAfter.length !== keysBefore.length) throw new Error(`references.bib went from ${keysBefore.length} to ${keysAfter.length} entries`);
});

/** The gap report's webview document (the search panel may be open beside it). */
async function gapsFrame() {
  for (const f of page.frames()) if (await f.locator('ul[aria-label="Uncited related papers"]').count().catch(() => 0)) return f;
  return null;
}

test('the gap report lists uncited papers with their section and line, and "Cite it there" writes the citation', async () => {
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 60_000 });
  await quickOpen('paper.tex');
  await statusText(60_000);
  await cursorToEndOfLineWith(texPath, 'and makes it easy to add constraints at test time' /* earlier tests may have cited here */);
  await runCommand('LitLens: Find Uncited Related Papers');
  // The command asks for the scope: the whole document.
  const whole = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Whole document' }).first();
  await whole.waitFor({ state: 'visible' });
  await whole.click();
  const frame = await until('the gap report panel', gapsFrame, 30_000);
  const rows = await until('the gap report to list papers', async () => {
    const all = await frame.locator('.result').evaluateAll((els) =>
      els.map((e) => ({ key: e.getAttribute('data-key'), code: e.querySelector('code')?.textContent ?? '', where: e.querySelector('a.meta')?.textContent ?? '', title: e.querySelector('.title')?.textContent ?? '' })),
    );
    return all.length ? all : null;
  }, 30_000);
  await shot('09c-gaps-panel');
  const summary = (await frame.locator('#summary').textContent()) ?? '';
  if (!/uncited papers? close to paper\.tex/.test(summary)) throw new Error(`summary: ${summary}`);
  if (await frame.locator('#explain').isHidden()) throw new Error('the rows are listed without the line that says what "Cite it there" does');
  const tex = fs.readFileSync(texPath, 'utf8');
  const lines = tex.split('\n');
  const cited = new Set([...tex.matchAll(/\\cite[a-z]*\{([^}]*)\}/g)].flatMap((m) => m[1].split(',').map((k) => k.trim())));
  const sections = [...tex.matchAll(/\\section\{([^}]*)\}/g)].map((m) => m[1]);
  for (const r of rows) {
    if (!r.key || r.code !== r.key || !/^[\w:.-]+$/.test(r.key)) throw new Error(`a row without its key: ${JSON.stringify(r)}`);
    if (cited.has(r.key)) throw new Error(`${r.key} is cited already, yet listed`);
    const where = /^§ (.+), line (\d+)$/.exec(r.where);
    if (!where) throw new Error(`the row of ${r.key} names no section and line: "${r.where}"`);
    const [, section, line] = where;
    const heading = lines.findIndex((l) => l.includes(`\\section{${section}}`));
    if (!sections.includes(section) || heading < 0 || Number(line) <= heading + 1 || !lines[Number(line) - 1]?.trim()) throw new Error(`the row of ${r.key} points at ${r.where}, not at prose of that section`);
  }
  // Cite the first paper where the report found it; the entry goes into references.bib when it lacks it.
  const first = rows[0];
  const paragraphLine = Number(/line (\d+)$/.exec(first.where)[1]);
  const bibBefore = fs.readFileSync(bibPath, 'utf8');
  await frame.locator('.result').first().hover();
  await frame.locator('.result').first().locator('button', { hasText: 'Cite it there' }).click();
  await frame.locator('#notice:not([hidden])').waitFor({ state: 'visible' });
  await shot('09d-gaps-cited');
  // The cited paper leaves the report (it is cited now); the rest stay.
  const left = await frame.locator('.result').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
  if (left.includes(first.key) || left.length !== rows.length - 1) throw new Error(`after citing ${first.key} the report lists ${left.join(', ')}`);
  await page.locator('.tab[aria-label*="paper.tex"]').first().click();
  await page.mouse.move(5, 5);
  await page.keyboard.press(`${mod}+S`);
  const saved = await until(`paper.tex to be saved citing ${first.key}`, () => {
    const text = fs.readFileSync(texPath, 'utf8');
    return new RegExp(`\\\\cite[a-z]*\\{[^}]*\\b${first.key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(text) ? text : null;
  });
  // In that paragraph: from its line to the next blank line.
  const after = saved.split('\n');
  let end = paragraphLine - 1;
  while (end < after.length && after[end].trim()) end++;
  const paragraph = after.slice(paragraphLine - 1, end).join('\n');
  if (!paragraph.includes(first.key)) throw new Error(`${first.key} was cited outside its paragraph (line ${paragraphLine})`);
  const bibAfter = fs.readFileSync(bibPath, 'utf8');
  if (!bibAfter.startsWith(bibBefore)) throw new Error('references.bib: the existing bytes changed');
  if (!bibKeys(bibAfter).includes(first.key)) throw new Error(`references.bib lacks ${first.key}`);
  // Close the report so the next test finds the editor as before.
  await page.locator('.tab', { hasText: 'Uncited Related Papers' }).locator('.codicon-close').click();
});

test('the lean VSIX has no semantic runtime: LitLens never asked to download; the command and the status bar say how to install it', async () => {
  await runCommand('LitLens: Enable Semantic Search');
  // An installed VSIX is told about the VSIX with the runtime, not about a rebuild it would not use.
  await notification('installed from the keyword-only VSIX');
  const item = page.locator('.statusbar-item', { hasText: /\d+ papers/ }).first();
  await item.hover();
  await until('the status tooltip to say the runtime is not installed', async () => {
    for (const t of await page.locator('.monaco-hover:visible, .workbench-hover-container:visible').allTextContents()) if (/Semantic search: off — this LitLens was installed from the keyword-only VSIX.*\(@huggingface\/transformers\).*npm run package:semantic/.test(t)) return t;
    return null;
  });
  await shot('09b-no-runtime-tooltip');
  await page.mouse.move(5, 5);
  await runCommand('Notifications: Show Notifications');
  await page.locator('.notifications-center').waitFor({ state: 'visible' });
  if (await page.locator('.notification-list-item', { hasText: CONSENT }).count()) throw new Error('asked to download a model the build cannot run');
  await runCommand('Notifications: Clear All Notifications');
  await page.keyboard.press('Escape');
});

test('clicking the status bar item opens the LitLens menu', async () => {
  await page.locator('.statusbar-item', { hasText: /\d+ papers/ }).first().click();
  const labels = await until('the LitLens menu', async () => {
    const all = await page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name').allTextContents();
    return all.some((l) => l.includes('Search Papers')) ? all : null;
  });
  await shot('10-status-menu');
  for (const want of ['Search Papers', 'Insert Citation', 'Show Related Papers', 'Rebuild Index', 'Add Library File or Folder', 'Show Output', 'Restart Server']) {
    if (!labels.some((l) => l.includes(want))) throw new Error(`the menu lacks ${want}: ${labels.join(', ')}`);
  }
  await page.keyboard.press('Escape');
});

// ---------------------------------------------------------------------------------------------

/** A notification with `text`: a toast, or else in the notification center. */
async function notification(text) {
  const item = page.locator('.notification-list-item:visible', { hasText: text });
  try {
    await item.first().waitFor({ state: 'visible', timeout: 5000 });
  } catch {
    await runCommand('Notifications: Show Notifications');
    await item.first().waitFor({ state: 'visible' });
  }
  return item.first();
}

/** The pid of this run's language server (dist/server.js under this run's extensions folder). */
function serverPid() {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(dirs.extensions) && cmd.includes('dist/server.js')) return Number(entry);
    } catch {
      /* gone */
    }
  }
  return null;
}

test('a crashed server restarts; after repeated crashes commands say so and offer Restart', async () => {
  // Three crashes are restarted quietly; the fourth within three minutes stops the server.
  let last = null;
  for (let i = 0; i < 4; i++) {
    const pid = await until('a (new) language server process', () => {
      const p = serverPid();
      return p && p !== last ? p : null;
    });
    await statusText(20_000); // up and indexed: the status bar counts papers again
    process.kill(pid, 'SIGKILL');
    last = pid;
  }
  await notification('crashed repeatedly');
  await until('the status bar to say the server stopped', async () => (await page.locator('.statusbar-item', { hasText: 'LitLens: stopped' }).count()) > 0);
  await runCommand('LitLens: Rebuild Index');
  const down = await notification('language server is not running');
  await shot('11-server-down');
  await down.locator('.monaco-button', { hasText: 'Restart Server' }).first().click();
  const text = await statusText(30_000);
  log(`after Restart Server: ${text.trim()}`);
});

// In an untrusted folder LitLens runs on the bundled corpus only; trusting it restarts the server.
const untrustedWorkspace = copyDir(path.join(repoRoot, 'examples'), path.join(dirs.root, 'untrusted'));
const untrustedTests = [];
untrustedTests.push({
  name: 'in an untrusted workspace LitLens uses only the bundled corpus',
  fn: async () => {
    const no = page.locator('.monaco-dialog-box .monaco-button', { hasText: /No, I don.t trust/ });
    await no.click({ timeout: 30_000 });
    await quickOpen('paper.tex');
    const text = await statusText(60_000);
    await shot('12-untrusted');
    if (!/\b353 papers/.test(text)) throw new Error(`status bar says "${text.trim()}"; expected the 353 corpus papers only`);
    const bib = fs.readFileSync(path.join(untrustedWorkspace, 'references.bib'), 'utf8');
    if (bib !== originalBib) throw new Error('references.bib changed in an untrusted workspace');
    if (await page.locator('.notification-list-item', { hasText: CONSENT }).count()) throw new Error('asked about the model download in an untrusted workspace');
  },
});
untrustedTests.push({
  name: 'granting trust restarts the server, which then reads references.bib',
  fn: async () => {
    await runCommand('Workspaces: Manage Workspace Trust');
    const trust = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust( Folder)?$/ }).first();
    await trust.click();
    const text = await until('the status bar to count the workspace bibliography too', async () => {
      const t = await statusText(5000).catch(() => '');
      return /\b355 papers/.test(t) ? t : null;
    }, 60_000);
    await shot('13-trusted');
    log(`after trust: ${text.trim()}`);
  },
});

// An invented glaciology paper (test/fixtures/workspace-glaciers), outside the bundled corpus's field.
const glacierWorkspace = copyDir(path.join(repoRoot, 'test', 'fixtures', 'workspace-glaciers'), path.join(dirs.root, 'glaciers'));
const fieldTests = [];
fieldTests.push({
  name: 'a glaciology paper: the status tooltip counts its uncited-claim hint; the search panel lists its own library first, the bundled ML corpus after it under a heading',
  fn: async () => {
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 60_000 });
    await quickOpen('paper.tex');
    await statusText(60_000);
    // The paper's uncited-claim hint is three dots only: the status bar's tooltip counts it and says how to list it.
    // A tooltip on screen keeps what it showed: hover again until it names the hint (it comes after the index).
    await until('the status tooltip to count the uncited-claim hint', async () => {
      await page.mouse.move(5, 5);
      await page.locator('.statusbar-item', { hasText: /\d+ papers/ }).first().hover();
      await page.locator('.monaco-hover:visible, .workbench-hover-container:visible').first().waitFor({ state: 'visible', timeout: 3_000 }).catch(() => undefined);
      for (const t of await page.locator('.monaco-hover:visible, .workbench-hover-container:visible').allTextContents()) if (/Uncited claims: 1 sentence of paper\.tex cites nothing .*"litlens\.uncitedClaims": "information" lists them in the Problems view/.test(t)) return t;
      return null;
    }, 30_000);
    await shot('14a-status-uncited-claims');
    await page.mouse.move(5, 5);
    await runCommand('LitLens: Search Papers');
    const frame = panelFrame();
    const query = frame.locator('#query');
    await query.waitFor({ state: 'visible', timeout: 20_000 });
    await query.fill('mass balance model');
    const rows = await until('the panel to list papers of both sources', async () => {
      const all = await frame.locator('.result').evaluateAll((els) =>
        els.map((e) => ({ source: e.querySelector('.meta')?.getAttribute('title') ?? '', head: e.querySelector('.field-break')?.textContent ?? '' })),
      );
      return all.some((r) => r.source === 'bundled corpus') ? all : null;
    });
    await shot('14-panel-outside-field');
    const at = rows.findIndex((r) => r.source === 'bundled corpus');
    if (at === 0 || rows.slice(0, at).some((r) => r.source !== 'refs.bib') || rows.slice(at).some((r) => r.source !== 'bundled corpus')) throw new Error(`sources in order: ${rows.map((r) => r.source).join(', ')}`);
    if (!/^Outside paper\.tex's field: bundled corpus$/.test(rows[at].head)) throw new Error(`heading: "${rows[at].head}"`);
    if (rows.some((r, i) => i !== at && r.head)) throw new Error('more than one heading');
    const option = (await frame.locator('#source option', { hasText: 'bundled corpus' }).textContent()) ?? '';
    if (!/outside this document's field/.test(option)) throw new Error(`source list: "${option}"`);
  },
});

// The platform VSIX (with the runtime): the download question, then a local model folder.
const semanticWorkspace = copyDir(path.join(repoRoot, 'examples'), path.join(dirs.root, 'semantic'));
const semanticTests = [];
const semanticSettings = () => fs.readFileSync(userSettingsFile('semantic'), 'utf8');
semanticTests.push({
  name: 'once the server is ready LitLens asks before downloading a model; Not now keeps it off',
  fn: async () => {
    await quickOpen('paper.tex');
    const ask = await notification(CONSENT);
    const text = (await ask.textContent()) ?? '';
    await shot('14-semantic-consent');
    if (!/Xenova\/all-MiniLM-L6-v2/.test(text) || !/Nothing else leaves your machine/.test(text)) throw new Error(`consent reads: ${text}`);
    await ask.locator('.monaco-button', { hasText: /^Not now$/ }).click();
    await ask.waitFor({ state: 'detached' });
    if (/embeddings\.enabled/.test(semanticSettings())) throw new Error('Not now changed litlens.embeddings.enabled');
  },
});
semanticTests.push({
  name: 'LitLens: Enable Semantic Search asks again; Never keeps it off',
  fn: async () => {
    await runCommand('LitLens: Enable Semantic Search');
    const ask = await notification(CONSENT);
    await ask.locator('.monaco-button', { hasText: /^Never$/ }).click();
    await ask.waitFor({ state: 'detached' });
    if (/embeddings\.enabled/.test(semanticSettings())) throw new Error('Never changed litlens.embeddings.enabled');
  },
});
semanticTests.push({
  name: 'Download turns semantic search on; offline it fails with a clear message and search stays lexical',
  fn: async () => {
    // Only where the model host cannot be reached: the suite never downloads anything.
    const online = await import('node:dns').then((dns) => dns.promises.lookup('huggingface.co').then(() => true, () => false));
    if (online) return log('  (skipped: huggingface.co resolves, and the suite downloads nothing)');
    await runCommand('LitLens: Enable Semantic Search');
    const ask = await notification(CONSENT);
    await ask.locator('.monaco-button', { hasText: /^Download$/ }).click();
    await until('litlens.embeddings.enabled in the user settings', () => /"litlens\.embeddings\.enabled":\s*true/.test(semanticSettings()));
    const failed = await notification('semantic search could not start');
    log(`  offline: ${((await failed.textContent()) ?? '').replace(/^Source: LitLens/, '').trim().slice(0, 240)}`);
    const item = page.locator('.statusbar-item', { hasText: /\d+ papers/ }).first();
    await item.hover();
    await until('the status tooltip to say semantic search failed', async () => {
      for (const t of await page.locator('.monaco-hover:visible, .workbench-hover-container:visible').allTextContents()) if (/Semantic search: failed/.test(t)) return t;
      return null;
    });
    await shot('15-semantic-download-failed');
    await page.mouse.move(5, 5);
    await runCommand('Notifications: Clear All Notifications');
  },
});
// A fresh profile whose user settings name the suite's model folder: no question, semantic search on.
const localModelTests = [];
localModelTests.push({
  name: 'with a local model folder semantic search turns on without asking: vectors in global storage, hovers answer',
  fn: async () => {
    await quickOpen('paper.tex');
    const item = page.locator('.statusbar-item', { hasText: /\d+ papers/ }).first();
    // The sparkle follows the paper count once the model is loaded and the library embedded.
    await until('the status bar to show semantic search on', async () => (await item.locator('.codicon-sparkle').count()) > 0, 60_000);
    await item.hover();
    const tip = await until('the status tooltip', async () => {
      for (const t of await page.locator('.monaco-hover:visible, .workbench-hover-container:visible').allTextContents()) if (/Semantic search/.test(t)) return t;
      return null;
    });
    await shot('16-semantic-on');
    if (!/Semantic search: on/.test(tip)) throw new Error(`tooltip: ${tip}`);
    // The vectors went to the extension's global storage (initializationOptions.cacheDir).
    if (await page.locator('.notification-list-item', { hasText: CONSENT }).count()) throw new Error('asked about a download for a local model folder');
    const storage = path.join(dirs.root, 'user-data-local-model', 'User', 'globalStorage', 'litlens.litlens', 'vectors');
    if (!fs.existsSync(storage)) throw new Error(`no vector cache in ${storage}`);
    await page.mouse.move(5, 5);
    const prose = await hoverText('A world model predicts future observations', /related papers/i);
    if (!/[a-z0-9]+-[a-z0-9]+-[a-z0-9]+/.test(prose)) throw new Error(`prose hover names no paper: ${prose.slice(0, 200)}`);
  },
});

async function statusText(timeoutMs) {
  const item = page.locator('.statusbar-item', { hasText: /\d+ papers/ });
  return until('the status bar to show "N papers"', async () => (await item.count()) ? item.first().textContent() : null, timeoutMs);
}

/** One VS Code: start code-server, open `folder` in chromium, run `list`, close both. */
async function session(label, folder, list, { trust, settings = {} }) {
  list = only ? list.filter((t) => only.test(t.name)) : list;
  if (list.length === 0) return log(`[${label}] no test matches E2E_ONLY: not started`);
  const userData = path.join(dirs.root, `user-data-${label}`);
  const sessionDirs = { ...dirs, userData };
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeUserSettings(sessionDirs, {
    // E2E_THEME="Default Light Modern" / "Default High Contrast": look at the panel in other themes.
    ...(process.env.E2E_THEME ? { 'workbench.colorTheme': process.env.E2E_THEME } : {}),
    ...(trust ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'always' } : {}),
    ...settings,
  });
  server = await startCodeServer(sessionDirs, { trust, logFile: path.join(dirs.root, `code-server-${label}.log`) });
  log(`[${label}] code-server at ${server.url}`);
  browser = await chromium.launchPersistentContext(path.join(dirs.root, `chromium-${label}`), {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    env: runEnv(dirs),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(20_000);
  await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  log(`[${label}] workbench ready`);
  for (const t of list) {
    const t0 = Date.now();
    try {
      await t.fn();
      results.push({ name: t.name, ok: true });
      log(`✓ ${t.name} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
    } catch (err) {
      results.push({ name: t.name, ok: false, error: err });
      log(`✗ ${t.name}\n    ${(err && err.stack) || err}`);
      await shot(`fail-${results.length}`);
      await page.keyboard.press('Escape').catch(() => undefined);
    }
  }
  await keepLogs(label, userData);
  await browser.close().catch(() => undefined);
  browser = undefined;
  await server.stop();
  server = undefined;
}

/** Keeps the logs beside the screenshots: code-server's and the LitLens output channel. */
async function keepLogs(label, userData) {
  try {
    if (server) fs.copyFileSync(server.log, path.join(artifacts, `code-server-${label}.log`));
    for (const f of fs.readdirSync(path.join(userData, 'logs'), { recursive: true })) {
      if (/LitLens\.log$/.test(String(f))) fs.copyFileSync(path.join(userData, 'logs', String(f)), path.join(artifacts, `litlens-output-${label}.log`));
    }
  } catch {
    /* no logs to keep */
  }
}

let exitCode = 1;
try {
  await session('trusted', workspace, tests, { trust: false });
  await session('untrusted', untrustedWorkspace, untrustedTests, { trust: true });
  await session('field', glacierWorkspace, fieldTests, { trust: false });
  if (semanticVsix) {
    log(installExtension(dirs, semanticVsix).split('\n').pop());
    await session('semantic', semanticWorkspace, semanticTests, { trust: false });
    const settings = { 'litlens.embeddings.enabled': true, 'litlens.embeddings.model': testModel };
    await session('local-model', semanticWorkspace, localModelTests, { trust: false, settings });
  }
  exitCode = results.every((r) => r.ok) ? 0 : 1;
} catch (err) {
  log(`setup failed: ${(err && err.stack) || err}`);
  if (page) await shot('fail-setup');
  results.push({ name: 'setup', ok: false, error: err });
} finally {
  await cleanup();
}
const passed = results.filter((r) => r.ok).length;
const failedCount = results.length - passed + (results.length === 0 ? 1 : 0);
log(`screenshots in ${path.relative(repoRoot, artifacts)}/`);
log(`done in ${((Date.now() - started) / 1000).toFixed(0)}s`);
console.log(`e2e: ${passed} passed, ${failedCount} failed`);
process.exit(exitCode);
