// Several VS Code windows each run a BudgetPoller. So that N windows do not poll a gateway N
// times a minute, a successful poll is written to one small file in the state folder, and a
// window whose poll comes due first looks there: a fresh enough answer from another window is
// used instead of a request. Readings never contain keys, so the file holds no secrets.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BudgetReading } from '../../core/budgetReading';
import type { EndpointSourceConfig } from '../../core/endpointConfig';
import { budgetReadingSchema } from '../../core/budgetReadingSchema';
import { z } from 'zod';

export interface PollCache {
  /** Readings some window fetched at most maxAgeMs before nowMs, if any. */
  read(sourceKey: string, nowMs: number, maxAgeMs: number): Promise<BudgetReading[] | undefined>;
  write(sourceKey: string, readings: BudgetReading[], nowMs: number): Promise<void>;
}

/** Identifies a source across windows: a hash of its config (which holds no secrets, only env names). */
export function pollCacheKey(config: EndpointSourceConfig): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
}

const cacheFileSchema = z.record(
  z.string(),
  z.object({ writtenAtMs: z.number(), readings: z.array(budgetReadingSchema) }),
);

export const POLL_CACHE_FILE = 'budget-poll-cache.json';

/** PollCache in `<stateDir>/budget-poll-cache.json`, replaced atomically. Losing a race costs one extra poll. */
export class FilePollCache implements PollCache {
  constructor(private readonly stateDir: string) {}

  private get path(): string {
    return join(this.stateDir, POLL_CACHE_FILE);
  }

  private async load(): Promise<z.infer<typeof cacheFileSchema>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    try {
      const parsed = cacheFileSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : {};
    } catch {
      return {}; // A damaged cache is only a missed optimisation; the next write replaces it.
    }
  }

  async read(sourceKey: string, nowMs: number, maxAgeMs: number): Promise<BudgetReading[] | undefined> {
    const entry = (await this.load())[sourceKey];
    if (!entry || nowMs - entry.writtenAtMs > maxAgeMs || entry.writtenAtMs > nowMs) return undefined;
    return entry.readings;
  }

  async write(sourceKey: string, readings: BudgetReading[], nowMs: number): Promise<void> {
    await mkdir(this.stateDir, { recursive: true, mode: 0o700 });
    const all = await this.load();
    all[sourceKey] = { writtenAtMs: nowMs, readings };
    // Drop entries nobody refreshed for a day (removed sources).
    for (const [k, v] of Object.entries(all)) if (nowMs - v.writtenAtMs > 86_400_000) delete all[k];
    const temp = `${this.path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await writeFile(temp, JSON.stringify(all), { mode: 0o600 });
      await rename(temp, this.path);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
  }
}
