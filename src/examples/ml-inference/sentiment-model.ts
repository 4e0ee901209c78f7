/**
 * A tiny logistic-regression sentiment model shipped as data: one weight per word (binary
 * bag-of-words features), a bias, and negation handled in preprocessing (`not_good` weighs
 * -NEGATION_FACTOR × weight(good)). Hand-set weights, good enough to demo confident and unsure
 * predictions without network or model files.
 */
export const SENTIMENT_MODEL = {
  id: 'sentiment-lr-v1',
  bias: 0,
  negationFactor: 0.8,
  weights: {
    // positive
    amazing: 2.4,
    awesome: 2.3,
    excellent: 2.6,
    great: 2.2,
    perfect: 2.2,
    love: 2.4,
    loved: 2.2,
    happy: 1.8,
    good: 1.6,
    recommend: 1.6,
    reliable: 1.5,
    helpful: 1.4,
    intuitive: 1.4,
    fast: 1.2,
    easy: 1.2,
    smooth: 1.2,
    nice: 1.2,
    thanks: 1.0,
    clean: 0.9,
    works: 0.8,
    fine: 0.4,
    // negative
    worst: -2.8,
    terrible: -2.6,
    awful: -2.6,
    hate: -2.4,
    useless: -2.3,
    broken: -2.2,
    crash: -2.0,
    crashes: -2.0,
    disappointed: -2.0,
    bad: -1.8,
    poor: -1.7,
    annoying: -1.6,
    fails: -1.6,
    confusing: -1.5,
    refund: -1.5,
    slow: -1.4,
    bug: -1.2,
    bugs: -1.2,
    error: -1.0,
    expensive: -0.9,
  } as Readonly<Record<string, number>>,
} as const;

export const NEGATORS: ReadonlySet<string> = new Set([
  'not',
  'no',
  'never',
  'nothing',
  'hardly',
  "don't",
  "doesn't",
  "didn't",
  "isn't",
  "wasn't",
  "aren't",
  "can't",
  "won't",
  'dont',
  'doesnt',
  'didnt',
  'isnt',
  'cant',
  'wont',
]);

/** How many words after a negator (within one clause) are negated. */
export const NEGATION_SCOPE = 3;

export interface Feature {
  token: string;
  weight: number;
}

export function featureWeight(token: string): number | undefined {
  const w = SENTIMENT_MODEL.weights;
  if (token.startsWith('not_')) {
    const base = w[token.slice(4)];
    // Rounded so weights read as the model's (no -1.2800000000000002 in the output).
    return base === undefined
      ? undefined
      : Math.round(-SENTIMENT_MODEL.negationFactor * base * 1e4) / 1e4;
  }
  return w[token];
}

/** P(positive) for a token list: sigmoid(bias + sum of the weights of distinct known tokens). */
export function predictPositive(tokens: readonly string[]): {
  probability: number;
  features: Feature[];
} {
  const features: Feature[] = [];
  for (const token of new Set(tokens)) {
    const weight = featureWeight(token);
    if (weight !== undefined) features.push({ token, weight });
  }
  const logit = features.reduce<number>((acc, f) => acc + f.weight, SENTIMENT_MODEL.bias);
  return { probability: 1 / (1 + Math.exp(-logit)), features };
}
