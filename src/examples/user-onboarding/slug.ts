/** A URL-safe slug: lowercase ASCII words joined by '-', at most 40 characters. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
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
