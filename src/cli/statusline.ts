// `tokenmeter statusline`: Claude Code's statusLine command. Runs on every status line refresh,
// so it imports only node built-ins and two small modules (measured in the report; keep it so).
import { fstatSync, readSync, writeSync } from 'node:fs';
import { formatStatusLine, markRateLimitsMissing, parseStatusLineInput, toSnapshot } from '../core/claudeStatusLine';
import { defaultStateDir, readStatusLineSnapshot, writeStatusLineSnapshot } from '../sources/statusLineStore';

const WRAP_TIMEOUT_MS = 2_000;
const MAX_WRAPPED_BYTES = 64 * 1024;

const USAGE = `Usage: tokenmeter statusline [--wrap "<command>"] [--state-dir DIR] [--no-record]

Reads Claude Code's status line JSON on stdin and prints one compact line with your plan quota:
  5h 42% (resets 14:10) · 7d 18% · $3.20 session
and records the quota in DIR/claude-statusline.json for the Tokenmeter extension.
  --wrap "<command>"  run your existing status line command with the same stdin and show its output first
  --state-dir DIR     where to record (default: $TOKENMETER_STATE_DIR or the platform state folder)
  --no-record         print only

Install in ~/.claude/settings.json:
  "statusLine": { "type": "command", "command": "tokenmeter statusline" }`;

export interface StatusLineIo {
  readStdin(): Promise<string>;
  write(text: string): void;
  writeError(text: string): void;
  env: Record<string, string | undefined>;
  nowMs(): number;
  utcOffsetMinutes(): number;
}

/**
 * Stdin and stdout through file descriptors, not `process.stdin` / `process.stdout`: on a pipe or socket (how Claude
 * Code runs the command) those streams are `net` sockets, and loading `net` and Node's streams was ~5 of the status
 * line's ~17 ms over Node's own start (docs/benchmarks.md, session 15). The streams stay the way for what a blocking
 * read or write cannot do: a terminal (`isTTY`: nothing to read), and a descriptor set non-blocking (EAGAIN).
 */
export const processIo: StatusLineIo = {
  readStdin: async () => {
    const read = readAllBlocking(0);
    if (typeof read === 'string') return read;
    const head = read.head;
    if (process.stdin.isTTY) return '';
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [head];
      process.stdin.on('data', (c: Buffer) => chunks.push(c));
      process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      process.stdin.on('error', reject);
    });
  },
  write: (t) => {
    const bytes = Buffer.from(t, 'utf8');
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(1, bytes, done, bytes.length - done);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      process.stdout.write(bytes.subarray(done));
    }
  },
  writeError: (t) => process.stderr.write(t),
  env: process.env,
  nowMs: () => Date.now(),
  utcOffsetMinutes: () => -new Date().getTimezoneOffset(),
};

/** Most bytes read from stdin (Claude Code's JSON is a few KB); past it the rest is not read. */
const MAX_STDIN_BYTES = 4 * 1024 * 1024;

/**
 * All of `fd` with blocking reads, as text; or, where a blocking read does not apply (a terminal, a character device,
 * a non-blocking descriptor), the bytes read so far for the stream to go on from. A closed descriptor reads as ''.
 */
