import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// The signaling server the dev server forwards to; in production it serves dist/ itself, same origin.
const backend = 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  resolve: {
    // Resolve @roomcast/shared to its TypeScript sources, so the app never needs shared built first.
    conditions: ['roomcast-source', ...defaultClientConditions],
  },
  server: {
    proxy: {
      '/api': backend,
      '/socket.io': { target: backend, ws: true },
      '/healthz': backend,
      '/readyz': backend,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      // The shared package's modules only declare schemas and constants: a chunk that needs one
      // constant (the socket's protocol version) must not pull in every schema and zod with it.
      treeshake: { moduleSideEffects: [{ test: /packages[\\/]shared[\\/]/, sideEffects: false }] },
    },
  },
});
