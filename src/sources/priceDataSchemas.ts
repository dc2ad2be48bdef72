import { z } from 'zod';

// The published price data file and its cached copy (see priceDataRefresh.ts, which loads this module lazily).
const matchSchema: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.object({ equals: z.string() }),
    z.object({ starts_with: z.string() }),
    z.object({ ends_with: z.string() }),
    z.object({ contains: z.string() }),
    z.object({ regex: z.string().max(500) }),
    z.object({ or: z.array(matchSchema) }),
    z.object({ and: z.array(matchSchema) }),
  ]),
);
const priceValueSchema = z.union([z.number().nonnegative(), z.object({ base: z.number().nonnegative(), tiers: z.array(z.object({ start: z.number().int().nonnegative(), price: z.number().nonnegative() })) })]);
const modelPriceSchema = z.record(z.string(), priceValueSchema);
const modelSchema = z.object({
  id: z.string().min(1),
  match: matchSchema,
  prices: z.union([modelPriceSchema, z.array(z.object({ constraint: z.object({ type: z.string() }).passthrough().optional(), prices: modelPriceSchema }).passthrough()).min(1)]),
}).passthrough();
/** The published data file: an array of providers, each with its models, match rules and prices. */
export const priceDataFileSchema = z.array(z.object({ id: z.string().min(1), name: z.string(), api_pattern: z.string(), models: z.array(modelSchema) }).passthrough()).min(1);

export const cacheFileSchema = z.object({ fetchedAtMs: z.number(), dataDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), providers: priceDataFileSchema });

