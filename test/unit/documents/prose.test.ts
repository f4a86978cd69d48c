import { strict as assert } from 'node:assert';
import { onProse } from '../../../server/src/documents';
import { fixture } from './fixture';

describe('documents: prose or markup', () => {
  const cases: [string, 'latex' | 'markdown', boolean][] = [
    ['Plain wo|rds here.', 'latex', true],
    ['\\emph{emphasised wo|rds}', 'latex', true],
    ['\\sec|tion{Title}', 'latex', false],
    ['\\ref{fig:pl|an}', 'latex', false],
    ['Inline $a + b^|2$ math', 'latex', false],
    ['After $a$ the wo|rds', 'latex', true],
    ['\\[ x = y|z \\]', 'latex', false],
    ['50\\% of wo|rds % a comment', 'latex', true],
    ['text % a com|ment', 'latex', false],
    ['   |   ', 'latex', false],
    ['---\ntitle: Plan|ning\n---\nBody', 'markdown', false],
    ['---\ntitle: Planning\n---\nBo|dy words', 'markdown', true],
    ['```\nco|de\n```', 'markdown', false],
    ['a [link](http://exa|mple.org) b', 'markdown', false],
    ['a [link te|xt](http://example.org) b', 'markdown', true],
    ['\\begin{equation}\n  plan = lea|rned + model\n\\end{equation}', 'latex', false],
    ['Words \\label{sec:pl|an} words', 'latex', false],
    ['Words `co|de` words', 'markdown', false],
    ['Words <!-- a com|ment --> words', 'markdown', false],
    ['## A heading on plan|ning', 'markdown', true],
  ];
  for (const [source, syntax, expected] of cases) {
    it(`${JSON.stringify(source)} is ${expected ? 'prose' : 'markup'}`, () => {
      const { text, cursor } = fixture(source);
      assert.equal(onProse(text, cursor, syntax), expected);
    });
  }
});
