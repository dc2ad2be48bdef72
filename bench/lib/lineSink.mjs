import { closeSync, futimesSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

const FLUSH_CHARS = 1 << 20;

/** Buffered, synchronous JSONL writer (the generator is single-threaded and deterministic). */
export class LineSink {
  /** @param {string} path */
  constructor(path) {
    mkdirSync(dirname(path), { recursive: true });
    this.path = path;
    this.fd = openSync(path, 'w');
    this.parts = [];
    this.pending = 0;
    this.bytes = 0;
    this.lines = 0;
    /** When set, every line is also kept (to copy it into a resumed session). */
    this.record = null;
  }

  write(line) {
    this.parts.push(line);
    this.pending += line.length;
    this.lines += 1;
    if (this.record) this.record.push(line);
    if (this.pending >= FLUSH_CHARS) this.flush();
  }

  /** Writes text that is not a complete line (a truncated last line). */
  writeRaw(text) {
    this.parts.push(text);
    this.pending += text.length;
  }

  flush() {
    if (this.parts.length === 0) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    writeSync(this.fd, buf);
    this.bytes += buf.length;
    this.parts = [];
    this.pending = 0;
  }

  /** Approximate bytes so far (exact after flush; pending text is counted in UTF-16 units). */
  get size() {
    return this.bytes + this.pending;
  }

  /** @param {number} [mtimeMs] last-modified time to give the file (its last line's time, as for a real log) */
  close(mtimeMs) {
    this.flush();
    if (mtimeMs !== undefined) futimesSync(this.fd, mtimeMs / 1000, mtimeMs / 1000);
    closeSync(this.fd);
  }
}
