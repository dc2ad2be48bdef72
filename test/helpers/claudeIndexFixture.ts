// What the index-layout tests (keyTable, nameTable, fileTableDelta) set up alike: a scanner of one Claude Code folder
// reading synchronously on this thread, usage lines dated in days before a fixed now, and folders a warm pass trusts.
import { utimesSync } from 'node:fs';
import { sourceNames, type SourceName } from '../../src/core/usageEvent';
import { UsageScanner } from '../../src/sources/usageScanner';
import { claudeAssistantLine } from './logLines';

export const dayMs = 86_400_000;

const claudeOnly = Object.fromEntries(sourceNames.map((name) => [name, name === 'claude'])) as Record<SourceName, boolean>;

/** A scanner of Claude Code logs under `claudeDir` only, no threads, synchronous reads. */
export const claudeScanner = (claudeDir: string, log?: (message: string) => void) =>
  new UsageScanner({ roots: { claudeDirs: [claudeDir], codexDirs: [] }, sources: claudeOnly, workers: 0, io: 'sync', log });

/** Events as sorted JSON texts: equal ledgers compare equal whatever their row order. */
export const sortedEvents = (events: readonly object[]) => events.map((e) => JSON.stringify(e)).sort();

/** An assistant line of a small usage, `daysAgo` days before `nowMs`. */
export const usageLine = (nowMs: number, id: string, daysAgo: number, sessionId: string) =>
  claudeAssistantLine({ id, sessionId, usage: { input: 10, output: 3, cacheWrite: 0, cacheRead: 5 }, timestamp: new Date(nowMs - daysAgo * dayMs).toISOString() });

/** Folders last changed an hour before `nowMs`: a warm pass then trusts them (see warmWalk.ts) and reads only recent files. */
export function trustFolders(folders: readonly string[], nowMs: number): void {
  const hourAgoS = nowMs / 1000 - 3600;
  for (const folder of folders) utimesSync(folder, hourAgoS, hourAgoS);
}
