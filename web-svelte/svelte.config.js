import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/**
 * Built with adapter-node into build/: Studio imports build/handler.js and mounts it after
 * /graphql, the probes and /metrics, so the dashboard and the API share one origin.
 *
 * @type {import('@sveltejs/kit').Config}
 */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: {
    // Runes everywhere in this package; libraries keep their own mode.
    runes: ({ filename }) => (filename.split(/[/\\]/).includes('node_modules') ? undefined : true),
  },
  kit: {
    adapter: adapter({ out: 'build', precompress: false }),
  },
};

export default config;
