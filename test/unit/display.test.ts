// How names and texts read, for the server's cards and the client's quick picks and panel alike.
import { strict as assert } from 'node:assert';
import { authorList, displayName, familyName, shortAuthors, trimText } from '../../server/src/display';

describe('display', () => {
  it('names: "Given Family" to read, family names for short lists', () => {
    assert.equal(displayName('Smith, Jane'), 'Jane Smith');
    assert.equal(displayName('Jane Smith'), 'Jane Smith');
    assert.equal(shortAuthors(['Smith, Jane', 'Doe, John']), 'Smith, Doe');
    assert.equal(shortAuthors(['Smith, Jane', 'John Doe', 'Roe, Richard']), 'Smith et al.');
    assert.equal(shortAuthors([]), '');
    assert.equal(authorList(['Smith, Jane', 'Doe, John']), 'Jane Smith, John Doe');
    assert.equal(authorList(['A, a', 'B, b', 'C, c', 'D, d', 'E, e'], 4), 'a A, b B, c C et al.');
    assert.equal(authorList(['A, a', 'B, b', 'C, c', 'D, d'], 4), 'a A, b B, c C, d D');
    // "and others" in BibTeX: the list is cut short.
    assert.equal(authorList(['Smith, Jane', 'Doe, John'], Infinity, true), 'Jane Smith, John Doe et al.');
    assert.equal(shortAuthors(['Smith, Jane', 'Doe, John'], true), 'Smith et al.');
    assert.equal(shortAuthors(['Smith, Jane'], true), 'Smith et al.');
  });

  it("an organisation's name is its family name whole (a braced BibTeX name, CSL literal, Zotero one-field)", () => {
    assert.equal(familyName('R Core Team'), 'R Core Team');
    assert.equal(shortAuthors(['The Astropy Collaboration', 'Smith, Jane']), 'The Astropy Collaboration, Smith');
    assert.equal(familyName('Python Software Foundation'), 'Python Software Foundation');
    // A person's name read as "Given Family" still gives the last word, and so does one word.
    assert.equal(familyName('Jane Smith'), 'Smith');
    assert.equal(familyName('Team'), 'Team');
  });

  it('trims at a word near the limit and marks the cut once', () => {
    assert.equal(trimText('  short   text ', 20), 'short text');
    assert.equal(trimText('Lucy-SKG: Learning to Play Rocket League Efficiently Using Deep Reward Shaping', 48), 'Lucy-SKG: Learning to Play Rocket League…');
    assert.equal(trimText('one two three, four five', 15), 'one two three…');
  });
});
