/**
 * The first thing the user asked in each Claude Code session, for classifying past sessions by task
 * kind. Reads only the head of each `<claudeDir>/projects/**\/<session>.jsonl`: the first real prompt
 * is within the first lines, so a large history is scanned in well under a second.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { claudeProjectsFolder } from './agents/claude/paths';

/** A folder or file that could not be read, and why. */
export interface PromptReadProblem { path: string; reason: string }

/** `.jsonl` files under `root` that `accept` (by path relative to root); symlinked folders followed once. */
async function findTranscripts(root: string, accept: (relativePath: string) => boolean, problems: PromptReadProblem[]): Promise<string[]> {
  const found: string[] = [];
  const visited = new Set<string>();
  const visit = async (dir: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      const real = await fs.realpath(dir);
      if (visited.has(real)) return;
      visited.add(real);
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      problems.push({ path: dir, reason: (error as NodeJS.ErrnoException).code ?? String(error) });
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await fs.stat(full).catch(() => undefined); // a dangling link is not a transcript
        isDir = target?.isDirectory() ?? false;
        isFile = target?.isFile() ?? false;
      }
      if (isDir) await visit(full);
      else if (isFile && entry.name.endsWith('.jsonl') && accept(path.relative(root, full).split(path.sep).join('/'))) found.push(full);
    }
  };
  await visit(root);
  return found;
}

const textPartSchema = z.object({ type: z.literal('text'), text: z.string() });
const contentPartSchema = z.union([textPartSchema, z.object({ type: z.string() }).loose()]);

/** A user line of a Claude Code transcript, as far as the first prompt needs it. */
export const sessionUserLineSchema = z.object({
  type: z.literal('user'),
  sessionId: z.string().min(1),
  isSidechain: z.boolean().optional(),
  isMeta: z.boolean().optional(),
  message: z.object({
    role: z.literal('user'),
    content: z.union([z.string(), z.array(contentPartSchema)]),
  }),
});

// Text Claude Code injects into user turns that the user did not type.
const injectedPrefixes = ['<command-', 'Caveat:', '<local-command-', '<system-reminder>', '<ide_', '<user-prompt-submit-hook>', '[Request interrupted'];
const maxPromptChars = 4_000;

function isInjected(text: string): boolean {
  const t = text.trimStart();
  return t.length === 0 || injectedPrefixes.some((p) => t.startsWith(p));
}

/** The user's own words in one transcript line, or undefined for tool results and injected text. */
export function promptOfLine(line: string): { sessionId: string; prompt: string } | undefined {
  if (!line.includes('"user"')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined; // a truncated last line of the head we read
  }
  const parsed = sessionUserLineSchema.safeParse(json);
  if (!parsed.success || parsed.data.isSidechain || parsed.data.isMeta) return undefined;
  const { content } = parsed.data.message;
  const texts = typeof content === 'string'
    ? [content]
    : content.flatMap((part) => (part.type === 'text' && typeof (part as { text?: unknown }).text === 'string' ? [(part as { text: string }).text] : []));
  const own = texts.filter((t) => !isInjected(t));
  if (own.length === 0) return undefined;
  return { sessionId: parsed.data.sessionId, prompt: own.join('\n').slice(0, maxPromptChars) };
}

/** First user prompt in a transcript's text (which may end in a partial line). */
export function firstPromptOfTranscript(text: string, maxLines = 200): { sessionId: string; prompt: string } | undefined {
  let start = 0;
  for (let i = 0; i < maxLines && start < text.length; i++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const found = promptOfLine(text.slice(start, end));
    if (found) return found;
    start = end + 1;
  }
  return undefined;
}

async function readHead(file: string, bytes: number): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

export interface SessionPrompts {
  /** sessionId -> first prompt. */
  prompts: Map<string, string>;
  filesRead: number;
  /** Transcripts whose head held no user prompt (e.g. sessions that only ran a command). */
  withoutPrompt: number;
  problems: PromptReadProblem[];
}

export interface SessionPromptOptions {
  /** Bytes read first; a file whose first prompt is further in is read again up to `maxHeadBytes`. */
  headBytes?: number;
  maxHeadBytes?: number;
  concurrency?: number;
}

/** First prompts of all main-agent sessions under the Claude config folders (sub-agent files skipped). */
export async function readSessionPrompts(claudeDirs: readonly string[], options: SessionPromptOptions = {}): Promise<SessionPrompts> {
  const headBytes = options.headBytes ?? 16 * 1024;
  const maxHeadBytes = options.maxHeadBytes ?? 256 * 1024;
  const concurrency = options.concurrency ?? 16;
  const problems: PromptReadProblem[] = [];
  const files: string[] = [];
  for (const dir of claudeDirs) {
    const projects = claudeProjectsFolder(dir);
    try {
      if (!(await fs.stat(projects)).isDirectory()) continue;
    } catch {
      continue; // this config folder has no transcripts; not a problem worth reporting
    }
    const isMainTranscript = (rel: string): boolean => !rel.includes('/subagents/') && !path.basename(rel).startsWith('agent-');
    files.push(...(await findTranscripts(projects, isMainTranscript, problems)));
  }

  const prompts = new Map<string, string>();
  let withoutPrompt = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++];
      try {
        let head = await readHead(file, headBytes);
        let found = firstPromptOfTranscript(head);
        if (!found && head.length >= headBytes) {
          head = await readHead(file, maxHeadBytes);
          found = firstPromptOfTranscript(head, 2_000);
        }
        if (found && !prompts.has(found.sessionId)) prompts.set(found.sessionId, found.prompt);
        else if (!found) withoutPrompt++;
      } catch (error) {
        problems.push({ path: file, reason: (error as NodeJS.ErrnoException).code ?? String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  return { prompts, filesRead: files.length, withoutPrompt, problems };
}
