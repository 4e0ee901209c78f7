/**
 * Throwaway-mailbox domains flagged for a human's approval by default: a short list of the
 * best-known services (the maintained, much longer list is the `disposable-email-domains`
 * project; pass it as `disposableDomains` in the screen node's config to use it).
 */
export const DISPOSABLE_DOMAINS: readonly string[] = Object.freeze([
  '10minutemail.com',
  'dispostable.com',
  'getnada.com',
  'guerrillamail.com',
  'mailinator.com',
  'maildrop.cc',
  'sharklasers.com',
  'temp-mail.org',
  'throwawaymail.com',
  'trashmail.com',
  'yopmail.com',
]);

/** Whether `domain` is one of `list` or a subdomain of one. */
export function domainListed(domain: string, list: readonly string[]): boolean {
  return list.some((entry) => {
    const d = entry.trim().toLowerCase();
    return d !== '' && (domain === d || domain.endsWith(`.${d}`));
  });
}
