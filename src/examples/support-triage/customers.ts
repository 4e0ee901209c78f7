/** The customer table the triage agent looks people up in (a local stand-in for a CRM). */
export interface Customer {
  email: string;
  name: string;
  plan: 'free' | 'pro' | 'enterprise';
  since: string;
  openTickets: number;
}

const CUSTOMERS: readonly Customer[] = Object.freeze([
  {
    email: 'grace@example.com',
    name: 'Grace Hopper',
    plan: 'enterprise',
    since: '2019-03-01',
    openTickets: 0,
  },
  {
    email: 'alan@example.com',
    name: 'Alan Turing',
    plan: 'pro',
    since: '2021-06-23',
    openTickets: 2,
  },
  {
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    plan: 'free',
    since: '2024-12-10',
    openTickets: 1,
  },
]);

export function findCustomer(email: string): Customer | undefined {
  const wanted = email.trim().toLowerCase();
  return CUSTOMERS.find((c) => c.email === wanted);
}
