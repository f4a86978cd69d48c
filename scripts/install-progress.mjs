// Reads `npm install --loglevel=http --foreground-scripts` output for code-server on stdin and shows
// how far it is, in a few lines: what is being fetched, which native module is being built, in
// which of its three phases, and the time so far. Every line goes to the log file named by the
// first argument (scripts/e2e-setup.sh prints its end when npm fails).
//   npm install … 2>&1 | node scripts/install-progress.mjs .e2e/tools-install.log
import * as fs from 'node:fs';
import * as readline from 'node:readline';

const log = fs.createWriteStream(process.argv[2] ?? '/dev/null');
const started = Date.now();
const tty = !!process.stderr.isTTY;
let phase = 1;
let fetched = 0;
const built = [];
let lastShown = 0;
let lastText = '';

const PHASES = {
  1: 'fetching code-server, playwright-core and their dependencies',
  2: "building code-server's native modules",
  3: "code-server's install step: VS Code's own dependencies (fetched, then native modules built)",
};

/** One status line: replaced in place on a terminal, printed now and then (and at each change of phase) otherwise. */
function show(detail, force = false) {
  const text = `e2e-setup: [${Math.round((Date.now() - started) / 1000)} s] ${phase}/3 ${PHASES[phase]}: ${detail}`;
  if (tty) process.stderr.write(`\r\x1b[K${text.slice(0, (process.stderr.columns ?? 120) - 1)}`);
  else if (force || Date.now() - lastShown > 10_000) {
    process.stderr.write(`${text}\n`);
    lastShown = Date.now();
  }
  lastText = text;
}

function setPhase(p) {
  if (p === phase) return;
  if (tty && lastText) process.stderr.write('\n');
  phase = p;
}

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  log.write(`${line}\n`);
  const fetch = /^npm http fetch GET \d+ (\S+)/.exec(line);
  if (fetch) {
    fetched++;
    const name = decodeURIComponent(fetch[1].replace(/^https?:\/\/[^/]+\//, '').replace(/\/-\/.*$/, ''));
    show(`${fetched} packages and tarballs fetched (${name})`);
    return;
  }
  const step = /^> (@?[^@\s]+)@\S+ (install|postinstall)$/.exec(line);
  if (step) {
    const [, name, kind] = step;
    if (name === 'code-server' && kind === 'postinstall') {
      setPhase(3);
      show('starting', true);
    } else {
      if (phase === 1) setPhase(2);
      built.push(name);
      show(`${kind === 'install' ? 'building' : 'setting up'} ${name} (${built.length} so far)`, true);
    }
  }
});
lines.on('close', () => {
  if (tty && lastText) process.stderr.write('\n');
  process.stderr.write(`e2e-setup: [${Math.round((Date.now() - started) / 1000)} s] npm is done: ${fetched} fetches, ${built.length} install steps (${built.join(', ')})\n`);
  log.end();
});
