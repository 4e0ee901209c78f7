const ADVICE: Readonly<Record<string, (n: number) => string>> = {
  'parse-error': (n) => `Fix ${plural(n, 'syntax error')} first: the rest of the review may be off`,
  'debugger-statement': (n) => `Remove ${plural(n, 'debugger statement')}`,
  'console-call': (n) => `Remove ${plural(n, 'console call')} or route output through a logger`,
  'explicit-any': (n) => `Replace ${plural(n, 'explicit any')} with unknown or precise types`,
  'empty-catch': (n) => `Handle or rethrow in ${plural(n, 'empty catch block')}`,
  'loose-equality': (n) => `Use === / !== in ${plural(n, 'loose comparison')}`,
  'too-many-params': (n) => `Group parameters into an options object in ${plural(n, 'function')}`,
  'deep-nesting': (n) => `Flatten ${plural(n, 'deeply nested block')} with early returns`,
  'long-function': (n) => `Split ${plural(n, 'long function')} into smaller ones`,
  'missing-doc': (n) => `Document ${plural(n, 'exported declaration')} with JSDoc`,
  'todo-comment': (n) => `Resolve or file ${plural(n, 'TODO comment')}`,
  'long-line': (n) => `Wrap ${plural(n, 'long line')}`,
  'no-var': (n) => `Replace var with let or const in ${plural(n, 'declaration')}`,
};

/** A one-line fix for `n` issues of a rule. */
export function adviceFor(rule: string, n: number): string {
  return ADVICE[rule]?.(n) ?? `Address ${plural(n, `${rule} issue`)}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
