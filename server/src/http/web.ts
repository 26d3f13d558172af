import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RequestHandler } from 'express';

/** Where `npm run build -w web-svelte` puts the dashboard (adapter-node). */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web-svelte/build', import.meta.url));

/** The built dashboard's request handler, or undefined when it has not been built. */
export async function loadWebHandler(webDir: string): Promise<RequestHandler | undefined> {
  const file = path.join(webDir, 'handler.js');
  if (!existsSync(file)) return undefined;
  const module = (await import(pathToFileURL(file).href)) as { handler?: RequestHandler };
  return module.handler;
}
