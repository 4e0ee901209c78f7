import { GraphQLError } from 'graphql';
import type { LimitErrorCode } from './limits.js';

type MaskError = (error: unknown, message: string, isDev?: boolean) => Error;

/** Errors Yoga's own request checks raise, and the stable code each one is answered with. */
const YOGA_REJECTIONS: ReadonlyArray<{
  match: (e: GraphQLError) => boolean;
  code: LimitErrorCode;
}> = [
  { match: (e) => e.extensions.code === 'REQUEST_ENTITY_TOO_LARGE', code: 'PAYLOAD_TOO_LARGE' },
  { match: (e) => e.message.startsWith('Required CSRF header'), code: 'CSRF_HEADER_REQUIRED' },
];

/**
 * Wraps the project's maskError: Yoga's body-size and CSRF rejections get this API's codes (and
 * keep their HTTP status), and "Did you mean ...?" hints are dropped from every message, also the
 * ones graphql-js writes at execution (an enum variable), which graphql-armor does not see.
 */
export function codeLimitErrors(mask: MaskError): MaskError {
  return (error, message, isDev) => {
    const result = mask(error, message, isDev);
    if (!(result instanceof GraphQLError)) return result;
    let masked = result;
    const rejection = YOGA_REJECTIONS.find((r) => r.match(result));
    if (rejection) {
      masked = new GraphQLError(masked.message, {
        extensions: { ...masked.extensions, code: rejection.code },
      });
    }
    const hidden = masked.message.replace(/ ?Did you mean .+\?/g, '').trim();
    if (hidden === masked.message) return masked;
    return new GraphQLError(hidden, {
      nodes: masked.nodes,
      source: masked.source,
      positions: masked.positions,
      path: masked.path,
      extensions: masked.extensions,
    });
  };
}
