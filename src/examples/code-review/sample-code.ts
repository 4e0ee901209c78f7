/**
 * The code the code-review example reviews when the run input brings none: a small module with
 * the kind of slips a reviewer flags (debug output, a debugger, loose equality, a TODO...).
 */
export const SAMPLE_CODE = `import { readFile } from 'node:fs/promises';

export interface Order {
  id: string;
  status: string;
  items: Array<{ sku: string; qty: number; price: number }>;
}

/** Loads orders from a JSON file. */
export async function loadOrders(path: string): Promise<Order[]> {
  const text = await readFile(path, 'utf8');
  console.log('loaded orders from', path);
  return JSON.parse(text) as Order[];
}

/** Sum of the order lines. */
export const orderTotal = (order: Order): number => {
  let total = 0;
  for (const item of order.items) {
    if (item.qty != 0) total += item.qty * item.price;
  }
  return total;
};

// TODO: move the discount rules to configuration
export function discountFor(order: Order, coupon?: string): number {
  debugger;
  if (order.status == 'cancelled') return 0;
  let discount = 0;
  if (coupon != undefined && coupon.startsWith('VIP')) discount += 0.1;
  if (orderTotal(order) > 100 || order.items.length > 5) discount += 0.05;
  console.debug('discount', discount);
  return discount;
}

/** Reads an order exported by the legacy system. */
export function fromLegacy(raw: any): Order {
  return { id: String(raw.ID), status: raw.STATUS ?? 'new', items: raw.LINES ?? [] };
}
`;
