import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import * as path from 'node:path';
import { commands, main } from '../../../server/src/cli/main';
import { cacheText, defaultSettings } from '../../../server/src/protocol';
import { version } from '../../../package.json';
import { captured } from './capture';

/** A command line run in this process. */
const litlens = (...args: string[]) => captured(() => main(args));

describe('cli: help, version, usage errors', () => {
  for (const name of Object.keys(commands)) {
    it(`${name} --help, ${name} -h and help ${name} print its own usage, exit 0`, async () => {
      const long = await litlens(name, '--help');
      assert.equal(long.code, 0, long.err);
      assert.equal(long.err, '');
      assert.match(long.out, new RegExp(`^litlens ${name}: .+\\n\\nUsage:\\n  litlens ${name} `));
      for (const line of commands[name]!.usage) assert.ok(long.out.includes(`litlens ${name} ${line}\n`), line);
      // Only this command's usage.
      for (const other of Object.keys(commands)) if (other !== name) assert.ok(!long.out.includes(`litlens ${other} `), other);
      assert.deepEqual(await litlens(name, '-h'), long);
      assert.deepEqual(await litlens('help', name), long);
      // --help wins over other mistakes on the same line, but not after `--`.
      assert.equal((await litlens(name, '--bogus', '--help')).code, 0);
    });

    it(`${name} refuses an unknown option with exit 2`, async () => {
      const r = await litlens(name, '--bogus');
      assert.equal(r.code, 2);
      assert.equal(r.out, '');
      assert.match(r.err, new RegExp(`^litlens ${name}: unknown option "--bogus"\\n`));
    });
  }

  it('search and related --help say that --corpus takes a postgresql:// URL and where its password comes from', async () => {
    for (const name of ['search', 'related']) assert.match((await litlens(name, '--help')).out, /--corpus postgresql:\/\/USER@HOST\[:PORT\]\/DB reads a lab's shared corpus .*the password comes from PGPASSWORD or ~\/\.pgpass, never the URL/, name);
  });

  it('a missing value fails with exit 2 and says which option', async () => {
    for (const [args, message] of [
      [['search', '--limit'], /^litlens search: --limit needs a value/],
      [['related', '--text'], /^litlens related: --text needs a value/],
      [['papers', '--library'], /^litlens papers: --library needs a value/],
      [['embed', '--model'], /^litlens embed: --model needs a value/],
      [['lsp', '--socket'], /^litlens lsp: --socket needs a value/],
    ] as [string[], RegExp][]) {
      const r = await litlens(...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, message);
    }
  });

  it('lsp without a transport says how to talk, exit 2', async () => {
    const r = await litlens('lsp');
    assert.equal(r.code, 2);
    assert.match(r.err, /--stdio/);
  });

  it('--version prints the package version; help lists every command; no command is a usage error', async () => {
    assert.deepEqual(await litlens('--version'), { code: 0, out: `${version}\n`, err: '' });
    const cache = process.env.LITLENS_CACHE;
    const empty = path.join(os.tmpdir(), `litlens-no-cache-${process.pid}`); // an empty cache: 0 MB
    process.env.LITLENS_CACHE = empty;
    const h = await litlens('help').finally(() => (cache === undefined ? delete process.env.LITLENS_CACHE : (process.env.LITLENS_CACHE = cache)));
    assert.equal(h.code, 0);
    for (const name of Object.keys(commands)) assert.match(h.out, new RegExp(`\\n  litlens ${name} `));
    const none = await litlens();
    assert.equal(none.code, 2);
    assert.equal(none.out, '');
    assert.equal(h.out, `${none.err}\nCache: ${empty}, ${cacheText({ bytes: 0, limit: defaultSettings.cacheLimit * 1024 * 1024 })} (setting litlens.cacheLimit; $LITLENS_CACHE moves it)\n`);
    const unknown = await litlens('help', 'nope');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /^litlens: unknown command "nope"/);
  });
});
