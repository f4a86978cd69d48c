// A candidate's stored impacts come back as PostgreSQL's text of a tsvector (shared/corpus.ts
// storedTerms): `'stem':impact` with the field's label, quotes and backslashes doubled in lexemes.
// And a server asking for a password none was found for: the message, and no socket left open.
import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SharedCorpus, storedTerms } from '../../../server/src/shared/corpus';

describe('shared/corpus storedTerms', () => {
  it('reads each lexeme with its one position (the impact), whatever its label', () => {
    assert.deepEqual(storedTerms("'attent':212A 'model':17C 'transform':9"), { terms: ['attent', 'model', 'transform'], impacts: [212, 17, 9] });
  });

  it('undoubles quotes and backslashes inside a lexeme', () => {
    assert.deepEqual(storedTerms("'it''s':5B 'a\\\\b':7 'x':1"), { terms: ["it's", 'a\\b', 'x'], impacts: [5, 7, 1] });
  });

  it('an empty vector (no stem of the text in the paper) is no terms', () => {
    assert.deepEqual(storedTerms(''), { terms: [], impacts: [] });
  });
});

describe('shared/corpus: a server asking for a password none was found for', () => {
  // A stand-in for PostgreSQL's side of the handshake: each connection is asked for SCRAM
  // (AuthenticationSASL) and then waits, as a real server waits until its authentication_timeout.
  let server: net.Server;
  let port = 0;
  const open = new Set<net.Socket>();
  let connections = 0;
  before(async () => {
    server = net.createServer((socket) => {
      connections++;
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => {});
      socket.once('data', () => {
        const mechanisms = Buffer.from('SCRAM-SHA-256\0\0');
        const message = Buffer.alloc(9 + mechanisms.length);
        message.write('R', 0);
        message.writeInt32BE(8 + mechanisms.length, 1);
        message.writeInt32BE(10, 5); // AuthenticationSASL
        mechanisms.copy(message, 9);
        socket.write(message);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  after(async () => {
    for (const s of open) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('says so, and each failed attempt closes its socket (node-postgres left each open for the server to time out)', async () => {
    const saved = { PGPASSWORD: process.env.PGPASSWORD, PGPASSFILE: process.env.PGPASSFILE };
    delete process.env.PGPASSWORD;
    process.env.PGPASSFILE = path.join(os.tmpdir(), `litlens-no-pgpass-${process.pid}`);
    const shared = new SharedCorpus(`postgresql://member@127.0.0.1:${port}/litlens`, { connectMs: 5000 });
    try {
      for (let i = 0; i < 3; i++) assert.equal(await shared.open(), false); // the first attempt and two retries
      assert.equal(shared.state, 'error');
      assert.match(shared.message!, /the server asks for a password and none was found \(set PGPASSWORD or add a ~\/\.pgpass line\)/);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(connections, 3);
      assert.equal(open.size, 0, `${open.size} sockets left open`);
    } finally {
      await shared.dispose();
      for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v);
    }
  });
});
