import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { citationSpans, cut } from '../../../eval/uncited';
import { features, readLabelled, tokens } from '../../../eval/uncitedLearned';

describe('eval:uncited:learned: what the citation-worthiness classifier reads', () => {
  it('keeps stopwords, "e.g." and "et al", and reads numbers and years by their shape', () => {
    assert.deepEqual(tokens('As Moser et al. (2019) showed, e.g. 3.5 m of ice-loss…'), ['as', 'moser', 'et', 'al', '<year>', 'showed', 'e.g.', '<num>', 'm', 'of', 'ice-loss']);
  });

  it('makes no bigram across a removed citation, and no token of its residue', () => {
    const tex = 'The model from~\\cite{moser2021} could be used (see~\\citealp{huss}) here.';
    const copy = cut(tex, citationSpans(tex, 'latex'));
    assert.equal(copy.text, 'The model from could be used (see) here.');
    const f = features(copy.text, tex);
    assert.ok(f.includes('b:model from') && f.includes('b:could be'), f.join(' '));
    assert.ok(!f.includes('b:from could') && !f.includes('b:see here'), f.join(' '));
    assert.ok(!f.some((x) => /moser|huss|cite|[()[\]{}\\~]/.test(x)), f.join(' '));
  });

  it('reads --train files: a bad line or a repeated text is skipped with its file and line, the good lines kept', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-train-'));
    const a = path.join(dir, 'a.jsonl');
    const b = path.join(dir, 'b.jsonl');
    fs.writeFileSync(a, ['{"id":"a1","field":"ecology","kind":"article","section":"intro","cite":true,"text":"Alpine glaciers have retreated since 1850."}', '{"id":"a2","cite":"yes","text":"No label."}', 'not json', ''].join('\n'));
    fs.writeFileSync(b, ['{"id":"b1","cite":false,"text":"We  describe our package."}', '{"id":"b2","cite":true,"text":"alpine glaciers have retreated since 1850."}', '{"id":"a1","cite":false,"text":"Its tests run nightly."}'].join('\n'));
    const messages: string[] = [];
    const got = readLabelled([a, b], (m) => messages.push(m));
    assert.deepEqual(got.map((g) => [g.id, g.cite]), [['a1', true], ['b1', false], ['a1', false]]);
    assert.deepEqual(messages, [
      `${a}:2: needs "id", "cite": true|false and "text", skipped`,
      `${a}:3: not a JSON object, skipped`,
      `${b}:2: the same text as ${a}:1, skipped`,
      `${b}:3: id a1 also at ${a}:1 (kept: its text differs)`,
    ]);
    fs.rmSync(dir, { recursive: true });
  });
});
