// The importer's batch (shared/importRows.ts prepareBatch): a bad line is one issue with its line
// number, saying once that it was skipped, and the good lines around it are kept.
import { strict as assert } from 'node:assert';
import { formatIssue } from '../../../server/src/library/paper';
import { prepareBatch } from '../../../server/src/shared/importRows';

const record = (id: unknown, title = 'Sparse attention for long documents') => JSON.stringify({ id, title, authors: 'A. Writer', abstract: 'We study sparse attention.', categories: 'cs.CL', versions: [{ created: 'Mon, 2 Apr 2007 19:18:42 GMT' }] });

describe('shared/importRows prepareBatch', () => {
  it('a bad line is one message with file:line, "skipped" once; an id written as a number is refused, saying why', () => {
    const texts = [record('0704.0001'), record(704.001), '{"title": "no id here"}', '{"id": "0704.0004", "title": oops', record('0704.0005', '')];
    const out = prepareBatch({ format: 'arxiv', file: 'dump.jsonl', categories: [], texts, lines: [1, 2, 3, 4, 5], averages: null });
    assert.equal(out.papers, 1);
    const said = out.issues.map(formatIssue);
    assert.match(said[2], /^dump\.jsonl:4: error: invalid JSON: [^;]*; skipped$/);
    assert.deepEqual([...said.slice(0, 2), ...said.slice(3)], [
      'dump.jsonl:2: error: "id" is a number (704.001), not a string as in arXiv\'s snapshot: a number loses an id\'s zeros (0704.0010 reads as 704.001); skipped',
      'dump.jsonl:3: error: no "id"; skipped',
      'dump.jsonl:5: error: arXiv 0704.0005 has no title; skipped',
    ]);
  });
});
