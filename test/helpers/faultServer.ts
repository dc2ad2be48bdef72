// Real servers on 127.0.0.1 that misbehave on purpose: any handler, raw sockets, TLS with a throwaway cert.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface LocalServer {
  url: string;
  port: number;
  /** Every request seen: method, url and headers (to check where a key was sent). */
  requests: { url: string; headers: IncomingMessage['headers'] }[];
  handler: Handler;
  close(): Promise<void>;
}

async function listen(server: Server | import('node:net').Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** An HTTP server whose behaviour is `handler`, replaceable between requests. */
export function startHttp(handler: Handler): Promise<LocalServer> {
  return serve('http', handler, (listener) => createServer(listener));
}

/** The same over TLS, with the given key and certificate. */
export function startHttps(handler: Handler, tls: { key: string; cert: string }): Promise<LocalServer> {
  return serve('https', handler, (listener) => createHttpsServer(tls, listener).on('tlsClientError', () => undefined));
}

async function serve(scheme: 'http' | 'https', handler: Handler, create: (listener: Handler) => Server): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  const self: LocalServer = {
    url: '',
    port: 0,
    requests: [],
    handler,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = create((req, res) => {
    self.requests.push({ url: req.url ?? '/', headers: req.headers });
    self.handler(req, res);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  self.port = await listen(server);
  self.url = `${scheme}://127.0.0.1:${self.port}`;
  return self;
}

/** A TCP server that hands each raw socket to `onSocket` (for resets and half answers). */
export async function startRaw(onSocket: (socket: Socket) => void): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onSocket(s);
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on (bound, then closed). */
export async function closedPortUrl(): Promise<string> {
  const server = createNetServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A self-signed certificate for 127.0.0.1, made with the openssl CLI into a temp folder at test time. */
export function selfSignedCert(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    return { key: readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}
