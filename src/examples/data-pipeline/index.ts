import type { Tool } from '../../engine/tool.js';
import { columnStatsTool } from './column-stats.tool.js';
import { detectOutliersTool } from './detect-outliers.tool.js';
import { normalizeRowsTool } from './normalize-rows.tool.js';
import { parseCsvTool } from './parse-csv.tool.js';
import { summarizeReportTool } from './summarize-report.tool.js';

export { type ColumnStats, columnStatsTool } from './column-stats.tool.js';
export { detectOutliersTool, type Outlier } from './detect-outliers.tool.js';
export { dataPipelineGraph, SAMPLE_CSV } from './graph.js';
export { normalizeRowsTool } from './normalize-rows.tool.js';
export { parseCsvTool } from './parse-csv.tool.js';
export { type DataReport, summarizeReportTool } from './summarize-report.tool.js';

/** The tools `dataPipelineGraph` runs. */
export const dataPipelineTools: readonly Tool<unknown>[] = Object.freeze([
  parseCsvTool,
  columnStatsTool,
  detectOutliersTool,
  normalizeRowsTool,
  summarizeReportTool,
]);
