import { createHmac, timingSafeEqual } from 'node:crypto';

/** Unix time in seconds when the sender signed the delivery. */
export const TIMESTAMP_HEADER = 'x-aef-timestamp';
/** A unique id per delivery (a retry of the same delivery keeps it): replays are refused. */
export const DELIVERY_HEADER = 'x-aef-delivery';
/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<delivery id>.<raw body>")>`. */
export const SIGNATURE_HEADER = 'x-aef-signature';

/**
 * The signature header value for a delivery. The delivery id is signed with the timestamp and
 * body, so a captured request cannot be replayed under a new delivery id.
 */
export function signDelivery(
  secret: string,
  timestamp: string,
  deliveryId: string,
  body: string,
): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${deliveryId}.${body}`);
  return `sha256=${mac.digest('hex')}`;
}

/** Compares in constant time (for equal lengths; a length mismatch reveals only the length). */
export function verifySignature(
  secret: string,
  timestamp: string,
  deliveryId: string,
  body: string,
  signature: string,
): boolean {
  const expected = Buffer.from(signDelivery(secret, timestamp, deliveryId, body));
  const given = Buffer.from(signature.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
