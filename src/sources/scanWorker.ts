// Reads a share of the log files off the main thread; see UsageScanner.readAll.
import { parentPort, workerData } from 'node:worker_threads';
import type { FileCursor } from './logFiles';
import { packResults } from './packedResults';
import { scanFiles } from './usageScanner';

void scanFiles((workerData as { cursors: FileCursor[] }).cursors, 'sync').then((results) => {
  const packed = packResults(results);
  parentPort?.postMessage(packed, [packed.numbers.buffer as ArrayBuffer]);
});
