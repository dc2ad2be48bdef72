// What each of ScanWorkers' threads runs (bundled as dist/scanWorkerThread.js): reads each portion of files it is sent and answers with the results.
import { parentPort } from 'node:worker_threads';
import type { ScanWorkerRequest } from './scanWorkers';
import { ResultPacker } from './packedResults';
import { scanFiles } from './usageScanner';

parentPort?.on('message', (request: ScanWorkerRequest) => {
  if ('stop' in request) {
    parentPort?.close();
    return;
  }
  const packer = new ResultPacker();
  void scanFiles(request.cursors, 'sync', (file, usages) => packer.add(file, usages)).then(() => {
    const packed = packer.finish();
    parentPort?.postMessage(packed, [packed.numbers.buffer as ArrayBuffer]);
  });
});
