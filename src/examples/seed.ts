import type { Config } from '../config.js';
import type { GraphDef } from '../engine/graph.js';
import { LLM_ENV_HINT } from '../llm/llm-config.js';
import type { Logger } from '../logger.js';
import type { GraphService } from '../runs/graph-service.js';
import { exampleGraphs, modelExampleGraphs, modelExampleVariants } from './index.js';

/** Whether llm and agent nodes have a model to call (a default provider with a model). */
export function modelConfigured(config: Config): boolean {
  const name = config.llm.defaultProvider;
  return name !== undefined && config.llm.providers[name]?.model !== undefined;
}

/**
 * Creates the example graphs missing in the default tenant (and updates a stored one that no
 * longer validates, e.g. after an upgrade renamed its tools): `only` when given, else every
 * example, those that call a model only when one is configured (and says so when not).
 */
export async function seedExamples(
  graphs: GraphService,
  only: readonly GraphDef[] | undefined,
  config: Config,
  logger: Logger,
): Promise<void> {
  let list = only ?? exampleGraphs;
  if (!only) {
    if (modelConfigured(config))
      list = [
        ...exampleGraphs.map((g) => modelExampleVariants[g.name] ?? g),
        ...modelExampleGraphs,
      ];
    else
      logger.info(
        `example graphs that need a model (${modelExampleGraphs.map((g) => g.name).join(', ')}) were not created: ${LLM_ENV_HINT}`,
      );
  }
  const created = await graphs.ensureExamples(list);
  if (created.length > 0) logger.info('created or updated example graphs', { graphs: created });
}
