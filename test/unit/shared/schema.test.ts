// The PostgreSQL connection's startup options (shared/schema.ts sessionOptions): LitLens's own
// option is kept when the user's URL gives `options=` (pg lets the URL's replace the pool's).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NoPassword, describeError, findPassword, sessionOptions } from '../../../server/src/shared/schema';

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
  it('says what to do when the server asks for a password and none was found', () => {
    const url = 'postgresql://litlens_reader@127.0.0.1:5432/litlens';
    assert.equal(describeError(new NoPassword('the server asks for a password and none was found'), url), `${url}: the server asks for a password and none was found (set PGPASSWORD or add a ~/.pgpass line)`);
  });

  it('names the missing grant, the role and the database, with the GRANT that gives it', () => {
    const url = 'postgresql://member@db.lab:5432/papers';
    const denied = (message: string) => describeError(Object.assign(new Error(message), { code: '42501' }), url);
    assert.equal(denied('permission denied for table terms'), `${url}: permission denied for table terms (the lab grants it in database papers: GRANT SELECT ON ALL TABLES IN SCHEMA litlens TO member; see docs/postgresql.md, "A read-only role for members")`);
    assert.match(denied('permission denied for schema litlens'), /GRANT USAGE ON SCHEMA litlens TO member;/);
  });

  it('names a wrong password, and never shows a password in the URL', () => {
    const said = describeError(Object.assign(new Error('password authentication failed for user "r"'), { code: '28P01' }), 'postgresql://r:secret@db.lab/litlens');
    assert.match(said, /password authentication failed \(check PGPASSWORD or ~\/\.pgpass\)/);
    assert.ok(!said.includes('secret'), said);
  });
});

describe('shared/schema findPassword', () => {
  const saved = { PGPASSWORD: process.env.PGPASSWORD, PGPASSFILE: process.env.PGPASSFILE };
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-pgpass-'));
    delete process.env.PGPASSWORD;
    process.env.PGPASSFILE = path.join(dir, 'pgpass');
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const member = { host: 'db.lab', port: 5432, database: 'litlens', user: 'member' };

  it('reads the first ~/.pgpass line for the connection (PGPASSFILE), as libpq does; PGPASSWORD comes first', async () => {
    fs.writeFileSync(process.env.PGPASSFILE!, '# lab\ndb.lab:5432:other:member:not-this\ndb.lab:5432:litlens:member:s3cret\n*:*:*:*:catch-all\n', { mode: 0o600 });
    assert.equal(await findPassword(member), 's3cret', 'the first match, not a later one');
    assert.equal(await findPassword({ ...member, database: 'elsewhere' }), 'catch-all');
    process.env.PGPASSWORD = 'from-env';
    assert.equal(await findPassword(member), 'from-env');
  });

  it('a Unix socket\'s directory is localhost, as libpq reads it', async () => {
    fs.writeFileSync(process.env.PGPASSFILE!, 'localhost:5432:litlens:member:by-socket\n', { mode: 0o600 });
    assert.equal(await findPassword({ ...member, host: '/var/run/postgresql' }), 'by-socket');
  });

  it('none found (no file, no matching line, an empty one) is NoPassword; a file others may read is not read, saying so', async () => {
    await assert.rejects(findPassword(member), NoPassword);
    fs.writeFileSync(process.env.PGPASSFILE!, 'db.lab:5432:litlens:someone:x\ndb.lab:5432:litlens:member:\n', { mode: 0o600 });
    await assert.rejects(findPassword(member), NoPassword);
    fs.writeFileSync(process.env.PGPASSFILE!, 'db.lab:5432:litlens:member:s3cret\n');
    fs.chmodSync(process.env.PGPASSFILE!, 0o644);
    await assert.rejects(findPassword(member), (err: Error) => err instanceof NoPassword && /group or others may read it \(chmod 600 .*pgpass\)/.test(err.message));
  });
});
