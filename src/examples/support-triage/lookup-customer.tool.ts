import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import { findCustomer } from './customers.js';

/** Looks a customer up by email: their plan, how long they have been a customer, open tickets. */
export const lookupCustomerTool = defineTool({
  name: 'lookup_customer',
  description: 'Looks a customer up by email (plan, customer since, open tickets)',
  input: z.object({ email: z.string().min(3).describe("The customer's email address") }),
  run: ({ input }) => {
    const customer = findCustomer(String(input.email));
    return customer ? { found: true, ...customer } : { found: false, email: input.email };
  },
});
