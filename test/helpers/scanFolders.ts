// Temp log folders laid out like ~/.claude and ~/.codex, and "what a fresh scan says" for comparisons.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageScanner } from '../../src/sources/usageScanner';
import type { LogRoots } from '../../src/sources/logFiles';
import { ledgerTotals } from './logLines';

export interface TempRoots {
  base: string;
  roots: LogRoots;
  /** `<claude>/projects/<project>` */
  claudeProject: string;
  /** `<codex>/sessions/2025/09/01` */
  codexDay: string;
  cleanup(): Promise<void>;
}

export async function makeTempRoots(prefix = 'tokenmeter-fs-'): Promise<TempRoots> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  const claudeDir = path.join(base, 'claude');
  const codexDir = path.join(base, 'codex');
  const claudeProject = path.join(claudeDir, 'projects', '-home-dev-repo');
  const codexDay = path.join(codexDir, 'sessions', '2025', '09', '01');
  await fs.mkdir(claudeProject, { recursive: true });
  await fs.mkdir(codexDay, { recursive: true });
  return { base, roots: { claudeDirs: [claudeDir], codexDirs: [codexDir] }, claudeProject, codexDay, cleanup: () => fs.rm(base, { recursive: true, force: true }) };
}

/** Totals and line counts of a brand-new scanner's full pass over `roots`. */
export async function freshScan(roots: LogRoots): Promise<{ totals: ReturnType<typeof ledgerTotals>; usageLines: number; malformedLines: number; files: number }> {
  const scanner = new UsageScanner({ roots, workers: 0 });
  await scanner.refresh({ full: true });
  return { totals: ledgerTotals(scanner.ledger), usageLines: scanner.stats.tally.usageLines, malformedLines: scanner.stats.tally.malformedLines, files: scanner.stats.files };
}

/** Whether this process can be denied a folder by chmod (root can read anything). */
export function chmodDenies(): boolean {
  return process.platform !== 'win32' && typeof process.getuid === 'function' && process.getuid() !== 0;
}
