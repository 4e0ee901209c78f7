/** Prisma's unique-constraint violation (P2002): a name, key or id already taken. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'P2002';
}
