// A local HTTP server for the standalone dashboard page: the page shell with the
// real CSP, the built bundle, the VS Code API stub, theme variables and fixture data.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { dashboardHtml } from '../../media/dashboardHtml';

const root = path.join(__dirname, '..', '..');

export function startServer(fixtureJs: string): Promise<{ server: http.Server; origin: string }> {
  const files: Record<string, [string, string]> = {
    '/dist/media/dashboard.js': [path.join(root, 'dist', 'media', 'dashboard.js'), 'text/javascript'],
    '/dist/media/dashboard.css': [path.join(root, 'dist', 'media', 'dashboard.css'), 'text/css'],
    '/hostStub.js': [path.join(__dirname, 'hostStub.js'), 'text/javascript'],
    '/themes.css': [path.join(__dirname, 'themes.css'), 'text/css'],
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (url.pathname === '/' || url.pathname === '/index.html') {
      const html = dashboardHtml({
        cspSource: origin,
        nonce: randomBytes(16).toString('base64'),
        scriptUri: `${origin}/dist/media/dashboard.js`,
        styleUri: `${origin}/dist/media/dashboard.css`,
        preludeScriptUris: [`${origin}/hostStub.js`, `${origin}/fixture.js`],
        extraStyleUris: [`${origin}/themes.css`],
      });
      // VS Code starts the page with the theme's class on <body>; the stub page takes it from the URL.
      const theme = url.searchParams.get('theme') ?? 'vscode-dark';
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html.replace('<body>', `<body class="${theme.replace(/[^a-z-]/g, '')}">`));
      return;
    }
    if (url.pathname === '/fixture.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(fixtureJs);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const mapFile = /^\/dist\/media\/dashboard\.(js|css)\.map$/.test(url.pathname) ? path.join(root, url.pathname) : undefined;
    const file = mapFile ? [mapFile, 'application/json'] : files[url.pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file[1] });
    res.end(readFileSync(file[0]));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}
