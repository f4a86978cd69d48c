// `npm start`'s own arguments: --help says how to open your own folder and what may be installed
// system-wide; a PATH that does not exist or an unknown option stops it before anything is installed.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
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

  it('what the status bar tells an npm start user without the semantic runtime is an option npm start has', () => {
    const option = /npm start -- (--[a-z-]+)/.exec(semanticRuntimeMissing('npm-start'))?.[1];
    assert.ok(option, semanticRuntimeMissing('npm-start'));
    assert.match(start('--help').stdout, new RegExp(`^  ${option} `, 'm'));
    // The other ways in name their own remedy, not a rebuild npm start would not use.
    assert.match(semanticRuntimeMissing('vsix'), /npm run package:semantic/);
    assert.match(semanticRuntimeMissing('clone'), /npm run build/);
  });
});
