import type { GraphDef } from '../../engine/index.js';
import type { Db } from '../../persistence/database.js';

/** A saved graph as the MCP endpoint offers it: its latest version's definition. */
export interface CatalogGraph {
  id: string;
  name: string;
  description: string | null;
  definition: GraphDef;
}

/** Port: the tenant's saved graphs, in a stable order (by name, then id). */
export interface GraphCatalog {
  list(tenantId: string): Promise<CatalogGraph[]>;
}

export function createPrismaGraphCatalog(prisma: Pick<Db, 'graph'>): GraphCatalog {
  return {
    async list(tenantId) {
      const rows = await prisma.graph.findMany({
        where: { tenantId, archivedAt: null },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        select: {
          id: true,
          name: true,
          description: true,
          versions: { orderBy: { version: 'desc' }, take: 1, select: { definition: true } },
        },
      });
      return rows.flatMap((row) => {
        const definition = row.versions[0]?.definition;
        if (!definition || typeof definition !== 'object') return [];
        return [
          {
            id: row.id,
            name: row.name,
            description: row.description,
            definition: definition as unknown as GraphDef,
          },
        ];
      });
    },
  };
}
