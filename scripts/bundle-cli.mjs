// Bundles the compiled CLI (dist/packages/cli/main.js) into dist/cli.bundle.js, and the edge into dist/edge.bundle.js:
// one file to read instead of hundreds.
// Run after tsc (`npm run build`, scripts/setup, scripts/bench). bin/compartment.js uses the bundle only while it is
// newer than tsc's last build, so a later `npx tsc` alone never runs stale code: it falls back to dist/.
// An argument names another output file inside dist/ (the test bundles its own copy).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** `up` and `down` stay outside: `up` finds bin/compartment.js from its own module's path, and both are rare and long. */
const keepOutside = {
  name: 'keep-outside',
  setup(b) {
    b.onResolve({ filter: /\/(up|down)\.command\.js$/ }, (args) => ({
      path: `./packages/cli/commands/${args.path.split('/').pop()}`,
      external: true,
    }));
  },
};

/** zod's 40 locales are a quarter of the bundle; only English (zod's default) is ever used. */
const englishOnly = {
  name: 'english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes('/zod/') ? { path: args.importer, namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(new URL('../locales/en.js', `file://${args.path}`).pathname)};`,
      resolveDir: root,
    }));
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  // The NATS client and others are CommonJS: inside an ES module bundle they need a require of their own.
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
  },
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: ['dist/packages/cli/main.js'],
  outfile: process.argv[2] ?? 'dist/cli.bundle.js',
  // Loaded only by `inspect --chart` renderings and Docker paths, large, and not needed to start.
  external: ['mermaid', 'dockerode'],
  plugins: [keepOutside, englishOnly],
});

// The edge too: a restarted edge serves again once Node has loaded it, so loading is most of its restart time.
if (!process.argv[2]) {
  await build({
    ...common,
    entryPoints: ['dist/nodes/edge/edge.main.js'],
    outfile: 'dist/edge.bundle.js',
    plugins: [englishOnly],
  });
}
