import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { hasAccounts } from '../../app/users.js';
import { createServeApp, isLoopback } from '../../serve/server.js';
import { ClaimwatchError, UsageError } from '../../errors.js';
import { visibleText } from '../../report/visible.js';
import type { Context } from '../context.js';

/** What `serve` ended with. */
export interface ServeResult {
  url: string;
}

function parsePort(v: string | undefined): number {
  const s = v ?? '8765';
  const n = Number(s);
  if (!/^[0-9]+$/.test(s) || n > 65535) throw new UsageError(`--port takes a whole number from 0 to 65535, not '${s}'`);
  return n;
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser opener: the address is printed anyway.
  }
}

/** `claimwatch serve`: runs until SIGINT or SIGTERM; every action is saved when it is made. */
export async function serveCommand(ctx: Context, opts: { host?: string; port?: string; open?: boolean }, stop?: AbortSignal): Promise<ServeResult> {
  const host = (opts.host ?? '127.0.0.1').trim();
  if (!host) throw new UsageError('--host is empty: give an address, e.g. --host 127.0.0.1');
  const port = parsePort(opts.port);
  const db = ctx.open();
  try {
    if (!isLoopback(host) && !hasAccounts(db)) {
      throw new UsageError(`serve --host ${visibleText(host)} would let anyone on the network tag as anyone: add an account first with 'claimwatch users add NAME', or serve on 127.0.0.1`);
    }
  } catch (e) {
    db.close();
    throw e;
  }
  const { app } = createServeApp({ db, host, now: ctx.io.now, logError: (l) => ctx.io.stderr(l) });
  return new Promise<ServeResult>((resolve, reject) => {
    let url = '';
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      url = `http://${shown}:${info.port}/`;
      ctx.io.stderr(`claimwatch serve: ${url} (library ${visibleText(ctx.dbPath)}; Ctrl-C stops)`);
      if (opts.open) openBrowser(url);
    });
    const finish = (): void => {
      process.removeListener('SIGINT', finish);
      process.removeListener('SIGTERM', finish);
      server.close(() => {
        db.close();
        resolve({ url });
      });
      // Keep-alive connections would hold close() open.
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    };
    server.on('error', (e: NodeJS.ErrnoException) => {
      db.close();
      if (e.code === 'EADDRINUSE') reject(new ClaimwatchError(`port ${port} on ${host} is in use: choose another with --port`));
      else if (e.code === 'EADDRNOTAVAIL') reject(new UsageError(`--host ${host} is not an address of this machine: use 127.0.0.1 or one of its addresses`));
      else if (e.code === 'EACCES') reject(new ClaimwatchError(`port ${port} needs privileges: choose one above 1023 with --port`));
      else reject(e);
    });
    process.on('SIGINT', finish);
    process.on('SIGTERM', finish);
    stop?.addEventListener('abort', finish);
  });
}
