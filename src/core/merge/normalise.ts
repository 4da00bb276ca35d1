/** Comparison keys for merging findings that different chunks spell differently. */

// Company-form suffixes and their spelled-out variants; dropped from the key so "Acme, Inc." and "ACME INCORPORATED" meet.
const LEGAL_FORMS = new Set([
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'ltd',
  'limited',
  'llc',
  'lc',
  'llp',
  'lp',
  'plc',
  'sa',
  'sas',
  'ag',
  'gmbh',
  'bv',
  'nv',
  'ab',
  'pty',
  'pte',
  'kk',
  'spa',
  'srl',
]);

/** Lower case, letters and digits only, single spaces; curly quotes and dashes dropped with the rest. */
export function textKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** A party's name without articles and legal-form suffixes: "The Acme Co., L.L.C." → "acme". */
export function partyKey(name: string): string {
  const words = textKey(name.replace(/\b([A-Za-z])\.(?=[A-Za-z]\.)/g, '$1')).split(' ');
  while (words.length > 1 && LEGAL_FORMS.has(words.at(-1) ?? '')) words.pop();
  if (words[0] === 'the' && words.length > 1) words.shift();
  return words.join(' ');
}

/** A jurisdiction without the words around it: "the laws of the State of New York" → "new york". */
export function jurisdictionKey(text: string): string {
  return textKey(text)
    .replace(/^(the )?(laws? of )?(the )?((state|commonwealth|province|republic|federal republic|kingdom) of )?/, '')
    .replace(/^the /, '');
}
