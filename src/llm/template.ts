/**
 * Prompt templates: text with `{{state.some.key}}` and `{{input.name}}` placeholders, filled by
 * path lookup (own properties only; no expressions, no eval). Checked when the graph is saved.
 *
 * - A string value is inserted as is; numbers and booleans as text; objects and arrays as JSON.
 * - A missing value (or null) is inserted as the empty string and reported in `missing`.
 * - Segments are separated by dots; a segment of digits indexes an array (`state.items.0.title`).
 */
import { RESERVED_STATE_KEYS } from '../engine/index.js';

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const PATH = /^(state|input)((?:\.[^.\s{}]+)+)$/;

export interface TemplateScope {
  state: Readonly<Record<string, unknown>>;
  input: Readonly<Record<string, unknown>>;
}

export interface Rendered {
  text: string;
  /** Placeholders whose value was missing (inserted as ''), e.g. `state.feedback`. */
  missing: string[];
}

/** Every problem of a template's placeholders (empty: the template is fine). */
export function templateProblems(template: string): string[] {
  const problems: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const inner = match[1] ?? '';
    const path = PATH.exec(inner);
    if (!path) {
      problems.push(
        `placeholder {{${inner}}} must be a path under state or input, like {{state.topic}} or {{input.text}}`,
      );
      continue;
    }
    const reserved = (path[2] ?? '')
      .slice(1)
      .split('.')
      .find((s) => RESERVED_STATE_KEYS.has(s));
    if (reserved !== undefined)
      problems.push(`placeholder {{${inner}}} uses the reserved key "${reserved}"`);
  }
  return problems;
}

function lookup(root: unknown, segments: readonly string[]): unknown {
  let value = root;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    if (!Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value) ?? '';
}

/** Fills the placeholders of a template checked by `templateProblems`. */
export function renderTemplate(template: string, scope: TemplateScope): Rendered {
  const missing: string[] = [];
  const text = template.replace(PLACEHOLDER, (whole, inner: string) => {
    const path = PATH.exec(inner);
    if (!path) return whole;
    const root = path[1] === 'state' ? scope.state : scope.input;
    const value = lookup(root, (path[2] ?? '').slice(1).split('.'));
    if (value === undefined || value === null) {
      missing.push(inner);
      return '';
    }
    return asText(value);
  });
  return { text, missing };
}
