import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import {
  type CleanCounts,
  cleanChunk,
  createCleaner,
  DEFAULT_NULLS,
  emptyCleanCounts,
} from './clean.js';
import { readDataset, runStage } from './dataset.js';
import { dateParser } from './dates.js';
import type { RawRecord } from './types.js';

export const cleanConfig = z.strictObject({
  locale: z
    .string()
    .refine(knownLocale, 'a locale the platform knows (BCP 47: en-US, de-DE, fr-FR...)')
    .default('en-US')
    .describe('How numbers are written: en-US "1,234.56", de-DE "1.234,56"'),
  nulls: z
    .array(z.string())
    .default(DEFAULT_NULLS)
    .describe('Cell texts read as no value (after trimming)'),
  dateFormats: z
    .array(z.string().refine(validFormat, 'a format with one YYYY, one MM or M and one DD or D'))
    .min(1)
    .default(['YYYY-MM-DD'])
    .describe('Accepted date formats, tried in order (YYYY, MM, M, DD, D and literals)'),
  chunkSize: z.number().int().min(1).max(100_000).default(5_000),
});

/**
 * Clean: trims, turns null words into null, reads numbers in the declared locale and dates in
 * the declared formats (out as ISO), by the column types load_rows declared. A cell that does not
 * fit sets its row aside (`invalid_number`, `invalid_date`...).
 * Patch: `{ dataset: { last }, clean: { rows, quarantined, changed } }`.
 */
export const cleanRowsTool = defineTool({
  name: 'clean_rows',
  description:
    'Trims cells, reads nulls, locale numbers (1,234.56 or 1.234,56) and dated formats into typed values; rows that do not fit are quarantined',
  config: cleanConfig,
  async run({ state, config, signal }) {
    const dataset = readDataset(state, 'clean_rows', ['load']);
    const cleaner = createCleaner({ ...config, columns: dataset.columns });
    const changed: CleanCounts = emptyCleanCounts();
    const counts = await runStage<RawRecord, unknown>(
      dataset,
      'clean',
      config.chunkSize,
      signal,
      (chunk) => cleanChunk(chunk, cleaner, changed),
    );
    return { dataset: { last: 'clean' }, clean: { ...counts, changed } };
  },
});

function knownLocale(locale: string): boolean {
  try {
    return Intl.NumberFormat.supportedLocalesOf(locale).length > 0;
  } catch {
    return false;
  }
}

function validFormat(format: string): boolean {
  try {
    dateParser([format]);
    return true;
  } catch {
    return false;
  }
}
