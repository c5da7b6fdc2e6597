// The page's files (beside this folder's sources) and Mermaid's browser bundle from node_modules: everything local, no CDN.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';

/** Compiled to dist/nodes/dashboard/: the page stays in the source tree, it needs no build. */
const PAGE_DIR = fileURLToPath(new URL('../../../nodes/dashboard/page/', import.meta.url));
const MERMAID = join(fileURLToPath(new URL('.', import.meta.resolve('mermaid'))), 'mermaid.min.js');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** `/` → index.html, `/app/x.js` → page/x.js, `/vendor/mermaid.min.js` → the bundle; null for anything else. */
export function assetPath(urlPath: string): string | null {
  if (urlPath === '/' || urlPath === '/index.html') return join(PAGE_DIR, 'index.html');
  if (urlPath === '/vendor/mermaid.min.js') return MERMAID;
  if (!urlPath.startsWith('/app/')) return null;
  let rel: string;
  try {
    rel = normalize(decodeURIComponent(urlPath.slice('/app/'.length)));
  } catch {
    return null; // malformed %-escape
  }
  if (rel.startsWith('..') || rel.includes('\0') || !TYPES[extname(rel)]) return null;
  return join(PAGE_DIR, rel);
}

export async function serveAsset(path: string, res: ServerResponse): Promise<boolean> {
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch {
    return false;
  }
  const vendor = path === MERMAID;
  res.writeHead(200, {
    'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
    'content-length': body.length,
    // Mermaid only changes with an npm install; our own files change while someone works on them.
    'cache-control': vendor ? 'public, max-age=86400' : 'no-cache',
  });
  res.end(body);
  return true;
}
