import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';

export interface TriageOutcome {
  ticketId: string;
  reply: string;
  sent: boolean;
  reviewedByHuman: boolean;
  confidence: number;
  category: string;
}

/** Outcomes by ticket (the example's stand-in for a helpdesk); the latest per ticket wins. */
export const triageOutcomes = new Map<string, TriageOutcome>();

/** Records what happened to the ticket: the reply sent (or not) and who decided. */
export const recordOutcomeTool = defineTool({
  name: 'record_triage_outcome',
  description:
    'Records the outcome of a support ticket: the reply, whether it was sent, who reviewed it',
  input: z.object({
    ticketId: z.string(),
    reply: z.string(),
    sent: z.boolean(),
    reviewedByHuman: z.boolean(),
    confidence: z.number(),
    category: z.string(),
  }),
  run: ({ input }) => {
    const outcome = input as unknown as TriageOutcome;
    triageOutcomes.set(outcome.ticketId, outcome);
    return { outcome };
  },
});
