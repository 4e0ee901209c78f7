/**
 * Numbers written for a locale ("1,234.56" in en-US, "1.234,56" in de-DE, "1 234,56" in fr-FR).
 * The separators come from the platform's CLDR data (`Intl.NumberFormat`), never a table of ours.
 */
export interface NumberFormat {
  readonly locale: string;
  readonly group: string;
  readonly decimal: string;
  /** Parses one cell; undefined when it is not a number written in this locale. */
  parse(text: string): number | undefined;
}

const PLAIN = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
// Space-like group separators (fr-FR writes U+202F): any of them, or a plain space, is accepted.
const SPACES = new Set([' ', '\u00a0', '\u202f', '\u2009']);

function escapeRegex(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Throws a RangeError for a locale the platform does not know. */
export function numberFormat(locale: string): NumberFormat {
  const [canonical] = Intl.getCanonicalLocales(locale);
  const parts = new Intl.NumberFormat(canonical).formatToParts(1234567.5);
  const group = parts.find((p) => p.type === 'group')?.value ?? ',';
  const decimal = parts.find((p) => p.type === 'decimal')?.value ?? '.';
  const groupChars = SPACES.has(group) ? [...SPACES].map(escapeRegex).join('') : escapeRegex(group);
  const g = `[${groupChars}]`;
  // Thousands (1,234,567) or the Indian lakh grouping (12,34,567): nothing looser, so "1,2,3" is
  // no number rather than 123.
  const grouped = new RegExp(`^[+-]?(\\d{1,3}(${g}\\d{3})+|\\d{1,2}(${g}\\d{2})*${g}\\d{3})$`);
  const groupAll = new RegExp(g, 'g');
  return {
    locale: canonical ?? locale,
    group,
    decimal,
    parse(text) {
      const at = text.lastIndexOf(decimal);
      const whole = at === -1 ? text : text.slice(0, at);
      const fraction = at === -1 ? '' : text.slice(at + decimal.length);
      if (fraction !== '' && !/^\d+([eE][+-]?\d+)?$/.test(fraction)) return undefined;
      let digits = whole;
      if (grouped.test(whole)) digits = whole.replace(groupAll, '');
      const plain = fraction === '' ? digits : `${digits}.${fraction}`;
      if (!PLAIN.test(plain)) return undefined;
      const value = Number(plain);
      return Number.isFinite(value) ? value : undefined;
    },
  };
}
