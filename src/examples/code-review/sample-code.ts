/** The file name the sample is reviewed under. */
export const SAMPLE_FILENAME = 'orders.ts';

/**
 * What the code-review example reviews when the run input brings nothing: a small module with
 * slips ESLint's recommended rules catch (var, a let never reassigned, a redundant `!!`, `any`)
 * and a deliberate `console.error` warning that a fix must keep.
 */
export const SAMPLE_CODE = `import { readFile } from 'node:fs/promises';

export interface Order {
  id: string;
  status: string;
  items: Array<{ sku: string; qty: number; price: number }>;
}

/** Loads orders from a JSON file. */
export async function loadOrders(path: string): Promise<Order[]> {
  var text = await readFile(path, 'utf8');
  return JSON.parse(text) as Order[];
}

/** Sum of the order lines. */
export const orderTotal = (order: Order): number => {
  let total = 0;
  for (const item of order.items) {
    if (!!item.qty) total += item.qty * item.price;
  }
  return total;
};

/** Discount rate of an order. */
export function discountFor(order: Order, coupon?: string): number {
  let cancelled = order.status === 'cancelled';
  if (cancelled) return 0;
  let discount = 0;
  if (coupon !== undefined && coupon.startsWith('VIP')) discount += 0.1;
  if (orderTotal(order) > 100 || order.items.length > 5) discount += 0.05;
  if (discount > 0.12) console.error('discount above policy for order', order.id);
  return discount;
}

/** Reads an order exported by the legacy system. */
export function fromLegacy(raw: any): Order {
  return { id: String(raw.ID), status: raw.STATUS ?? 'new', items: raw.LINES ?? [] };
}
`;
