// The CSL-JSON half of the bibliography writer: papers as CSL items, and inserting one into a file.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { appendEntry, toCslItem } from '../../../server/src/library/bibwriter';
import { REFS, workspace } from '../features/fixture';

describe('library: writing CSL-JSON', () => {
  it('turns papers into CSL items with CSL types, names and dates', async () => {
    const ws = await workspace(REFS);
    try {
      assert.deepEqual(toCslItem(ws.library.get('smith2020graphs')!), {
        id: 'smith2020graphs',
        type: 'article-journal',
        title: 'Graph Networks for Physical Reasoning',
        author: [
          { family: 'Smith', given: 'Jane' },
          { family: 'Doe', given: 'John' },
        ],
        issued: { 'date-parts': [[2020]] },
        'container-title': 'Journal of Machine Learning Research',
        abstract: 'We study graph networks that learn to simulate rigid bodies and fluids.',
      });
      assert.equal(toCslItem(ws.library.get('mastering-atari-go')!).type, 'article');
    } finally {
      ws.dispose();
    }
  });

  it('inserts a CSL item before the closing ] of a CSL-JSON bibliography, keeping the bytes before', async () => {
    const ws = await workspace(REFS);
    try {
      const paper = ws.library.get('mastering-atari-go')!;
      const file = ws.path('lib.json');
      const original = '[\n  {"id": "a", "title": "A"}\n]\n';
      fs.writeFileSync(file, original);
      await appendEntry(file, paper);
      const text = fs.readFileSync(file, 'utf8');
      assert.ok(text.startsWith('[\n  {"id": "a", "title": "A"}'));
      assert.ok(text.endsWith('\n]\n'));
      const items = JSON.parse(text);
      assert.deepEqual(items.map((i: any) => i.id), ['a', 'mastering-atari-go']);
      const empty = ws.path('empty.json');
      fs.writeFileSync(empty, '[]');
      await appendEntry(empty, paper);
      assert.equal(JSON.parse(fs.readFileSync(empty, 'utf8'))[0].title, paper.title);
      const missing = ws.path('new.json');
      await appendEntry(missing, paper);
      assert.equal(JSON.parse(fs.readFileSync(missing, 'utf8')).length, 1);
    } finally {
      ws.dispose();
    }
  });
});
