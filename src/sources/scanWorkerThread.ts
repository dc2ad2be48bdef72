// What each of ScanWorkers' threads runs (bundled as dist/scanWorkerThread.js): reads each portion of files it is sent and answers with the results.
import { parentPort } from 'node:worker_threads';
import type { ScanWorkerRequest } from './scanWorkers';
import { ResultPacker } from './packedResults';
import { scanFiles } from './scanParts';

// Buffers of earlier portions, handed back by the main thread once folded: each portion reuses one instead
// of allocating ~0.5-2 MB that another thread frees later, which fragments the C heap (peak RSS, not heap).
const spares: ArrayBuffer[] = [];

parentPort?.on('message', (request: ScanWorkerRequest) => {
  if ('stop' in request) {
    parentPort?.close();
    return;
  }
  if ('spare' in request) {
    if (spares.length < 4) spares.push(request.spare);
    return;
  }
  const packer = new ResultPacker(spares.pop());
  void scanFiles(request.cursors, 'sync', (file, usages) => packer.add(file, usages)).then(() => {
    const packed = packer.finish();
    parentPort?.postMessage(packed, [packed.numbers.buffer as ArrayBuffer]);
  });
});
