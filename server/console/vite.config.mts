import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// No "type": "module" in package.json on purpose: with it, Vite 8 hands CJS default imports `module.exports`
// (antd's zh_CN locale silently stays English). See ../shared/research/console.md §2.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  resolve: { alias: { '@o2o/shared': fileURLToPath(new URL('../../shared/src/index.ts', import.meta.url)) } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
