import * as os from 'node:os';
import * as path from 'node:path';

/** Where Tokenmeter keeps its persisted indexes (shared by every window and the CLI). */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TOKENMETER_CACHE_DIR) return env.TOKENMETER_CACHE_DIR;
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA ?? os.tmpdir(), 'tokenmeter', 'cache');
  return path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'tokenmeter');
}
