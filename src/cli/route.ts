import { createInterface } from 'node:readline';
import { z } from 'zod';
import { defaultModelTiers, routeRequest, type Aggressiveness, type ModelTiers } from '../core/router';
import { loadCliSettings, parseArgs, priceTableOf, stringFlag, CommandLineError, type ParsedArgs } from './common';

/** One request per stdin line. */
export const routeLineSchema = z.object({
  prompt: z.string(),
  contextTokens: z.number().nonnegative().optional(),
  language: z.string().optional(),
  /** Model in use for this request; overrides --current-model. */
  currentModel: z.string().optional(),
});

const aggressivenessValues: readonly Aggressiveness[] = ['conservative', 'balanced', 'aggressive'];

export function aggressivenessFlag(args: ParsedArgs): Aggressiveness {
  const value = stringFlag(args, 'aggressiveness') ?? 'balanced';
  if (!(aggressivenessValues as readonly string[]).includes(value)) throw new CommandLineError(`--aggressiveness must be conservative, balanced or aggressive (got "${value}")`);
  return value as Aggressiveness;
}

/** `--small/--medium/--large <model>` override the default tier models. */
export function tiersFlag(args: ParsedArgs): ModelTiers {
  return {
    small: stringFlag(args, 'small') ?? defaultModelTiers.small,
    medium: stringFlag(args, 'medium') ?? defaultModelTiers.medium,
    large: stringFlag(args, 'large') ?? defaultModelTiers.large,
  };
}

const help = `tokenmeter route [--json] [--aggressiveness conservative|balanced|aggressive]
                [--current-model <model>] [--small <model>] [--medium <model>] [--large <model>]

Reads one JSON request per line on stdin, {"prompt": "...", "contextTokens": 1200},
and writes one JSON line per request: {"tier", "model", "confidence", "reason", "kind"}
(plus "savingVsCurrentPct" with --current-model). A line that is not a valid request
gets {"error": "..."} so outputs stay aligned with inputs; the exit code is then 1.`;

/** `tokenmeter route`: routing advice for requests on stdin, one JSON line each. */
export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['json', 'help']);
  if (args.flags.has('help')) {
    console.log(help);
    return 0;
  }
  const aggressiveness = aggressivenessFlag(args);
  const tiers = tiersFlag(args);
  const currentModel = stringFlag(args, 'current-model');
  const prices = priceTableOf(await loadCliSettings());
  const priceOf = (model: string) => prices.ratesFor(model);

  let failed = 0;
  let lineNumber = 0;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lineNumber++;
    if (!line.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      failed++;
      process.stdout.write(JSON.stringify({ error: `line ${lineNumber}: not JSON (${(error as Error).message})` }) + '\n');
      continue;
    }
    const parsed = routeLineSchema.safeParse(json);
    if (!parsed.success) {
      failed++;
      process.stdout.write(JSON.stringify({ error: `line ${lineNumber}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ')}` }) + '\n');
      continue;
    }
    const request = parsed.data;
    const advice = routeRequest(request, { tiers, aggressiveness, priceOf, currentModel: request.currentModel ?? currentModel });
    const out: Record<string, unknown> = { tier: advice.tier, model: advice.model, confidence: advice.confidence, reason: advice.reason, kind: advice.kind };
    if (advice.savingVsCurrentPct !== undefined) out.savingVsCurrentPct = advice.savingVsCurrentPct;
    process.stdout.write(JSON.stringify(out) + '\n');
  }
  if (failed > 0) console.error(`tokenmeter route: ${failed} line(s) were not valid requests; each got an {"error"} line.`);
  return failed > 0 ? 1 : 0;
}
