import type { GraphDef } from '../../engine/graph.js';

export const SAMPLE_CSV = `region,month,orders,revenue
north,2024-01,120,15400
north,2024-02,132,16100
north,2024-03,128,15900
south,2024-01,98,12100
south,2024-02,101,12500
south,2024-03,97,11900
east,2024-01,143,17800
east,2024-02,139,17300
east,2024-03,610,76200
west,2024-01,88,10400
west,2024-02,91,10900
west,2024-03,,
`;

/**
 * Fan-out / fan-in over CSV text in `state.csv`: parse, then stats, outliers and normalisation
 * in parallel, then one report once all three are done.
 *
 *           +-> stats -----+
 *   parse --+-> outliers --+-> report
 *           +-> normalize -+
 */
export const dataPipelineGraph: GraphDef = {
  name: 'data-pipeline',
  description:
    'Parses CSV from state.csv, computes column statistics, z-score outliers and normalised rows in parallel, then writes a report',
  entry: 'parse',
  nodes: [
    { id: 'parse', tool: 'parse_csv', config: { delimiter: ',' } },
    { id: 'stats', tool: 'column_stats', timeoutMs: 5_000 },
    {
      id: 'outliers',
      tool: 'detect_outliers',
      config: { threshold: 2.5 },
      retry: { maxAttempts: 2, initialDelayMs: 50 },
    },
    { id: 'normalize', tool: 'normalize_rows', config: { method: 'minmax' } },
    { id: 'report', tool: 'summarize_report' },
  ],
  edges: [
    { from: 'parse', to: 'stats' },
    { from: 'parse', to: 'outliers' },
    { from: 'parse', to: 'normalize' },
    { from: 'stats', to: 'report' },
    { from: 'outliers', to: 'report' },
    { from: 'normalize', to: 'report' },
  ],
  state: {
    csv: { reducer: 'replace', default: SAMPLE_CSV },
    stats: { reducer: 'replace' },
    outliers: { reducer: 'replace' },
    outlier_count: { reducer: 'replace' },
    normalized: { reducer: 'replace' },
  },
};
