import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Rows of one table of a SQLite database, read without SQLite: just enough of the file
 * format (https://www.sqlite.org/fileformat2.html) to walk a table B-tree — page header,
 * cell pointers, varints, overflow chains, record format — plus the write-ahead log
 * (https://www.sqlite.org/walformat.html), where a database in WAL mode keeps its newest
 * pages until a checkpoint. Read-only and lock-free: a page being written at that moment
 * can be inconsistent, so callers treat a throw as "read again later".
 * VS Code 1.100 runs Node 20, which has no `node:sqlite`, and a native module would break
 * the single-file packaging; agents that moved to SQLite (OpenCode 1.2+) need this.
 */
export type SqliteValue = null | number | string | Uint8Array;

export class SqliteFormatError extends Error {}

const walFrameHeaderBytes = 24;

export interface SqliteTable {
  /** Column names from the table's CREATE statement, in storage order. */
  columns: string[];
  rows: SqliteValue[][];
}

/** Every row of `table` in the database at `dbPath` (and its `-wal`, if any). */
export function readSqliteTable(dbPath: string, table: string): SqliteTable {
  const db = new PageReader(dbPath);
  try {
    const schema = db.tableRows(1);
    // sqlite_schema: type, name, tbl_name, rootpage, sql
    const entry = schema.find((r) => r[0] === 'table' && r[1] === table);
    if (!entry || typeof entry[3] !== 'number') throw new SqliteFormatError(`no table ${table}`);
    return { columns: columnsOf(typeof entry[4] === 'string' ? entry[4] : ''), rows: db.tableRows(entry[3]) };
  } finally {
    db.close();
  }
}

/** Column names of a CREATE TABLE statement (constraints skipped). */
export function columnsOf(sql: string): string[] {
  const open = sql.indexOf('(');
  const close = sql.lastIndexOf(')');
  if (open === -1 || close <= open) return [];
  const parts: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < close; i++) {
    const c = sql[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(sql.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(sql.slice(start, close));
  return parts
    .map((p) => p.trim())
    .filter((p) => p !== '' && !/^(constraint|primary|foreign|unique|check)\b/i.test(p))
    .map((p) => (/^[`"[]/.test(p) ? p.slice(1, p.slice(1).search(/[`"\]]/) + 1) : p.split(/\s/)[0]));
}

class PageReader {
  private readonly fd: number;
  private walFd: number | undefined;
  private readonly walOffsets = new Map<number, number>();
  readonly pageSize: number;
  private readonly usable: number;

  constructor(dbPath: string) {
    this.fd = openSync(dbPath, 'r');
    try {
      const dbSize = fstatSync(this.fd).size;
      let pageSize = 0;
      let reserved = 0;
      if (dbSize >= 100) {
        const header = this.read(this.fd, 0, 100);
        if (header.toString('latin1', 0, 15) !== 'SQLite format 3') throw new SqliteFormatError('not a SQLite database');
        pageSize = header.readUInt16BE(16) === 1 ? 65536 : header.readUInt16BE(16);
        reserved = header[20];
        if (header.readUInt32BE(56) > 1) throw new SqliteFormatError('UTF-16 databases are not supported');
      }
      pageSize = this.openWal(dbPath, pageSize);
      if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) throw new SqliteFormatError(`bad page size ${pageSize}`);
      this.pageSize = pageSize;
      this.usable = pageSize - reserved;
    } catch (error) {
      this.close();
      throw error;
    }
  }

  close(): void {
    closeSync(this.fd);
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.walFd = undefined;
  }

  /**
   * Indexes the committed frames of `<db>-wal`: the newest copy of each page up to the last
   * commit frame whose salts match the header (frames left from before a WAL reset carry
   * other salts; frames after the last commit belong to an unfinished transaction).
   */
  private openWal(dbPath: string, dbPageSize: number): number {
    let fd: number;
    try {
      fd = openSync(`${dbPath}-wal`, 'r');
    } catch {
      return dbPageSize;
    }
    this.walFd = fd;
    const size = fstatSync(fd).size;
    if (size < 32) return dbPageSize;
    const header = this.read(fd, 0, 32);
    const magic = header.readUInt32BE(0);
    if (magic !== 0x377f0682 && magic !== 0x377f0683) return dbPageSize;
    const pageSize = header.readUInt32BE(8);
    if (dbPageSize !== 0 && pageSize !== dbPageSize) return dbPageSize;
    const salt1 = header.readUInt32BE(16);
    const salt2 = header.readUInt32BE(20);
    const pending = new Map<number, number>();
    for (let at = 32; at + walFrameHeaderBytes + pageSize <= size; at += walFrameHeaderBytes + pageSize) {
      const frame = this.read(fd, at, walFrameHeaderBytes);
      if (frame.readUInt32BE(8) !== salt1 || frame.readUInt32BE(12) !== salt2) break;
      pending.set(frame.readUInt32BE(0), at + walFrameHeaderBytes);
      if (frame.readUInt32BE(4) !== 0) {
        for (const [page, offset] of pending) this.walOffsets.set(page, offset);
        pending.clear();
      }
    }
    return dbPageSize || pageSize;
  }

  private read(fd: number, position: number, length: number): Buffer {
    const buf = Buffer.alloc(length);
    let filled = 0;
    while (filled < length) {
      const n = readSync(fd, buf, filled, length - filled, position + filled);
      if (n === 0) throw new SqliteFormatError(`file ends at ${position + filled}`);
      filled += n;
    }
    return buf;
  }

  page(number: number): Buffer {
    if (!Number.isInteger(number) || number < 1) throw new SqliteFormatError(`bad page number ${number}`);
    const walOffset = this.walOffsets.get(number);
    if (walOffset !== undefined && this.walFd !== undefined) return this.read(this.walFd, walOffset, this.pageSize);
    return this.read(this.fd, (number - 1) * this.pageSize, this.pageSize);
  }

  /** All records of the table B-tree rooted at `root`, in rowid order. */
  tableRows(root: number): SqliteValue[][] {
    const rows: SqliteValue[][] = [];
    const visited = new Set<number>();
    const visit = (number: number) => {
      if (visited.has(number)) throw new SqliteFormatError(`page ${number} is linked twice`);
      visited.add(number);
      const page = this.page(number);
      const at = number === 1 ? 100 : 0;
      const type = page[at];
      const cells = page.readUInt16BE(at + 3);
      if (type === 0x05) {
        for (let i = 0; i < cells; i++) visit(page.readUInt32BE(page.readUInt16BE(at + 12 + 2 * i)));
        visit(page.readUInt32BE(at + 8));
      } else if (type === 0x0d) {
        for (let i = 0; i < cells; i++) rows.push(decodeRecord(this.payload(page, page.readUInt16BE(at + 8 + 2 * i))));
      } else {
        throw new SqliteFormatError(`page ${number} is not a table page (type ${type})`);
      }
    };
    visit(root);
    return rows;
  }

  /** A leaf cell's record bytes, following its overflow chain. */
  private payload(page: Buffer, cell: number): Buffer {
    const [size, sizeBytes] = varint(page, cell);
    const [, rowidBytes] = varint(page, cell + sizeBytes);
    const start = cell + sizeBytes + rowidBytes;
    if (size > 64 * 1024 * 1024) throw new SqliteFormatError(`record of ${size} bytes`);
    const u = this.usable;
    const maxLocal = u - 35;
    let local = size;
    if (size > maxLocal) {
      const minLocal = Math.floor(((u - 12) * 32) / 255) - 23;
      const k = minLocal + ((size - minLocal) % (u - 4));
      local = k <= maxLocal ? k : minLocal;
    }
    if (start + local > page.length) throw new SqliteFormatError('cell runs past its page');
    if (local === size) return page.subarray(start, start + size);
    const out = Buffer.alloc(size);
    page.copy(out, 0, start, start + local);
    let filled = local;
    let next = page.readUInt32BE(start + local);
    const seen = new Set<number>();
    while (filled < size) {
      if (next === 0 || seen.has(next)) throw new SqliteFormatError('broken overflow chain');
      seen.add(next);
      const overflow = this.page(next);
      const take = Math.min(u - 4, size - filled);
      overflow.copy(out, filled, 4, 4 + take);
      filled += take;
      next = overflow.readUInt32BE(0);
    }
    return out;
  }
}

/** A SQLite varint at `at`: [value, byte length]. Values past 2^53 lose precision (only sizes and rowids use them). */
function varint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const byte = buf[at + i];
    if (byte === undefined) throw new SqliteFormatError('varint runs past its page');
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) return [value, i + 1];
  }
  const last = buf[at + 8];
  if (last === undefined) throw new SqliteFormatError('varint runs past its page');
  return [value * 256 + last, 9];
}

function decodeRecord(record: Buffer): SqliteValue[] {
  const [headerSize, first] = varint(record, 0);
  const types: number[] = [];
  for (let at = first; at < headerSize; ) {
    const [type, n] = varint(record, at);
    types.push(type);
    at += n;
  }
  const values: SqliteValue[] = [];
  let at = headerSize;
  for (const type of types) {
    const width = [0, 1, 2, 3, 4, 6, 8, 8, 0, 0][type] ?? (type >= 12 ? Math.floor((type - 12) / 2) : 0);
    if (at + width > record.length) throw new SqliteFormatError('record runs past its payload');
    if (type === 0) values.push(null);
    else if (type >= 1 && type <= 6) values.push(readInt(record, at, width));
    else if (type === 7) values.push(record.readDoubleBE(at));
    else if (type === 8 || type === 9) values.push(type - 8);
    else if (type >= 12 && type % 2 === 0) values.push(record.subarray(at, at + width));
    else if (type >= 13) values.push(record.toString('utf8', at, at + width));
    else throw new SqliteFormatError(`reserved serial type ${type}`);
    at += width;
  }
  return values;
}

function readInt(buf: Buffer, at: number, width: number): number {
  if (width === 8) return Number(buf.readBigInt64BE(at));
  return buf.readIntBE(at, width);
}
