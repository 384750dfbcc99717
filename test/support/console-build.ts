import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function newestSource(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const full = path.join(dir, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }, 0);
}

/** True when web/dist exists and is newer than every console source. */
export function consoleBuildIsCurrent(): boolean {
  const index = path.join(ROOT, 'web/dist/index.html');
  if (!existsSync(index)) return false;
  const sources = Math.max(
    newestSource(path.join(ROOT, 'web/src')),
    statSync(path.join(ROOT, 'web/index.html')).mtimeMs,
    statSync(path.join(ROOT, 'web/vite.config.ts')).mtimeMs,
  );
  return statSync(index).mtimeMs >= sources;
}

/**
 * Vitest global setup: builds the console once, before any test file starts a server that serves web/dist (test
 * files run in parallel and must not rebuild it under each other).
 */
export function setup(): void {
  if (consoleBuildIsCurrent()) return;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-web.mjs')], { cwd: ROOT, stdio: 'inherit' });
}
