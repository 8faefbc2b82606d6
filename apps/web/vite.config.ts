import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

// The API serves dist/ at `/` in production; in dev Vite proxies /api to the API on :3000.
export default defineConfig({
  plugins: [solid()],
  base: '/',
  server: {
    port: 5173,
    proxy: { '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    target: 'es2022',
    // The bench script reads the manifest to sum the JS the list route loads.
    manifest: true,
    sourcemap: false,
  },
});
