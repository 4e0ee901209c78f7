import type { GraphDef } from '../../engine/graph.js';

/**
 * Load -> Clean -> Transform -> Validate -> Store -> Report over the orders in
 * examples/data-pipeline/orders.csv (by default; give `file`, `csv` or `jsonl` in the input).
 * Rows go from stage to stage through the run's work folder in chunks, never through the state:
 * the state holds each stage's counts.
 */
export const dataPipelineGraph: GraphDef = {
  name: 'data-pipeline',
  description:
    'Loads a CSV or JSON-lines file in chunks, cleans it (nulls, locale numbers, dates), derives columns, validates each row (JSON Schema), upserts it into a table of the server database and reports counts and robust outliers',
  entry: 'load',
  nodes: [
    {
      id: 'load',
      tool: 'load_rows',
      config: {
        columns: {
          order_id: 'string',
          customer: 'string',
          country: 'string',
          order_date: 'date',
          quantity: 'integer',
          unit_price: 'number',
          total: 'number',
          status: 'string',
        },
      },
    },
    {
      id: 'clean',
      tool: 'clean_rows',
      config: { locale: 'en-US', dateFormats: ['YYYY-MM-DD', 'MM/DD/YYYY'] },
    },
    {
      id: 'transform',
      tool: 'transform_rows',
      config: { derive: [{ name: 'avg_price', op: 'ratio', of: ['total', 'quantity'], round: 2 }] },
    },
    {
      id: 'validate',
      tool: 'validate_rows',
      config: {
        schema: {
          type: 'object',
          required: ['order_id', 'order_date', 'quantity', 'total'],
          properties: {
            order_id: { type: 'string', pattern: '^ORD-[0-9]+$' },
            order_date: { type: 'string' },
            quantity: { type: 'integer', minimum: 1 },
            unit_price: { type: ['number', 'null'], minimum: 0 },
            total: { type: 'number', minimum: 0 },
            status: { enum: ['shipped', 'delivered', 'pending', 'returned', null] },
          },
        },
      },
    },
    {
      id: 'store',
      tool: 'store_rows',
      config: { table: 'pipeline_orders', key: ['order_id'] },
      retry: { maxAttempts: 3, initialDelayMs: 200 },
    },
    { id: 'report', tool: 'pipeline_report', config: { label: 'order_id' } },
  ],
  edges: [
    { from: 'load', to: 'clean' },
    { from: 'clean', to: 'transform' },
    { from: 'transform', to: 'validate' },
    { from: 'validate', to: 'store' },
    { from: 'store', to: 'report' },
  ],
  state: {
    file: { reducer: 'replace', default: 'orders.csv' },
    dataset: { reducer: 'merge' },
  },
};
