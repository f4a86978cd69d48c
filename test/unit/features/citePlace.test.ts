import { strict as assert } from 'node:assert';
import { citePlace } from '../../../server/src/features/citePlace';
import { REFS, workspace, type Workspace } from './fixture';

describe('features: citePlace (where a lens or Show Related Papers cites)', () => {
  let ws: Workspace;
  before(async () => (ws = await workspace(REFS)));
  after(() => ws.dispose());

  /** `|` is where the passage is named (a lens's line); `«»` where the citation must go. */
  function placeOf(source: string, key: string, scope?: 'paragraph' | 'section') {
    const { ctx, spans } = ws.at(source);
    return { place: citePlace(ctx, key, scope), want: spans[0]?.start, text: ctx.doc.text };
  }

  it('at the end of the paragraph sentence closest to the paper, before its full stop', () => {
    const { place, want, text } = placeOf(
      `\\documentclass{article}\n\\begin{document}\n\\section{Intro}\n|We collected data in the field. An agent can plan with a learned model of the environment that predicts reward, policy and value«». Then we stopped.\n\n\\end{document}`,
      'mastering-atari-go',
    );
    assert.equal(place!.at, want);
    assert.equal(text.slice(place!.start, place!.end), 'We collected data in the field. An agent can plan with a learned model of the environment that predicts reward, policy and value. Then we stopped.');
  });

  it('into a citation that already ends the sentence; Markdown too', () => {
    const tex = placeOf('|Agents plan with a learned model in Atari and Go~\\cite{smith2020graphs«»}. Other words.', 'mastering-atari-go');
    assert.equal(tex.place!.at, tex.want);
    const md = placeOf('%! note.md\n# Intro\n\n|Weather was fine. Agents plan with a learned model in Atari and Go [@smith2020graphs«»].\n', 'mastering-atari-go');
    assert.equal(md.place!.at, md.want);
  });

  it('at the last sentence when no sentence shares a word with the paper; in the section for a section lens', () => {
    const none = placeOf('|Weather was fine. The trucks came late«».\n\nNext paragraph.', 'mastering-atari-go');
    assert.equal(none.place!.at, none.want);
    const section = placeOf('\\section{|Planning}\nWeather was fine.\n\nAgents plan with a learned model«».\n\n\\section{Other}\nMore planning with a learned model.', 'mastering-atari-go', 'section');
    assert.equal(section.place!.at, section.want);
  });

  it('null outside prose', () => {
    assert.equal(placeOf('\\documentclass{article}|\n\\begin{document}\nText.\n\\end{document}', 'mastering-atari-go').place, null);
  });
});
