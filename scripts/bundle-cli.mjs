// Bundles the compiled CLI (dist/packages/cli/main.js) into dist/cli.bundle.cjs, and the edge into dist/edge.bundle.js:
// one file to read instead of hundreds.
// Run after tsc (`npm run build`, scripts/setup, scripts/bench). bin/compartment.js uses the bundle only while it is
// newer than tsc's last build, so a later `npx tsc` alone never runs stale code: it falls back to dist/.
// The CLI bundle is CommonJS because Node 20 keeps a V8 code cache only for scripts (vm.Script), not for ES modules:
// bin/compartment.js runs it with one (see there), and a new bundle drops the caches of the old one.
// An argument names another output file inside dist/ (the test bundles its own copy).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * `up` and `down` stay outside: `up` finds bin/compartment.js from its own module's path, and both are rare and long.
 * The bundle holds no import(): V8 loses a script's dynamic-import callback when it comes from a code cache (Node
 * 20), so these two are imported by bin/compartment.js, through the function it leaves on globalThis.
 */
const keepOutside = {
  name: 'keep-outside',
  setup(b) {
    b.onResolve({ filter: /\/(up|down)\.command\.js$/ }, (args) => ({
      path: args.path.split('/').pop(),
      namespace: 'outside',
    }));
    b.onLoad({ filter: /.*/, namespace: 'outside' }, (args) => {
      const name = `${args.path.replace('.command.js', '')}Command`;
      const path = JSON.stringify(`./packages/cli/commands/${args.path}`);
      return {
        contents: `export const ${name} = (...args) => {
          const load = globalThis.__compartmentImportOutside;
          if (typeof load !== 'function') throw new Error('the CLI bundle runs through bin/compartment.js');
          return load(${path}).then((m) => m.${name}(...args));
        };`,
        loader: 'js',
      };
    });
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
  target: 'node20',
  minify: true,
  logLevel: 'warning',
};

if (!process.argv[2]) {
  rmSync(new URL('../dist/cli.bundle.cjs.v8-cache', import.meta.url), { recursive: true, force: true });
  // The ES module bundle earlier builds wrote: nothing runs it any more.
  rmSync(new URL('../dist/cli.bundle.js', import.meta.url), { force: true });
}

await build({
  ...common,
  format: 'cjs',
  // Every import() becomes a require (see keepOutside).
  supported: { 'dynamic-import': false },
  entryPoints: ['dist/packages/cli/main.js'],
  outfile: process.argv[2] ?? 'dist/cli.bundle.cjs',
  // Loaded only by `inspect --chart` renderings and Docker paths, large, and not needed to start.
  external: ['mermaid', 'dockerode'],
  plugins: [keepOutside, englishOnly],
});

// The edge too: a restarted edge serves again once Node has loaded it, so loading is most of its restart time.
if (!process.argv[2]) {
  await build({
    ...common,
    format: 'esm',
    // The NATS client and others are CommonJS: inside an ES module bundle they need a require of their own.
    banner: {
      js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
    },
    entryPoints: ['dist/nodes/edge/edge.main.js'],
    outfile: 'dist/edge.bundle.js',
    plugins: [englishOnly],
  });
}
