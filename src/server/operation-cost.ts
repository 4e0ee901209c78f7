import {
  type DocumentNode,
  type ExecutionArgs,
  GraphQLError,
  type GraphQLField,
  getNamedType,
  isCompositeType,
  isObjectType,
  Kind,
  type TypeNode,
} from 'graphql';
import { type ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import type { Plugin } from 'graphql-yoga';

/** The builder's defaultConnectionSize (src/schema/builder.ts): what a page without first/last costs. */
const DEFAULT_PAGE_SIZE = 50;

export interface OperationCostOptions {
  maxCost: number;
  maxPageSize: number;
}

/** A Relay connection field: it takes `first` and returns a type with `edges`. */
function isConnection(field: GraphQLField<unknown, unknown>): boolean {
  const type = getNamedType(field.type);
  return (
    field.args.some((a) => a.name === 'first') && isObjectType(type) && 'edges' in type.getFields()
  );
}

function pageSize(args: Record<string, unknown>): number | undefined {
  const first = args.first ?? args.last;
  return typeof first === 'number' ? first : undefined;
}

/**
 * Checks an operation with its variables before anything executes: every `first`/`last` at most
 * `maxPageSize` (PAGE_TOO_LARGE, each one reported), and the estimated cost at most `maxCost`
 * (QUERY_TOO_COSTLY). The cost multiplies a connection's selection by its page size, so nested
 * pages and aliases add up to what the database would be asked for. Runs at execute/subscribe
 * (validation rules do not see variables, and Yoga caches validation per document).
 */
export function checkOperation(
  args: Pick<ExecutionArgs, 'schema' | 'document' | 'variableValues' | 'operationName'>,
  options: OperationCostOptions,
): GraphQLError[] {
  const tooLarge: GraphQLError[] = [];
  const estimator: ComplexityEstimator = ({
    type,
    field,
    node,
    args: fieldArgs,
    childComplexity,
  }) => {
    const own = isCompositeType(getNamedType(field.type)) ? 1 : 0;
    if (!isConnection(field)) return own + childComplexity;
    const requested = pageSize(fieldArgs);
    if (requested !== undefined && requested > options.maxPageSize) {
      tooLarge.push(
        new GraphQLError(
          `${type.name}.${field.name} asks for ${requested} items; a page holds at most ${options.maxPageSize}. Page with first/after (or last/before).`,
          {
            nodes: [node],
            extensions: {
              code: 'PAGE_TOO_LARGE',
              field: `${type.name}.${field.name}`,
              requested,
              max: options.maxPageSize,
            },
          },
        ),
      );
    }
    return own + Math.max(0, requested ?? DEFAULT_PAGE_SIZE) * childComplexity;
  };
  let cost: number;
  try {
    cost = getComplexity({
      schema: args.schema,
      query: args.document,
      variables: (args.variableValues ?? {}) as Record<string, unknown>,
      ...(args.operationName ? { operationName: args.operationName } : {}),
      estimators: [estimator],
    });
  } catch (err) {
    // Too many nodes to even estimate (fragments spread into each other): too costly. Anything
    // else (a bad variable) is left for execution to report in its usual words.
    if (err instanceof GraphQLError && /maximum.*nodes/i.test(err.message)) {
      return [tooCostly(err.message)];
    }
    return tooLarge;
  }
  if (tooLarge.length > 0) return tooLarge;
  if (cost > options.maxCost) {
    return [
      tooCostly(
        `The operation's estimated cost ${cost} exceeds the limit of ${options.maxCost}: ask for smaller pages (first/last), fewer nested connections or fewer aliases.`,
        cost,
        options.maxCost,
      ),
    ];
  }
  return [];
}

function tooCostly(message: string, cost?: number, maxCost?: number): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'QUERY_TOO_COSTLY', ...(cost === undefined ? {} : { cost, maxCost }) },
  });
}

const namedType = (t: TypeNode): string =>
  t.kind === Kind.NAMED_TYPE ? t.name.value : namedType(t.type);

/**
 * Whether the operation's cost can depend on its variables: only a page size (`Int`) or an
 * `@include`/`@skip` condition (`Boolean`) can change it. Without such a variable the answer is
 * the same for every request of the document.
 */
function costTakesVariables(document: DocumentNode): boolean {
  return document.definitions.some(
    (d) =>
      d.kind === Kind.OPERATION_DEFINITION &&
      d.variableDefinitions?.some((v) => ['Int', 'Boolean'].includes(namedType(v.type))),
  );
}

/**
 * An envelop plugin that runs checkOperation before execute and subscribe (HTTP, SSE,
 * graphql-ws). Yoga hands the same parsed document to every request of one query text, so the
 * verdict on a document whose cost takes no variables is kept with it (startRun's mutation was
 * re-estimated on every request: ~5 % of the server's CPU).
 */
export function useOperationCost(options: OperationCostOptions): Plugin {
  const verdicts = new WeakMap<DocumentNode, Map<string, GraphQLError[]>>();
  const check = (args: Parameters<typeof checkOperation>[0]): GraphQLError[] => {
    if (costTakesVariables(args.document)) return checkOperation(args, options);
    let byName = verdicts.get(args.document);
    if (!byName) {
      byName = new Map();
      verdicts.set(args.document, byName);
    }
    const name = args.operationName ?? '';
    const known = byName.get(name);
    if (known) return known;
    const errors = checkOperation(args, options);
    byName.set(name, errors);
    return errors;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const errors = check(args);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const errors = check(args);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
  };
}
