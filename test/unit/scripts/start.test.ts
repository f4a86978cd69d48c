// `npm start`'s own arguments: --help says how to open your own folder and what may be installed
// system-wide; a PATH that does not exist or an unknown option stops it before anything is installed.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { semanticRuntimeMissing } from '../../../server/src/protocol';

const script = path.join(__dirname, '..', '..', '..', 'scripts', 'start.mjs');
const start = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', env: { ...process.env, INIT_CWD: '/' } });

describe('npm start: arguments', () => {
  it('--help names PATH, and the system packages a root run installs, before doing anything', () => {
    const r = start('--help');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Usage: npm start \[-- \[PATH\]/);
    assert.match(r.stdout, /PATH {8}your own folder, or a file in it/);
    assert.match(r.stdout, /apt-get when missing: ripgrep, build-essential, python3, pkg-config and libkrb5-dev/);
  });

  it('refuses a PATH that does not exist and an unknown option, with exit code 2', () => {
    const missing = start('no/such/folder');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^npm start: \/no\/such\/folder: no such file or folder/);
    const unknown = start('--bogus');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /^npm start: unknown option --bogus/);
  });

  it('an npm start user without the semantic runtime is told to install it into the clone, which npm start\'s LitLens loads it from', () => {
    const message = semanticRuntimeMissing('npm-start');
    assert.match(message, /ONNXRUNTIME_NODE_INSTALL=skip npm ci.*run npm start again/);
    assert.doesNotMatch(message, /npm run build/, 'npm start builds LitLens itself');
    // The premise: the extension npm start installs (.e2e/start/extensions/…) resolves packages from the clone.
    const installed = path.join(__dirname, '..', '..', '..', '.e2e', 'start', 'extensions', 'litlens.litlens-0.1.0', 'dist', 'server.js');
    assert.equal(createRequire(installed).resolve('vscode-languageserver'), require.resolve('vscode-languageserver'));
    // The other ways in name their own remedy.
    assert.match(semanticRuntimeMissing('vsix'), /npm run package:semantic/);
    assert.match(semanticRuntimeMissing('clone'), /npm run build/);
  });
});

describe('npm start: the address it prints', () => {
  it('opens the folder, and the file given (or the example paper) through the workbench payload', async () => {
    const lib = pathToFileURL(path.join(__dirname, '..', '..', '..', 'scripts', 'codeserver.mjs')).href;
    const { workbenchUrl } = (await import(lib)) as { workbenchUrl: (base: string, folder: string, file?: string) => string };
    assert.equal(workbenchUrl('http://127.0.0.1:8080', '/tmp/my paper'), 'http://127.0.0.1:8080/?folder=%2Ftmp%2Fmy%20paper');
    const url = new URL(workbenchUrl('http://127.0.0.1:8080', '/tmp/my paper', '/tmp/my paper/main.tex'));
    assert.equal(url.searchParams.get('folder'), '/tmp/my paper');
    assert.deepEqual(JSON.parse(url.searchParams.get('payload')!), [['openFile', 'vscode-remote://127.0.0.1:8080/tmp/my%20paper/main.tex']]);
  });
});
