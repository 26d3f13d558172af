import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

/** The Studio that `vite dev` forwards /graphql (HTTP and graphql-ws) to. */
const studioUrl = process.env.MAESTRO_STUDIO_URL ?? 'http://127.0.0.1:4000';

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    proxy: {
      '/graphql': { target: studioUrl, changeOrigin: true, ws: true },
    },
  },
});
