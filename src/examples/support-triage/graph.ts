import type { GraphDef } from '../../engine/graph.js';

/**
 * Triage of one support ticket with a model: look the customer up, let an agent (with the
 * help-centre search and the customer table as tools) draft a reply, have the model rate its
 * confidence, ask a person to approve or edit the reply when the confidence is low, record it.
 *
 *   customer -> draft (agent) -> assess (llm) -+-(confidence >= 0.8)------------> record
 *                                              +-(confidence < 0.8)--> approve --+
 *
 * Needs a model: LLM_BASE_URL and LLM_MODEL (any OpenAI-compatible server). Without one the
 * server does not create this graph and says so at start.
 */
export const supportTriageGraph: GraphDef = {
  name: 'support-triage',
  description:
    'Drafts a reply to state.ticket with an agent that searches the help centre, asks a person to approve it when the model is unsure, and records the outcome',
  entry: 'customer',
  nodes: [
    {
      id: 'customer',
      tool: 'lookup_customer',
      inputs: { email: 'state.ticket.email' },
      output: 'customer',
    },
    {
      id: 'draft',
      tool: 'agent',
      retry: { maxAttempts: 3, initialDelayMs: 500 },
      config: {
        output: 'draft',
        maxTurns: 6,
        system:
          'You are a support agent. Search the help centre before you answer, cite what you found, be brief and kind. Reply with the email text only.',
        prompt:
          'Customer: {{state.customer}}\nSubject: {{state.ticket.subject}}\n\n{{state.ticket.body}}',
        tools: ['search_docs', 'lookup_customer'],
      },
    },
    {
      id: 'assess',
      tool: 'llm',
      retry: { maxAttempts: 3, initialDelayMs: 500 },
      config: {
        output: 'assessment',
        system: 'You review support replies. Answer with JSON only.',
        prompt:
          'Ticket: {{state.ticket.subject}}\n{{state.ticket.body}}\n\nDraft reply:\n{{state.draft}}\n\nHow confident are you (0 to 1) that this reply fully answers the ticket, and what category is the ticket (billing, account, data, outage, other)?',
        schema: {
          type: 'object',
          properties: {
            confidence: { type: 'number', minimum: 0, maximum: 1 },
            category: { type: 'string' },
          },
          required: ['confidence', 'category'],
        },
      },
    },
    {
      id: 'approve',
      tool: 'human_input',
      config: {
        output: 'review',
        prompt:
          'The model is unsure ({{state.assessment.confidence}}). Send this reply to {{state.ticket.email}}? Edit it in "reply" if needed.\n\n{{state.draft}}',
        schema: {
          type: 'object',
          properties: { approved: { type: 'boolean' }, reply: { type: 'string' } },
          required: ['approved'],
        },
      },
    },
    {
      id: 'record',
      tool: 'record_triage_outcome',
      inputs: {
        ticketId: 'state.ticket.id',
        reply: 'has(state.review) && has(state.review.reply) ? state.review.reply : state.draft',
        sent: 'has(state.review) ? state.review.approved : true',
        reviewedByHuman: 'has(state.review)',
        confidence: 'state.assessment.confidence',
        category: 'state.assessment.category',
      },
      output: { outcome: 'outcome' },
    },
  ],
  edges: [
    { from: 'customer', to: 'draft' },
    { from: 'draft', to: 'assess' },
    { from: 'assess', to: 'record', when: 'state.assessment.confidence >= 0.8' },
    { from: 'assess', to: 'approve', when: 'state.assessment.confidence < 0.8' },
    { from: 'approve', to: 'record' },
  ],
  state: {
    ticket: {
      reducer: 'replace',
      default: {
        id: 'T-1001',
        email: 'alan@example.com',
        subject: 'Charged twice this month',
        body: 'Hi, my card was charged twice for the Pro plan this month. Can you refund one of them?',
      },
    },
  },
};
