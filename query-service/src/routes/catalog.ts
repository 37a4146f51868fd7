import { HttpProblem } from '@orderflow/platform';
import { CatalogItem, SkuParams, Sku } from '@orderflow/schemas';
import { z } from 'zod';
import { ConsistentWithParam } from '../consistency.js';
import { CatalogPage } from '../dto.js';
import { problems, whenConsistent, type RouteDeps } from './support.js';

/**
 * The catalog is public: a storefront lists SKUs, prices and availability before anyone signs in, and nothing in
 * it is personal. (A bearer token, when sent, is not needed and not checked.)
 */
export function catalogRoutes(deps: RouteDeps): void {
  const { app, readModels, processors } = deps;

  app.get(
    '/v1/catalog',
    {
      schema: {
        tags: ['catalog'],
        summary: 'SKUs with price, limits and stock, in SKU order (public)',
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          after: Sku.optional().describe('The `nextAfter` of the previous page.'),
          consistentWith: ConsistentWithParam,
        }),
        response: { 200: CatalogPage, ...problems },
      },
    },
    async (request, reply) => {
      const { limit, after, consistentWith } = request.query;
      await whenConsistent(deps, reply, processors.catalog, consistentWith);
      const fetched = await readModels.listCatalog(after, limit + 1);
      const items = fetched.slice(0, limit);
      return { items, nextAfter: fetched.length > limit ? (items.at(-1)?.sku ?? null) : null };
    },
  );

  app.get(
    '/v1/catalog/:sku',
    {
      schema: {
        tags: ['catalog'],
        summary: 'One SKU with price, limits and stock (public)',
        params: SkuParams,
        querystring: z.strictObject({ consistentWith: ConsistentWithParam }),
        response: { 200: CatalogItem, ...problems },
      },
    },
    async (request, reply) => {
      await whenConsistent(deps, reply, processors.catalog, request.query.consistentWith);
      const item = await readModels.getCatalogItem(request.params.sku);
      if (item === undefined)
        throw new HttpProblem(404, 'sku_not_found', 'Not found', `No SKU ${request.params.sku}`, { sku: request.params.sku });
      return item;
    },
  );
}
