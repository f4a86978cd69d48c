import { strict as assert } from 'node:assert';
import { citationSpans, cut, fifthOf } from '../../../eval/uncited';

describe('eval:uncited: the copies it measures on', () => {
  it('takes every citation command out, with the tie or space before it, and maps copy offsets back', () => {
    const tex = 'Glaciers retreat~\\cite{a,b}. As \\citet[p.~3]{c} showed, ice thins \\citep{d}.';
    const copy = cut(tex, citationSpans(tex, 'latex'));
    assert.equal(copy.text, 'Glaciers retreat. As showed, ice thins.');
    assert.equal(tex[copy.original(copy.text.indexOf('showed'))], 's');
    assert.equal(copy.original(copy.text.indexOf('showed')), tex.indexOf('showed'));
    const md = 'Reefs bleach [see @a; @b, p. 2]. @c showed it, as did [@d].';
    assert.equal(cut(md, citationSpans(md, 'markdown')).text, 'Reefs bleach.  showed it, as did.');
  });

  it('a fixed fifth of the cited keys, spread over their order, at least one', () => {
    assert.deepEqual(fifthOf(['a', 'b', 'c']), ['b']);
    assert.deepEqual(fifthOf('abcdefghij'.split('')), ['c', 'h']);
    assert.deepEqual(fifthOf([]), []);
  });
});
