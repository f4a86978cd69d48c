import { strict as assert } from 'node:assert';
import { citationAt } from '../../../server/src/documents';
import { fixture } from './fixture';

function expectCite(source: string, typed: string, keys: string[] = [], command?: string) {
  const f = fixture(source);
  const ctx = citationAt(f.text, f.cursor, 'markdown');
  assert.ok(ctx, `expected a citation context in ${source}`);
  assert.equal(ctx.syntax, 'markdown');
  assert.equal(ctx.typed, typed);
  assert.equal(ctx.typedStart, f.cursor - typed.length);
  assert.equal(ctx.typedEnd, f.spans.length ? f.spans[0].end : f.cursor);
  if (f.spans.length) assert.equal(ctx.typedStart, f.spans[0].start);
  assert.deepEqual(ctx.keys, keys);
  if (command) assert.equal(ctx.command, command);
}

function expectNone(source: string) {
  const f = fixture(source);
  assert.equal(citationAt(f.text, f.cursor, 'markdown'), null, `expected no citation context in ${source}`);
}

describe('documents: citationAt (Markdown)', () => {
  it('right after [@', () => expectCite('Planning [@|] works.', '', [], '[@'));
  it('right after [@ unclosed', () => expectCite('Planning [@|', '', [], '[@'));
  it('partial key after [@', () => expectCite('Planning [@«mu|»]', 'mu', [], '[@'));
  it('middle of a key: typedEnd is the key end', () => expectCite('[@«schr|ittwieser2020»]', 'schr'));
  it('after ; @ in a bracket', () => expectCite('[@silver2016; @«ha|»]', 'ha', ['silver2016'], '[@'));
  it('after ;@ without a space', () => expectCite('[@a;@«b|»]', 'b', ['a']));
  it('first key of several', () => expectCite('[@«a|»; @b; @c]', 'a', ['b', 'c']));
  it('with prefix and locator', () => expectCite('[see @a, p. 3; @«b|»]', 'b', ['a']));
  it('suppress-author -@', () => expectCite('Silver says [-@«si|»]', 'si', [], '[@'));
  it('in-text @ at a word start', () => expectCite('As «@|»'.replace('«@|»', '@«ke|»'), 'ke', [], '@'));
  it('in-text @ at line start', () => expectCite('@«smi|th2020» shows', 'smi', [], '@'));
  it('in-text @ right after typing it', () => expectCite('As @| shows', '', [], '@'));
  it('key stops before trailing punctuation', () => expectCite('As @«smi|th2020». Then', 'smi'));
  it('key with internal punctuation', () => expectCite('[@«doe:2020|-ab»]', 'doe:2020'));
  it('unicode key', () => expectCite('[@«mül|ler»]', 'mül'));
  it('in a list item', () => expectCite('- item [@«x|»]', 'x'));
  it('in a heading', () => expectCite('# On @«x|»', 'x'));

  it('never inside an e-mail address', () => expectNone('Mail foo@ba|r.com today'));
  it('not right after the @ of an e-mail address', () => expectNone('Mail foo@|'));
  it('not in inline code', () => expectNone('Run `npm @ver|` now'));
  it('not in a fenced code block', () => expectNone('Text\n\n```\n@deco|rator\n```\n'));
  it('not in an HTML comment', () => expectNone('<!-- [@a|] -->'));
  it('not in front matter', () => expectNone('---\nauthor: "@jo|e"\n---\nText'));
  it('not in a URL path', () => expectNone('https://x.org/@us|er'));
  it('not in plain text', () => expectNone('Some | text'));
  it('not after a closed bracket citation', () => expectNone('[@a] and |'));
});
