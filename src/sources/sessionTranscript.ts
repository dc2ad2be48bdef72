/**
 * The agent's own words in the session in progress, for the escalation hint: how many of its replies
 * since the user's last prompt say "let me try a different approach" (or its kin in the nine
 * languages the router reads, `countRetryPhrases`). Reads only the tail of the Claude Code
 * transcript `<claudeDir>/projects/<project>/<session>.jsonl`, and again only when it has grown.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { countRetryPhrases } from '../core/routing/escalation';
import { promptOfLine } from './sessionPrompts';

/** The tail read: a run of retries is the last few dozen turns, far less than this. */
const tailBytes = 256 * 1024;

interface AssistantLine {
  type: 'assistant';
  isSidechain?: boolean;
  message?: { id?: unknown; content?: unknown };
}

/** Text parts of a main-agent assistant line, or undefined for any other line. */
function assistantTexts(line: string): { id: string; texts: string[] } | undefined {
  if (!line.includes('"assistant"')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined; // the partial first line of the tail, or a line still being written
  }
  const a = json as AssistantLine;
  if (typeof json !== 'object' || json === null || a.type !== 'assistant' || a.isSidechain === true) return undefined;
  const content = a.message?.content;
  const texts = typeof content === 'string'
    ? [content]
    : Array.isArray(content)
      ? content.flatMap((p: unknown) => {
        const part = p as { type?: unknown; text?: unknown };
        return part && part.type === 'text' && typeof part.text === 'string' ? [part.text] : [];
      })
      : [];
  return { id: typeof a.message?.id === 'string' ? a.message.id : '', texts };
}

/**
 * Replies of the main agent, after the last prompt the user typed, that announce a retry ("let me
 * try a different approach", `countRetryPhrases`), in transcript text (JSONL, possibly starting
 * mid-line). One reply counts once however many such phrases it has, and however many lines a
 * streamed reply is written over.
 */
export function retryPhrasesSinceLastPrompt(text: string): number {
  const retried = new Set<string>();
  let anonymous = 0;
  for (const line of text.split('\n')) {
    if (promptOfLine(line)) {
      retried.clear(); // a new instruction from the user: a new task, a new run of attempts
      anonymous = 0;
      continue;
    }
    const reply = assistantTexts(line);
    if (!reply || !reply.texts.some((t) => countRetryPhrases(t) > 0)) continue;
    if (reply.id) retried.add(reply.id);
    else anonymous++;
  }
  return retried.size + anonymous;
}

/** Where a Claude Code main session's transcript is, in the first config folder that has it. */
export async function claudeTranscriptOf(claudeDirs: readonly string[], project: string, sessionId: string): Promise<string | undefined> {
  // Names from the ledger become path parts: refuse anything that could leave the projects folder.
  const safe = (part: string): boolean => part !== '' && part !== '.' && part !== '..' && !/[\\/\0]/.test(part);
  if (!safe(project) || !safe(sessionId)) return undefined;
  for (const dir of claudeDirs) {
    const file = path.join(dir, 'projects', project, `${sessionId}.jsonl`);
    try {
      if ((await fs.stat(file)).isFile()) return file;
    } catch {
      // not in this config folder
    }
  }
  return undefined;
}

/** Reads a transcript's tail again only when its size changed; remembers one count per file. */
export class RetryPhraseCounter {
  private readonly known = new Map<string, { size: number; count: number }>();

  /** The count for `file` now, reading its tail if it grew or shrank since the last call. */
  async count(file: string): Promise<number> {
    const handle = await fs.open(file, 'r');
    try {
      const { size } = await handle.stat();
      const cached = this.known.get(file);
      if (cached && cached.size === size) return cached.count;
      const start = Math.max(0, size - tailBytes);
      const buffer = Buffer.alloc(size - start);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
      const count = retryPhrasesSinceLastPrompt(buffer.subarray(0, bytesRead).toString('utf8'));
      // One session at a time is in progress: keep the memory to the latest few files.
      if (this.known.size >= 8) this.known.clear();
      this.known.set(file, { size, count });
      return count;
    } finally {
      await handle.close();
    }
  }
}
