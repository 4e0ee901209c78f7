import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The dashboard (src/dashboard, a React app) built into dist/dashboard, which the server serves
 * at `/` (src/server/dashboard.ts). Built by scripts/build-dashboard.mjs (npm run build, npm
 * start when stale); its libraries are build-time only.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./src/dashboard', import.meta.url)),
  base: '/',
  plugins: [react()],
  publicDir: false,
  logLevel: 'warn',
  // npm run dev:dashboard: the app with hot reload, the API from `npm run dev` on :4000.
  server: {
    proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true } },
  },
  // ELK's layout runs in a classic worker (src/dashboard/graph/layout.ts).
  worker: { format: 'iife', rolldownOptions: { output: { name: 'elkWorker' } } },
  build: {
    outDir: fileURLToPath(new URL('./dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 4000,
  },
});
