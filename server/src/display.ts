// How a paper's names and texts read to a person: "Given Family", "Smith et al.", a text cut at a
// word. Pure and import-free: the server's cards and lens titles and the client's quick picks and
// search panel share it.

/** "Family, Given" → "Given Family" for reading. */
export function displayName(author: string): string {
  const comma = author.indexOf(',');
  if (comma < 0) return author.trim();
  return `${author.slice(comma + 1).trim()} ${author.slice(0, comma).trim()}`.trim();
}

/**
 * A name that is an organisation's ("R Core Team", "The Astropy Collaboration"): BibTeX's braced
 * names, CSL's literal ones and Zotero's one-field ones arrive like "Given Family", so the word
 * that names a body of people tells them apart.
 */
const ORGANISATION = /\b(team|collaboration|consortium|group|project|foundation|institute|organi[sz]ation|association|committee|society|council|agency|corporation|company|inc|ltd|university|cent(?:er|re)|laboratory|network|initiative|contributors|developers|community|office|department|ministry|commission|survey|authority|bureau|alliance|federation|programme|program|partnership|coalition)\b\.?$/i;

/** The family name of "Family, Given" or of "Given Family"; an organisation's name whole. */
export function familyName(author: string): string {
  if (author.includes(',')) return author.split(',')[0]!.trim();
  const name = author.trim();
  return ORGANISATION.test(name) && /\s/.test(name) ? name : (name.split(/\s+/).pop() ?? name);
}

/** "Smith, Doe" / "Smith et al.": family names, for one-line details. `more`: the list was cut
 * short ("and others"), so it ends in "et al." too. */
export function shortAuthors(authors: readonly string[], more = false): string {
  const family = authors.map(familyName);
  if (family.length === 0) return '';
  return family.length <= 2 && !more ? family.join(', ') : `${family[0]} et al.`;
}

/** "Jane Smith, John Doe"; more than `max` names become the first max - 1 and "et al.", and so
 * does a list cut short (`more`: "and others" in BibTeX). */
export function authorList(authors: readonly string[], max = Infinity, more = false): string {
  const names = authors.map(displayName);
  if (names.length > max) return `${names.slice(0, max - 1).join(', ')} et al.`;
  return more && names.length ? `${names.join(', ')} et al.` : names.join(', ');
}

/** Cuts at a word boundary near `max` characters and marks the cut. */
export function trimText(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}
