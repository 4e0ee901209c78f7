import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Limits } from '../config.js';
import { useOperationCost } from './operation-cost.js';

/** The `extensions.code` of every rejection a limit makes. */
export type LimitErrorCode =
  | 'QUERY_TOO_DEEP'
  | 'TOO_MANY_ALIASES'
  | 'TOO_MANY_DIRECTIVES'
  | 'TOO_MANY_TOKENS'
  | 'QUERY_TOO_COSTLY'
  | 'PAGE_TOO_LARGE'
  | 'INTROSPECTION_DISABLED'
  | 'PAYLOAD_TOO_LARGE'
  | 'CSRF_HEADER_REQUIRED';

/** The header a non-browser client may send instead of `content-type: application/json`. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

/**
 * graphql-armor rejects through these callbacks: a validation rule reports a coded error (every
 * limit at once), the token counter (no validation context, it runs in the parser) throws one.
 */
function rejectWith(code: LimitErrorCode, env: string) {
  return {
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const message = `${error.message.replace(/^Syntax Error: /, '')} Raise ${env} on the server if this operation is legitimate.`;
        const coded = new GraphQLError(message, { extensions: { code } });
        if (context) context.reportError(coded);
        else throw coded;
      },
    ],
  };
}

/**
 * Introspection off: graphql-js' rule, added in onValidate so graphql-ws (which never passes
 * through Yoga's request hooks) is covered as well as HTTP.
 */
function useNoIntrospection(): Plugin {
  const rule = (context: ValidationContext) =>
    NoSchemaIntrospectionCustomRule(
      new Proxy(context, {
        get(target, prop, receiver) {
          if (prop !== 'reportError') return Reflect.get(target, prop, receiver);
          return (error: GraphQLError) =>
            target.reportError(
              new GraphQLError(`${error.message} Set INTROSPECTION=on to allow it.`, {
                nodes: error.nodes,
                extensions: { code: 'INTROSPECTION_DISABLED' },
              }),
            );
        },
      }),
    );
  return { onValidate: ({ addValidationRule }) => addValidationRule(rule) };
}

/**
 * The Yoga/envelop plugins that enforce `limits` before any resolver runs. Parse and validation
 * plugins apply to graphql-ws too, since create-server runs its operations through
 * `yoga.getEnveloped`; CSRF prevention is for HTTP requests only (a browser cannot send
 * graphql-ws messages cross-origin without the upgrade passing the Origin check).
 */
export function createLimitPlugins(limits: Limits): Plugin[] {
  const plugins: Plugin[] = [
    // Form and multipart POSTs (and GETs) must carry a header a page cannot set without preflight.
    useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }),
    maxTokensPlugin({ n: limits.maxTokens, ...rejectWith('TOO_MANY_TOKENS', 'MAX_TOKENS') }),
    maxDepthPlugin({
      n: limits.maxDepth,
      ignoreIntrospection: true,
      ...rejectWith('QUERY_TOO_DEEP', 'MAX_DEPTH'),
    }),
    maxAliasesPlugin({ n: limits.maxAliases, ...rejectWith('TOO_MANY_ALIASES', 'MAX_ALIASES') }),
    maxDirectivesPlugin({
      n: limits.maxDirectives,
      ...rejectWith('TOO_MANY_DIRECTIVES', 'MAX_DIRECTIVES'),
    }),
    blockFieldSuggestionsPlugin(),
    useOperationCost({ maxCost: limits.maxCost, maxPageSize: limits.maxPageSize }),
  ];
  if (!limits.introspection) plugins.push(useNoIntrospection());
  return plugins as Plugin[];
}
