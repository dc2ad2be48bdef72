// What each of ScanWorkers' threads runs (bundled as dist/scanWorkerThread.js): takes the files of a read itself, a few
// at a time (ReadClaims), reads them and answers with the results, a portion at a time.
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import type { FileCursor } from './logFiles';
import { mostTakenAtOnce, mostUnfoldedBytes, ReadClaims } from './readClaims';
import { cursorOf, type ListedFile, type ScanWorkerRequest } from './scanWorkers';
import { ResultPacker } from './packedResults';
import { scanFiles } from './scanParts';

// Buffers of earlier portions, handed back by the main thread once folded: each portion reuses one instead
// of allocating ~0.5-2 MB that another thread frees later, which fragments the C heap (peak RSS, not heap).
const spares: ArrayBuffer[] = [];
let claims: ReadClaims | undefined;
let portionSize = 64;
// The read's files as sent, from list position `base` on; a file is let go once taken.
let files: Array<ListedFile | undefined> = [];
let base = 0;
let reading = false;

function handle(request: ScanWorkerRequest): void {
  if ('stop' in request) {
    parentPort?.close();
  } else if ('spare' in request) {
    if (spares.length < 4) spares.push(request.spare);
  } else if ('claims' in request) {
    claims = new ReadClaims(request.claims);
    portionSize = request.portionSize;
    files = [];
    base = 0;
  } else {
    for (let i = 0; i < request.files.length; i++) files[request.at + i - base] = request.files[i];
    // Published right after they are sent: wait for that (so that they are taken, however this message was received).
    claims?.waitListed(request.at + request.files.length);
  }
}

/** Whether the files up to list position `end` are here: the calling thread sends them before it publishes them. */
function received(end: number): boolean {
  while (base + files.length < end) {
    const next = receiveMessageOnPort(parentPort!);
    if (!next) return false;
    handle(next.message as ScanWorkerRequest);
  }
  return true;
}

/** Takes and reads files until none is left to take now; results go back about `portionSize` files at a time. */
async function readWhatIsListed(): Promise<void> {
  if (reading || !claims) return;
  reading = true;
  let packer: ResultPacker | undefined;
  let packed = 0;
  for (let range = claims.takeFront(Math.min(mostTakenAtOnce, portionSize)); range; range = claims.takeFront(Math.min(mostTakenAtOnce, portionSize))) {
    if (!received(range[1])) throw new Error(`scan thread: files up to ${range[1]} taken but not sent`);
    const cursors: FileCursor[] = [];
    // The strings the files were listed as (see ResultPacker.add), by cursor.
    const listedAs: Array<string | undefined> = [];
    for (let i = range[0]; i < range[1]; i++) {
      const file = files[i - base]!;
      cursors.push(cursorOf(file));
      listedAs.push(typeof file === 'string' ? file : undefined);
      files[i - base] = undefined;
    }
    // Let go of what was taken (by this thread or another) once it is half the array.
    const front = claims.front;
    if (front - base >= 4096 && (front - base) * 2 >= files.length) {
      files.splice(0, front - base);
      base = front;
    }
    if (!packer) {
      // Buffers handed back meanwhile (this loop does not return to the event loop while there are files to take).
      for (let next = receiveMessageOnPort(parentPort!); next; next = receiveMessageOnPort(parentPort!)) handle(next.message as ScanWorkerRequest);
      claims.waitFolded(mostUnfoldedBytes);
      packer = new ResultPacker(spares.pop());
    }
    let k = 0;
    await scanFiles(cursors, 'sync', (file, usages) => packer!.add(file, usages, file.cursor === cursors[k] ? listedAs[k++] : undefined));
    packed += cursors.length;
    if (packed >= portionSize) {
      send(packer);
      packer = undefined;
      packed = 0;
    }
  }
  if (packer) send(packer);
  reading = false;
}

function send(packer: ResultPacker): void {
  const packed = packer.finish();
  claims?.sent(packed.numbers.byteLength);
  parentPort?.postMessage(packed, [packed.numbers.buffer as ArrayBuffer, packed.plainNumbers.buffer as ArrayBuffer]);
}

parentPort?.on('message', (request: ScanWorkerRequest) => {
  handle(request);
  if ('files' in request || 'claims' in request) void readWhatIsListed();
});
