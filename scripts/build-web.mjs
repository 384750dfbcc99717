// Builds the console (web/) into web/dist with Vite, which the server then serves. Exits non-zero on failure so
// that `npm run build` and CI stop.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

// A NODE_ENV inherited from the caller (vitest sets "test") would make Vite emit a development build of React and
// Ant Design; the console is always built for production.
process.env.NODE_ENV = 'production';

const configFile = fileURLToPath(new URL('../web/vite.config.ts', import.meta.url));

try {
  await build({ configFile, mode: 'production', logLevel: process.env.CI ? 'warn' : 'info' });
} catch (error) {
  console.error('Console build failed:', error instanceof Error ? error.message : error);
  process.exit(1);
}
