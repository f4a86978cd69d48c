// The Porter (1980) stemmer, as published: https://tartarus.org/martin/PorterStemmer/def.txt
// Input: a lowercase ASCII word. Words of one or two letters are returned unchanged.

const step2list: Record<string, string> = {
  ational: 'ate', tional: 'tion', enci: 'ence', anci: 'ance', izer: 'ize', bli: 'ble', alli: 'al',
  entli: 'ent', eli: 'e', ousli: 'ous', ization: 'ize', ation: 'ate', ator: 'ate', alism: 'al',
  iveness: 'ive', fulness: 'ful', ousness: 'ous', aliti: 'al', iviti: 'ive', biliti: 'ble', logi: 'log',
};
const step3list: Record<string, string> = {
  icate: 'ic', ative: '', alize: 'al', iciti: 'ic', ical: 'ic', ful: '', ness: '',
};

const c = '[^aeiou]';
const v = '[aeiouy]';
const C = c + '[^aeiouy]*';
const V = v + '[aeiou]*';
const mgr0 = new RegExp('^(' + C + ')?' + V + C);
const meq1 = new RegExp('^(' + C + ')?' + V + C + '(' + V + ')?$');
const mgr1 = new RegExp('^(' + C + ')?' + V + C + V + C);
const sV = new RegExp('^(' + C + ')?' + v);
const step2re = /^(.+?)(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism|iveness|fulness|ousness|aliti|iviti|biliti|logi)$/;
const step3re = /^(.+?)(icate|ative|alize|iciti|ical|ful|ness)$/;
const step4re = /^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/;
const step4ion = /^(.+?)(s|t)(ion)$/;
const cvcRe = new RegExp('^' + C + v + '[^aeiouwxy]$');

export function porterStem(w: string): string {
  if (w.length < 3) return w;
  let firstY = false;
  if (w[0] === 'y') {
    firstY = true;
    w = 'Y' + w.slice(1);
  }
  // Step 1a
  if (/^(.+?)(ss|i)es$/.test(w)) w = w.replace(/^(.+?)(ss|i)es$/, '$1$2');
  else if (/^(.+?)([^s])s$/.test(w)) w = w.replace(/^(.+?)([^s])s$/, '$1$2');
  // Step 1b
  let m: RegExpExecArray | null;
  if ((m = /^(.+?)eed$/.exec(w))) {
    if (mgr0.test(m[1])) w = w.slice(0, -1);
  } else if ((m = /^(.+?)(ed|ing)$/.exec(w))) {
    const stem = m[1];
    if (sV.test(stem)) {
      w = stem;
      if (/(at|bl|iz)$/.test(w)) w += 'e';
      else if (/([^aeiouylsz])\1$/.test(w)) w = w.slice(0, -1);
      else if (cvcRe.test(w)) w += 'e';
    }
  }
  // Step 1c
  if ((m = /^(.+?)y$/.exec(w)) && sV.test(m[1])) w = m[1] + 'i';
  // Step 2
  if ((m = step2re.exec(w)) && mgr0.test(m[1])) w = m[1] + step2list[m[2]];
  // Step 3
  if ((m = step3re.exec(w)) && mgr0.test(m[1])) w = m[1] + step3list[m[2]];
  // Step 4
  if ((m = step4re.exec(w))) {
    if (mgr1.test(m[1])) w = m[1];
  } else if ((m = step4ion.exec(w))) {
    const stem = m[1] + m[2];
    if (mgr1.test(stem)) w = stem;
  }
  // Step 5
  if ((m = /^(.+?)e$/.exec(w))) {
    const stem = m[1];
    if (mgr1.test(stem) || (meq1.test(stem) && !cvcRe.test(stem))) w = stem;
  }
  if (/ll$/.test(w) && mgr1.test(w)) w = w.slice(0, -1);
  if (firstY) w = 'y' + w.slice(1);
  return w;
}
