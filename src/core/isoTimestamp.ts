// Codex and Claude Code write every line's time as `2026-11-03T09:46:38.267Z`. Date.parse of such a string was ~10%
// of the Codex reader's time (a string made from the bytes, then V8's general date parser); the same milliseconds
// come from the 24 bytes directly. Anything else (other forms, offsets, out-of-range fields) is left to Date.parse.

const zero = 0x30;

function digits(buf: Uint8Array, at: number, count: number): number {
  let n = 0;
  for (let k = at; k < at + count; k++) {
    const d = buf[k] - zero;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Epoch ms of the UTC time `YYYY-MM-DDTHH:MM:SS.sssZ` in `buf[at, at + 24)`, as Date.parse gives it; NaN when the
 * bytes are not exactly that form with fields in the ranges Date.parse accepts for it (then ask Date.parse).
 * Years before 1000 are left to Date.parse too (Date.UTC reads 0-99 as 1900-1999).
 */
export function isoUtcMs(buf: Uint8Array, at: number, end: number): number {
  if (at + 24 > end || buf[at + 4] !== 0x2d || buf[at + 7] !== 0x2d || buf[at + 10] !== 0x54 || buf[at + 13] !== 0x3a || buf[at + 16] !== 0x3a || buf[at + 19] !== 0x2e || buf[at + 23] !== 0x5a) return NaN;
  const year = digits(buf, at, 4);
  const month = digits(buf, at + 5, 2);
  const day = digits(buf, at + 8, 2);
  const hour = digits(buf, at + 11, 2);
  const minute = digits(buf, at + 14, 2);
  const second = digits(buf, at + 17, 2);
  const ms = digits(buf, at + 20, 3);
  // Date.parse takes any day 1-31 in any month (rolling over, as Date.UTC does); hour 24 is left to it.
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) return NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}
