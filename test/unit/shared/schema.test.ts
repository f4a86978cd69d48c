// The PostgreSQL connection's startup options (shared/schema.ts sessionOptions): LitLens's own
// option is kept when the user's URL gives `options=` (pg lets the URL's replace the pool's).
import { strict as assert } from 'node:assert';
import { describeError, sessionOptions } from '../../../server/src/shared/schema';

describe('shared/schema sessionOptions', () => {
  it('a URL without options keeps its text; the scans read the table from its start', () => {
    assert.deepEqual(sessionOptions('postgresql://me@127.0.0.1:5432/lab'), { url: 'postgresql://me@127.0.0.1:5432/lab', options: '-c synchronize_seqscans=off' });
  });

  it("the URL's own options come first and stay; its other parameters stay in the URL", () => {
    const s = sessionOptions('postgresql://me@127.0.0.1:5432/lab?options=-c%20search_path%3Dlab&sslmode=disable');
    assert.equal(s.options, '-c search_path=lab -c synchronize_seqscans=off');
    assert.equal(new URL(s.url).searchParams.get('options'), null);
    assert.equal(new URL(s.url).searchParams.get('sslmode'), 'disable');
  });
});

describe('shared/schema describeError', () => {
  it('says what to do when the server asks for a password and none was found (node-postgres words it as a type error)', () => {
    const url = 'postgresql://litlens_reader@127.0.0.1:5432/litlens';
    for (const message of ['SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string', 'SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a non-empty string']) {
      assert.equal(describeError(new Error(message), url), `${url}: the server asks for a password and none was found (set PGPASSWORD or add a ~/.pgpass line)`);
    }
  });

  it('names a wrong password, and never shows a password in the URL', () => {
    const said = describeError(Object.assign(new Error('password authentication failed for user "r"'), { code: '28P01' }), 'postgresql://r:secret@db.lab/litlens');
    assert.match(said, /password authentication failed \(check PGPASSWORD or ~\/\.pgpass\)/);
    assert.ok(!said.includes('secret'), said);
  });
});
