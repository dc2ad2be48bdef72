import { z } from 'zod';
import type { PriceAdjustments } from './priceData';

/** The shape of src/core/data/priceAdjustments.json, checked by a unit test and by anything that loads such data at run time. */
export const speedEntrySchema = z.object({
  priceId: z.string().min(1),
  speed: z.string().min(1),
  multiplier: z.number().positive(),
  longContext: z.object({ thresholdTokens: z.number().int().positive(), inputMultiplier: z.number().positive(), outputMultiplier: z.number().positive() }).optional(),
  source: z.string(),
});
export const aliasEntrySchema = z.object({
  model: z.string().min(1),
  /** `YYYY-MM-DD`: the alias applies to requests from this UTC day on. */
  since: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  priceAs: z.string().min(1),
  source: z.string(),
});
export const priceAdjustmentsSchema = z.object({
  dataDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  speeds: z.array(speedEntrySchema),
  aliases: z.array(aliasEntrySchema),
  routingTiers: z.object({ small: z.string().min(1), medium: z.string().min(1), large: z.string().min(1) }),
  copilot: z.object({ aiCreditsSince: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), usdPerAiCredit: z.number().positive(), source: z.string() }),
});


// The hand-written interfaces and the schema must agree.
export const schemaMatchesInterface: (data: z.infer<typeof priceAdjustmentsSchema>) => PriceAdjustments = (data) => data;
