import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import { requireString } from '../../tools/input.js';
import { NEGATION_SCOPE, NEGATORS } from './sentiment-model.js';

/**
 * Lowercases and tokenises text clause by clause; words within NEGATION_SCOPE after a negator
 * ("not", "never", "don't"...) in the same clause get a `not_` prefix.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const clause of text.toLowerCase().split(/[.,;:!?()\n]+/)) {
    let negate = 0;
    for (const match of clause.matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu)) {
      const word = match[0].replace('’', "'");
      if (NEGATORS.has(word)) {
        negate = NEGATION_SCOPE;
        tokens.push(word);
        continue;
      }
      tokens.push(negate > 0 ? `not_${word}` : word);
      if (negate > 0) negate -= 1;
    }
  }
  return tokens;
}

/** Tokenises `state.text`. Patch: `{ tokens: string[], token_count: number }`. */
export const preprocessTextTool = defineTool({
  name: 'preprocess_text',
  description: 'Lowercases and tokenises state.text (with negation marking) into state.tokens',
  config: z.strictObject({ maxLength: z.number().int().positive().max(1_000_000).default(10_000) }),
  run({ state, config }) {
    const text = requireString(state, 'text', 'preprocess_text');
    const tokens = tokenize(text.slice(0, config.maxLength));
    return { tokens, token_count: tokens.length };
  },
});