export function readAllBlocking(fd: number): string | { head: Buffer } {
  try {
    // A terminal would wait for typing (the stream path answers '' for it); /dev/null reads as '' there too.
    if (fstatSync(fd).isCharacterDevice()) return { head: Buffer.alloc(0) };
  } catch {
    return '';
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') return { head: Buffer.concat(chunks, total) };
      if (code === 'EOF' || code === 'EBADF') break;
      throw error;
    }
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
    if (total >= MAX_STDIN_BYTES) break;
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

interface Options {
  wrap?: string;
  stateDir?: string;
  record: boolean;
  help: boolean;
}

function parseArgs(args: string[]): Options | string {
  const o: Options = { record: true, help: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (name: string): string | undefined => {
      if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
      const v = args[i + 1];
      i += 1;
      return v;
    };
    if (a === '--help' || a === '-h') o.help = true;
    else if (a === '--no-record') o.record = false;
    else if (a === '--wrap' || a.startsWith('--wrap=')) {
      o.wrap = value('--wrap');
      if (o.wrap === undefined) return '--wrap needs a command';
    } else if (a === '--state-dir' || a.startsWith('--state-dir=')) {
      o.stateDir = value('--state-dir');
      if (!o.stateDir) return '--state-dir needs a folder';
    } else return `unknown option ${a}`;
  }
  return o;
}

/**
 * Runs the user's own status line command with the same stdin; its stdout, or '' on failure/timeout.
 * The command runs in its own process group: on timeout the whole group is killed (a shell's
 * child, e.g. `sleep 20; echo hi`, would otherwise keep the pipe open and this process waiting).
 */
export function runWrapped(command: string, stdin: string, env: Record<string, string | undefined>, timeoutMs = WRAP_TIMEOUT_MS): Promise<{ out: string; error?: string }> {
  return new Promise((resolve) => {
    let out = '';
    let settled = false;
    const ownGroup = process.platform !== 'win32';
    // Loaded only for --wrap: node:child_process brings net, dgram and Node's streams (~3 ms of every run).
    const { spawn } = require('node:child_process') as typeof import('node:child_process');
    const child = spawn(command, { shell: env.SHELL || true, env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'ignore'], detached: ownGroup });
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ out, error });
    };
    const killAll = () => {
      try {
        if (ownGroup && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
      // Stop waiting for the pipes, whoever still holds them.
      child.stdout.destroy();
      child.stdin.destroy();
      child.unref();
    };
    const timer = setTimeout(() => {
      killAll();
      finish(`wrapped status line command timed out after ${timeoutMs / 1000} s`);
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => {
      if (out.length < MAX_WRAPPED_BYTES) out += c.toString('utf8');
    });
    child.on('error', (err) => finish(`wrapped status line command failed: ${err.message}`));
    child.on('close', () => finish());
    child.stdin.on('error', () => undefined); // the command may not read stdin
    child.stdin.end(stdin);
  });
}

/** Joins the user's line (first) and ours. */
export function combineLines(wrapped: string, ours: string): string {
  const w = wrapped.replace(/\s+$/, '');
  if (!w) return ours;
  if (!ours) return w;
  return w.includes('\n') ? `${w}\n${ours}` : `${w} │ ${ours}`;
}

export async function run(args: string[], io: StatusLineIo = processIo): Promise<number> {
  const opts = parseArgs(args);
  if (typeof opts === 'string') {
    io.writeError(`tokenmeter statusline: ${opts}\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    io.write(`${USAGE}\n`);
    return 0;
  }
  const stdin = await io.readStdin();
  const wrapped: Promise<{ out: string; error?: string }> = opts.wrap ? runWrapped(opts.wrap, stdin, io.env) : Promise.resolve({ out: '' });
  const input = parseStatusLineInput(stdin);
  const nowMs = io.nowMs();
  let ours = '';
  if (input) {
    ours = formatStatusLine(input, { nowMs, utcOffsetMinutes: io.utcOffsetMinutes() });
    const stateDir = opts.stateDir ?? defaultStateDir(io.env);
    // Without rate_limits (API-key users, before the first reply, or a Claude Code build that dropped them),
    // a reading recorded earlier is kept and marked stale from now on instead of vanishing silently.
    const snapshot = opts.record ? toSnapshot(input, nowMs) ?? markRateLimitsMissing(readStatusLineSnapshot(stateDir), nowMs) : undefined;
    if (snapshot) {
      try {
        writeStatusLineSnapshot(stateDir, snapshot);
      } catch (err) {
        // The status line must still print; say why recording failed on stderr (Claude Code ignores it).
        io.writeError(`tokenmeter statusline: ${(err as Error).message}\n`);
      }
    }
  }
  const w = await wrapped;
  if (w.error) io.writeError(`tokenmeter statusline: ${w.error}\n`);
  const line = combineLines(w.out, ours);
  if (line) io.write(`${line}\n`);
  return 0;
}
