import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

/** The API server the dev server forwards to (`npm run dev` listens on 3000 by default). */
const API_TARGET = process.env.TOUCHPOINT_API ?? 'http://localhost:3000';

const root = fileURLToPath(new URL('.', import.meta.url));

const apiProxy: ProxyOptions = {
  target: API_TARGET,
  changeOrigin: true,
  // The API refuses cookie-authenticated writes whose Origin is not its own (CSRF protection); in development the
  // page comes from the Vite server, so present the request as coming from the API's own origin.
  configure: (proxy) => {
    proxy.on('proxyReq', (proxyReq) => {
      if (proxyReq.getHeader('origin') !== undefined)
        proxyReq.setHeader('origin', new URL(API_TARGET).origin);
    });
  },
};

/**
 * Puts the framework (React, router, i18next) into long-lived chunks that a console release does not bust. Ant Design
 * and ECharts are left to the bundler, so each lazily loaded page brings only the components it uses.
 */
function vendorChunk(id: string): string | null {
  if (!id.includes('node_modules')) return null;
  if (
    /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom|cookie|set-cookie-parser)[\\/]/.test(
      id,
    )
  ) {
    return 'react';
  }
  if (/node_modules[\\/](i18next|react-i18next|html-parse-stringify|void-elements)[\\/]/.test(id))
    return 'i18n';
  return null;
}

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: { codeSplitting: { groups: [{ name: vendorChunk, debugName: 'vendor' }] } },
    },
  },
  server: {
    port: 5173,
    proxy: { '/api': apiProxy, '/v1': apiProxy, '/healthz': apiProxy },
  },
  preview: { port: 4173 },
});
