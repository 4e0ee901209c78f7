/**
 * Dates in declared formats ("DD/MM/YYYY", "YYYY-MM-DD", "D.M.YYYY"...), out as ISO 8601
 * (`YYYY-MM-DD`). Tokens: YYYY, MM, M, DD, D; anything else is a literal. A format is turned into
 * a pattern of fixed pieces (the format text is escaped, never used as a regular expression).
 */
export type DateParser = (text: string) => string | undefined;

const TOKENS = ['YYYY', 'MM', 'DD', 'M', 'D'] as const;
type Token = (typeof TOKENS)[number];
const PATTERN: Record<Token, string> = {
  YYYY: '(\\d{4})',
  MM: '(\\d{2})',
  DD: '(\\d{2})',
  M: '(\\d{1,2})',
  D: '(\\d{1,2})',
};

/** Throws on a format without a year, a month and a day. */
export function dateParser(formats: readonly string[]): DateParser {
  const compiled = formats.map(compileFormat);
  return (text) => {
    for (const { regex, order } of compiled) {
      const m = regex.exec(text);
      if (!m) continue;
      const parts: Partial<Record<'Y' | 'M' | 'D', number>> = {};
      order.forEach((t, i) => {
        parts[t[0] as 'Y' | 'M' | 'D'] = Number(m[i + 1]);
      });
      const iso = isoDate(parts.Y!, parts.M!, parts.D!);
      if (iso !== undefined) return iso;
    }
    return undefined;
  };
}

function compileFormat(format: string): { regex: RegExp; order: Token[] } {
  let source = '';
  const order: Token[] = [];
  let i = 0;
  while (i < format.length) {
    const token = TOKENS.find((t) => format.startsWith(t, i));
    if (token) {
      source += PATTERN[token];
      order.push(token);
      i += token.length;
    } else {
      source += format[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i += 1;
    }
  }
  const has = (c: string) => order.filter((t) => t[0] === c).length === 1;
  if (!has('Y') || !has('M') || !has('D')) {
    throw new Error(`date format "${format}" needs exactly one YYYY, one MM (or M), one DD (or D)`);
  }
  return { regex: new RegExp(`^${source}$`), order };
}

/** `YYYY-MM-DD`, or undefined for a day that does not exist (2024-02-30). */
export function isoDate(year: number, month: number, day: number): string | undefined {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) {
    return undefined;
  }
  return d.toISOString().slice(0, 10);
}
