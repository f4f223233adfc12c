/**
 * Browser-test plumbing: build the playground, serve web/dist from 127.0.0.1 with a plain
 * static server (as any static host would), and drive Debian's chromium through playwright-core.
 * No browser is ever downloaded: without /usr/bin/chromium the browser tests are skipped.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CONVKIT_CHROMIUM ?? '/usr/bin/chromium';
export const root = new URL('../..', import.meta.url).pathname;
export const dist = join(root, 'web/dist');

/** Why the browser tests cannot run here, or undefined when they can. */
export const skipReason = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} is missing (install Debian's chromium: apt-get install -y chromium); browser tests skipped`;

/** Builds web/dist with Vite; returns the warnings it printed (a Node import in the bundle shows up here). */
export async function buildSite(): Promise<string[]> {
  const { build, createLogger } = await import('vite');
  const warnings: string[] = [];
  const logger = createLogger('warn');
  logger.warn = (msg) => void warnings.push(msg);
  logger.warnOnce = (msg) => void warnings.push(msg);
  await build({ configFile: join(root, 'web/vite.config.ts'), logLevel: 'warn', customLogger: logger });
  return warnings;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** The two headers that make a page cross-origin isolated (SharedArrayBuffer, threads). */
export const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Serves a folder on 127.0.0.1 (a free port); resolves to its base URL. `isolated` adds the
 * cross-origin isolation headers to every response, as `vite preview` and a configured host do.
 */
export async function serve(
  dir: string,
  options: { isolated?: boolean } = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const extra = options.isolated ? ISOLATION : {};
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    let file = join(dir, path);
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { ...extra, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** Starts headless chromium with a fresh profile that is removed on close. */
export async function launch(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'convkit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
