import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signDelivery, verifySignature } from '../../src/triggers/signature.js';

describe('webhook signatures', () => {
  const secret = 'whsec_test';

  it('is HMAC-SHA256 of "<timestamp>.<delivery id>.<body>", hex, prefixed sha256=', () => {
    const expected = createHmac('sha256', secret).update('1700000000.d1.{"a":1}').digest('hex');
    expect(signDelivery(secret, '1700000000', 'd1', '{"a":1}')).toBe(`sha256=${expected}`);
  });

  it('verifies the signature and refuses any change to what was signed', () => {
    const sig = signDelivery(secret, '1700000000', 'd1', '{"a":1}');
    expect(verifySignature(secret, '1700000000', 'd1', '{"a":1}', sig)).toBe(true);
    expect(verifySignature(secret, '1700000001', 'd1', '{"a":1}', sig)).toBe(false);
    expect(verifySignature(secret, '1700000000', 'd2', '{"a":1}', sig)).toBe(false);
    expect(verifySignature(secret, '1700000000', 'd1', '{"a":2}', sig)).toBe(false);
    expect(verifySignature('whsec_other', '1700000000', 'd1', '{"a":1}', sig)).toBe(false);
    expect(verifySignature(secret, '1700000000', 'd1', '{"a":1}', 'sha256=short')).toBe(false);
  });
});
