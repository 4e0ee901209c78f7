/** The local document set the triage agent searches: help-centre articles, kept in code. */
export interface Article {
  id: string;
  title: string;
  text: string;
}

export const ARTICLES: readonly Article[] = Object.freeze([
  {
    id: 'kb-billing-refund',
    title: 'Refunds and double charges',
    text: 'A charge made twice in one billing period is refunded automatically within 5 business days. Support can refund at once from the billing console; refunds go back to the original card.',
  },
  {
    id: 'kb-password-reset',
    title: 'Resetting a password',
    text: 'Use "Forgot password" on the sign-in page. The reset link is valid for 30 minutes. Accounts with single sign-on reset their password with their identity provider.',
  },
  {
    id: 'kb-export-data',
    title: 'Exporting your data',
    text: 'Workspace admins export all data as CSV or JSON from Settings > Export. Exports over 1 GB are emailed as a download link within an hour.',
  },
  {
    id: 'kb-plan-limits',
    title: 'Plan limits',
    text: 'Free plans hold 3 projects and 1 GB; Pro plans 50 projects and 100 GB; Enterprise is unlimited. Upgrading takes effect at once and is prorated.',
  },
  {
    id: 'kb-outage',
    title: 'Service status and outages',
    text: 'Live status is at status.example.com. During an incident, updates are posted every 30 minutes; credits for SLA breaches are applied to the next invoice for Enterprise plans.',
  },
]);

const words = (text: string) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];

/** The articles sharing the most words with `query` (at least one), best first. */
export function searchArticles(query: string, limit = 3): Array<Article & { score: number }> {
  const wanted = new Set(words(query).filter((w) => w.length > 2));
  return ARTICLES.map((a) => ({
    ...a,
    score: words(`${a.title} ${a.text}`).filter((w) => wanted.has(w)).length,
  }))
    .filter((a) => a.score > 0)
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
    .slice(0, limit);
}
