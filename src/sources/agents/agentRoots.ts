import * as path from 'node:path';

/**
 * Folders listed in an environment variable, comma-separated (as `CLAUDE_CONFIG_DIR`),
 * resolved and without repeats. Undefined when the variable is unset or blank, so callers
 * fall back to the folders the agent itself uses.
 */
export function dirsFromEnv(env: NodeJS.ProcessEnv, name: string): string[] | undefined {
  const dirs = (env[name] ?? '').split(',').map((d) => d.trim()).filter(Boolean);
  return dirs.length > 0 ? unique(dirs) : undefined;
}

export function unique(dirs: string[]): string[] {
  return [...new Set(dirs.map((d) => path.resolve(d)))];
}

// Desktop builds of VS Code and its forks, by the folder name they keep user data under.
const desktopProducts = ['Code', 'Code - Insiders', 'Code - OSS', 'VSCodium', 'Cursor', 'Windsurf'];
// Remote servers (SSH, WSL, dev containers, Codespaces) keep `data/User` under the remote home.
const serverFolders = ['.vscode-server', '.vscode-server-insiders', '.vscodium-server', '.cursor-server', '.windsurf-server'];

/**
 * Every VS Code `User/globalStorage` folder an extension's storage may live in on this
 * machine: stable, Insiders, OSS builds and forks (VSCodium, Cursor, Windsurf), the
 * remote servers, code-server and portable mode. Only the running platform's layout is
 * listed, so detection costs one `stat` per candidate.
 * https://code.visualstudio.com/docs/editor/portable#_enable-portable-mode
 */
export function vscodeGlobalStorageDirs(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform = process.platform): string[] {
  let configBase: string;
  if (platform === 'win32') configBase = env.APPDATA?.trim() || path.join(home, 'AppData', 'Roaming');
  else if (platform === 'darwin') configBase = path.join(home, 'Library', 'Application Support');
  else configBase = env.XDG_CONFIG_HOME?.trim() || path.join(home, '.config');
  const dirs = desktopProducts.map((product) => path.join(configBase, product, 'User', 'globalStorage'));
  if (platform !== 'win32') {
    for (const server of serverFolders) dirs.push(path.join(home, server, 'data', 'User', 'globalStorage'));
    dirs.push(path.join(env.XDG_DATA_HOME?.trim() || path.join(home, '.local', 'share'), 'code-server', 'User', 'globalStorage'));
  }
  if (env.VSCODE_PORTABLE?.trim()) dirs.push(path.join(env.VSCODE_PORTABLE.trim(), 'user-data', 'User', 'globalStorage'));
  return unique(dirs);
}
