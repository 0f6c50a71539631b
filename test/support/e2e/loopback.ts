import * as http from 'http';
import * as net from 'net';

/** The only address the end-to-end test uses. */
export const LOOPBACK = '127.0.0.1';

/**
 * A port free on loopback right now: the kernel picks it for a throwaway listener, which is closed before
 * the port is handed to a program. Another process could take it in between; a program that then fails
 * to bind says so in its log, which {@link Daemon} reports.
 */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, resolve);
  });
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts an HTTP server on a kernel-chosen loopback port; returns it with its `127.0.0.1:port`. */
export async function listenOnLoopback(handler: http.RequestListener): Promise<{ server: http.Server; address: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, resolve);
  });
  return { server, address: `${LOOPBACK}:${(server.address() as net.AddressInfo).port}` };
}

/** Closes a server, dropping kept-alive connections (Alertmanager keeps its webhook connections open). */
export async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Result of {@link httpGet}. */
export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * GET without keep-alive (no connection outlives the test) and with a short timeout; a refused
 * connection gives status 0, since the callers poll servers that are still starting.
 */
export function httpGet(url: string, timeoutMs = 2_000): Promise<HttpResponse> {
  return responseOf((onResponse) => http.get(url, { agent: false, timeout: timeoutMs }, onResponse));
}

/** The status and body of the response to the request `send` starts; a failed or timed-out request gives status 0. */
export function responseOf(send: (onResponse: (response: http.IncomingMessage) => void) => http.ClientRequest): Promise<HttpResponse> {
  return new Promise((resolve) => {
    const request = send((response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', () => resolve({ status: 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error) => resolve({ status: 0, body: String(error) }));
  });
}

/** Options of {@link waitFor}. */
export interface WaitOptions {
  readonly timeoutMs: number;
  /** @default 200 */
  readonly intervalMs?: number;
  /** What to show when the wait times out (state of the servers, what was received so far). */
  readonly diagnostics?: () => Promise<string>;
}

/**
 * Polls `probe` until it returns a value, at most `timeoutMs`: a wait that is bounded and that fails with
 * what was awaited and the diagnostics, rather than with Jest's bare test timeout.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) {
      const details = options.diagnostics ? `\n${await options.diagnostics()}` : '';
      throw new Error(`timed out after ${options.timeoutMs / 1000}s waiting for ${what}${details}`);
    }
    await sleep(options.intervalMs ?? 200);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
