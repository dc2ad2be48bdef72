// Reads a share of the log files off the main thread; see UsageScanner.readAll.
import { parentPort, workerData } from 'node:worker_threads';
import type { FileCursor } from './logFiles';
import { ResultPacker } from './packedResults';
import { scanFiles } from './usageScanner';

const packer = new ResultPacker();
void scanFiles((workerData as { cursors: FileCursor[] }).cursors, 'sync', (file, usages) => packer.add(file, usages)).then(() => {
  const packed = packer.finish();
  parentPort?.postMessage(packed, [packed.numbers.buffer as ArrayBuffer]);
});
