import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Tauri expects a fixed dev port and reads the built files from ./dist.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    watch: { ignored: ['**/src-tauri/**'] },
    // Tests only: src/shell.test.ts reads tauri.conf.json and
    // scripts/install-deps.sh beside ui/, so the packaging cannot drift from
    // app.css. (A "?raw" import is checked as a path under an allowed
    // directory.) The dev server keeps Vite's default: ui/ alone.
    fs: process.env.VITEST ? { allow: ['..'] } : undefined,
  },
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebView2 (Windows) is evergreen; WebKitGTK / WKWebView lag behind.
    target: ['chrome105', 'safari15'],
  },
  // Tests run the browser build of Svelte (mount, not SSR).
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test-setup.ts'],
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
    // Stylesheets stay out of jsdom, but "?raw" imports get their text
    // (src/shell.test.ts compares app.css with index.html).
    css: { include: [/\.css\?raw$/] },
  },
});
