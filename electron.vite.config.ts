import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY_META } from './src-main/core/csp';

const root = import.meta.dirname;

/** Writes the app's one CSP into index.html, so the file:// page in Electron is covered too. */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'aepo-lab-csp-meta',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY_META },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      rollupOptions: {
        input: {
          // The Electron entry, and the CLI (which also runs serve mode) built from the same modules.
          index: resolve(root, 'src-main/shell/main.ts'),
          cli: resolve(root, 'src-main/cli/entry.ts'),
          // Worker threads load their own entry file; training and rollouts never run on the UI's event loop.
          'sampler-worker': resolve(root, 'src-main/model/sampler-worker.ts'),
          'run-worker': resolve(root, 'src-main/experiments/execution/run-worker.ts'),
          // The python sandbox's entry, run by Deno in its own process, and its interpreter Workers' entry (each
          // imports nothing: each stays one file).
          'python-sandbox': resolve(root, 'src-main/tools/python/sandbox-host.ts'),
          'python-interpreter': resolve(root, 'src-main/tools/python/sandbox-interpreter.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload can't require node_modules, so everything it uses is bundled into one CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'src-main/shell/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [vue(), contentSecurityPolicyMeta()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
  },
});
