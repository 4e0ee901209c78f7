/**
 * The credential the dashboard sends, kept in this browser's localStorage: an API key
 * (`aef_...`) or a JWT, sent as `Authorization: Bearer` over HTTP and in graphql-ws
 * `connection_init` as `{ authorization }`, the way the API reads it on every transport.
 */
const KEY = 'aef.credential';

export function loadCredential(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveCredential(value: string | null): void {
  if (value) localStorage.setItem(KEY, value.replace(/^Bearer\s+/i, '').trim());
  else localStorage.removeItem(KEY);
}

export const authorizationOf = (credential: string | null): string | undefined =>
  credential ? `Bearer ${credential}` : undefined;
