/** Latin letters that Unicode does not decompose into a base letter and a mark. */
const LETTERS: Readonly<Record<string, string>> = {
  æ: 'ae',
  ø: 'o',
  œ: 'oe',
  ß: 'ss',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
  ı: 'i',
};

/**
 * A URL-safe slug: lowercase ASCII words joined by '-', at most 40 characters. Accents are
 * dropped (NFKD), the Latin letters above spelled out; other scripts give nothing (the caller
 * falls back to another source).
 */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[æøœßđðłþı]/g, (c) => LETTERS[c] ?? c)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

/** Numbered candidates tried before the account-specific one. */
const NUMBERED = 20;

/**
 * The slugs a workspace may take, in order: `base`, `base-2` ... `base-20`, then `base-<id>`
 * (the account id's tail, unique per account) so a popular name never runs out.
 */
export function* slugCandidates(base: string, accountId: string): Generator<string> {
  const root = base.slice(0, 32).replace(/-+$/, '') || 'workspace';
  yield root;
  for (let n = 2; n <= NUMBERED; n++) yield `${root}-${n}`;
  yield `${root}-${accountId.replace(/[^a-z0-9]/g, '').slice(-8)}`;
}
