import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import { searchArticles } from './knowledge-base.js';

/** Searches the help-centre articles by word overlap: what the triage agent reads before it writes. */
export const searchDocsTool = defineTool({
  name: 'search_docs',
  description: 'Searches the help-centre articles; returns the best matches with their text',
  input: z.object({ query: z.string().min(1).describe('Words to look for') }),
  run: ({ input }) => ({
    results: searchArticles(String(input.query)).map(({ id, title, text }) => ({
      id,
      title,
      text,
    })),
  }),
});
