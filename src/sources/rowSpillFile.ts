import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RowSpill } from '../core/ledger/packedRows';
import { randomHex } from './indexFile';

/**
 * A temporary file for the ledger rows a long scan does not keep in memory (core/ledger/packedRows.ts), made when the
 * first chunk of rows is spilled (a warm run never spills): in `dir` (the index's folder), readable by the user
 * alone, and removed at once where the system allows an open file to be removed (elsewhere when the process exits).
 * When it cannot be made, `keep` says so and rows stay in memory.
 */
export function rowSpillIn(dir: string): RowSpill {
  let file: RowSpillFile | undefined;
  let failed = false;
  return {
    keep: (at, fields) => {
      if (!file && !failed) file = openRowSpill(dir);
      failed = file === undefined;
      return file !== undefined && file.keep(at, fields);
    },
    write: (at, fields) => file!.write(at, fields),
    read: (at, out) => file!.read(at, out),
  };
}

function openRowSpill(dir: string): RowSpillFile | undefined {
  const file = path.join(dir, `rows-${process.pid}-${randomHex(6)}.tmp`);
  let fd: number;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fd = fs.openSync(file, 'wx+', 0o600);
  } catch {
    // Only an optimisation: no file (read-only cache folder), no spill.
    return undefined;
  }
  try {
    fs.unlinkSync(file);
  } catch {
    // Windows keeps an open file: removed at exit instead.
    process.once('exit', () => {
      try {
        fs.closeSync(fd);
        fs.unlinkSync(file);
      } catch {
        // Exiting: nothing left to tell the user with; a stray .tmp file in the cache folder is harmless.
      }
    });
  }
  return new RowSpillFile(fd, file);
}

/** Positions are uint32, so the file's byte offset is 4 × position. */
class RowSpillFile implements RowSpill {
  constructor(private readonly fd: number, private readonly file: string) {}

  keep(at: number, fields: Uint32Array): boolean {
    try {
      this.write(at, fields);
      return true;
    } catch {
      // Disk full or the like: the ledger keeps this chunk and the next ones in memory (as without a spill).
      return false;
    }
  }

  write(at: number, fields: Uint32Array): void {
    const bytes = new Uint8Array(fields.buffer, fields.byteOffset, fields.byteLength);
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(this.fd, bytes, done, bytes.length - done, at * 4 + done);
  }

  read(at: number, out: Uint32Array): void {
    const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    let done = 0;
    while (done < bytes.length) {
      const n = fs.readSync(this.fd, bytes, done, bytes.length - done, at * 4 + done);
      if (n === 0) throw new Error(`ledger rows spilled to ${this.file}: file ended early (${at * 4 + done} bytes)`);
      done += n;
    }
  }
}
