/**
 * Where each value of a JSON text starts (its line), keyed by the path the engine's validation
 * reports (`nodes[2].tool`, `state["my key"]`, see src/engine/graph/paths.ts). A small parser
 * over the text: JSON.parse says whether it is valid, this only says where things are.
 */
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const child = (base: string, key: string | number): string => {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (IDENTIFIER.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
};

export function locatePaths(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) {
      if (text[i] === '\n') line++;
      i++;
    }
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return '';
    }
  };
  const value = (path: string, depth: number): void => {
    ws();
    lines.set(path === '' ? '(root)' : path, line);
    if (depth > 64) throw new Error('too deep');
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        const key = str();
        ws();
        i++; // :
        value(child(path, key), depth + 1);
        ws();
        if (text[i] === ',') i++;
        else return void i++;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (let n = 0; ; n++) {
        value(child(path, n), depth + 1);
        ws();
        if (text[i] === ',') i++;
        else return void i++;
      }
    }
    if (c === '"') return void str();
    while (i < text.length && !/[\s,}\]]/.test(text[i]!)) i++;
  };
  try {
    value('', 0);
  } catch {
    // a partial map is still useful
  }
  return lines;
}

/** The line of `path`, or of its nearest located parent (a missing key points at its object). */
export function lineOf(lines: Map<string, number>, path: string): number {
  let p = path;
  for (;;) {
    const hit = lines.get(p);
    if (hit !== undefined) return hit;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) return lines.get('(root)') ?? 1;
    p = p.slice(0, cut);
  }
}
