/**
 * The live dashboard's files (plain HTML, CSS and JavaScript modules in ./dashboard/, shipped in
 * the package: the build copies them beside the compiled server), read once per server and
 * served from memory at `/` and `/dashboard/<file>`. They hold no data of the network: the page
 * reads everything from `/api/...` and `/events`, with the token when the server has one.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

/** One file of the dashboard. */
interface Asset {
  readonly contentType: string;
  readonly body: Buffer;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
  md: 'text/markdown; charset=utf-8',
};

/** Pages besides the dashboard itself, by file: served at their own paths. */
const PAGES: Readonly<Record<string, string>> = { 'index.html': '/', 'runbook.html': '/runbook' };

/** The folder of the dashboard's files, beside this module (lib/serve/ from source, dist/serve/ built). */
const FOLDER = new URL('./dashboard/', import.meta.url);

/** Where the runbook (docs/operations.md) is served: the page `/runbook` shows it. */
const RUNBOOK_PATH = '/dashboard/operations.md';

/** The dashboard's files by URL path (`/` is index.html). */
export type DashboardAssets = ReadonlyMap<string, Asset>;

let loaded: Promise<DashboardAssets> | undefined;

/** The dashboard's files, read once per process (they change only with the package). */
export function loadDashboardAssets(): Promise<DashboardAssets> {
  loaded ??= readAssets();
  // A failed read is not kept: the next server tries again.
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

async function readAssets(): Promise<DashboardAssets> {
  const assets = new Map<string, Asset>();
  for (const name of await readdir(FOLDER)) {
    const contentType = CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)];
    if (contentType === undefined) continue;
    const body = await readFile(new URL(name, FOLDER));
    assets.set(PAGES[name] ?? `/dashboard/${name}`, { contentType, body });
  }
  // The runbook: copied beside the dashboard by the build; read from the repository's docs/ when run from source.
  if (!assets.has(RUNBOOK_PATH)) {
    const body = await readFile(new URL('../../docs/operations.md', import.meta.url)).catch(() => undefined);
    if (body !== undefined) assets.set(RUNBOOK_PATH, { contentType: CONTENT_TYPES['md']!, body });
  }
  if (!assets.has('/')) throw new Error(`the dashboard's index.html is missing from ${FOLDER.pathname}`);
  return assets;
}

/** True when `path` is one of the dashboard's files. */
export function isDashboardPath(assets: DashboardAssets | undefined, path: string): boolean {
  return assets?.has(path) === true;
}

/** Writes the dashboard file at `path` (known to exist). */
export function sendAsset(assets: DashboardAssets, path: string, response: ServerResponse): void {
  const asset = assets.get(path)!;
  // The page and its modules change only with the package: a reload picks up a new version.
  response.writeHead(200, {
    'content-type': asset.contentType,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
  });
  response.end(asset.body);
}
