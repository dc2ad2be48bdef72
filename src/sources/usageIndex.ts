import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Ledger, type SerializedLedger } from '../core/ledger';
import type { LineTally } from '../core/lineParser';
import type { SourceName } from '../core/usageEvent';
import type { FileCursor, LogRoots } from './logFiles';
import type { UsageScanner } from './usageScanner';
import { cacheDir } from './cacheDir';

/**
 * Bump when parsing or dedup rules change: an index written by other rules is
 * thrown away. Prices are applied when reading, so a price update needs no bump.
 */
export const parserVersion = 7;

interface IndexFile {
  format: 'tokenmeter-index';
  parserVersion: number;
  savedAtMs: number;
  cursors: FileCursor[];
  ledger: SerializedLedger;
  /** Lines seen so far, so the count of skipped lines survives a restart (absent in older files). */
  tally?: LineTally;
}

/** One index per set of log folders, shared by every VS Code window and the CLI. */
export function defaultIndexPath(roots: LogRoots, sources: Record<SourceName, boolean>, env: NodeJS.ProcessEnv = process.env): string {
  const id = createHash('sha256').update(JSON.stringify({ roots, sources })).digest('hex').slice(0, 16);
  return path.join(cacheDir(env), `index-${id}.json`);
}

/**
 * Loads a saved index into the scanner. Returns false (and leaves the scanner empty)
 * when there is none or it is unusable: torn, foreign, or from other parser rules.
 */
export async function loadIndex(file: string, scanner: UsageScanner): Promise<boolean> {
  let data: IndexFile;
  try {
    data = JSON.parse(await fs.readFile(file, 'utf8')) as IndexFile;
  } catch {
    return false;
  }
  if (data?.format !== 'tokenmeter-index' || data.parserVersion !== parserVersion || !Array.isArray(data.cursors) || !data.ledger) return false;
  try {
    const ledger = Ledger.deserialize(data.ledger);
    if (!data.cursors.every(isSaneCursor)) return false;
    scanner.restore(ledger, data.cursors);
    const t = data.tally;
    if (t && isCount(t.lines) && isCount(t.usageLines) && isCount(t.malformedLines)) {
      scanner.stats.tally = { lines: t.lines, usageLines: t.usageLines, malformedLines: t.malformedLines };
    }
    return true;
  } catch {
    return false;
  }
}

const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function isSaneCursor(c: FileCursor): boolean {
  if (typeof c !== 'object' || c === null || typeof c.path !== 'string' || typeof c.source !== 'string') return false;
  if (!isCount(c.offset) || !isCount(c.size) || !isCount(c.mtimeMs) || c.offset > c.size) return false;
  if (c.claude !== undefined && (typeof c.claude !== 'object' || c.claude === null || typeof c.claude.project !== 'string' || typeof c.claude.sessionId !== 'string' || typeof c.claude.agentId !== 'string')) return false;
  if (c.codex !== undefined) {
    const x = c.codex;
    if (typeof x !== 'object' || x === null || typeof x.sessionId !== 'string' || typeof x.project !== 'string' || typeof x.model !== 'string' || !Array.isArray(x.rateLimits)) return false;
    const t = x.lastTotals;
    if (t !== undefined && (typeof t !== 'object' || t === null || !isCount(t.input) || !isCount(t.cached) || !isCount(t.output) || !isCount(t.total))) return false;
  }
  if (c.fingerprint !== undefined && !isCount(c.fingerprint)) return false;
  if (c.wholeFile !== undefined && (typeof c.wholeFile !== 'object' || c.wholeFile === null || typeof c.wholeFile.relativePath !== 'string')) return false;
  return true;
}

/**
 * Writes the index atomically (temp file + rename), so a reader never sees half a
 * file and two writers at once leave one whole index, not a mix.
 */
export async function saveIndex(file: string, scanner: UsageScanner): Promise<void> {
  const data: IndexFile = {
    format: 'tokenmeter-index',
    parserVersion,
    savedAtMs: Date.now(),
    cursors: scanner.fileCursors(),
    ledger: scanner.ledger.serialize(),
    tally: scanner.stats.tally,
  };
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, JSON.stringify(data));
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await removeStrayTempFiles(file);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A writer killed between writing its temp file and renaming it leaves the temp file behind
 * (megabytes each). Removes those whose writer is gone; a live writer's temp file is left alone.
 */
async function removeStrayTempFiles(file: string): Promise<void> {
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = await fs.readdir(path.dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (match && Number(match[1]) !== process.pid && !isAlive(Number(match[1]))) {
      await fs.rm(path.join(path.dirname(file), name), { force: true });
    }
  }
}
