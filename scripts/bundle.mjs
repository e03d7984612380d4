// Bundles the executables with esbuild:
// - dist/omar.mjs: the CLI and daemon (one file per entry plus shared chunks, loaded lazily);
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const common = {
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { OMAR_VERSION: JSON.stringify(pkg.version) },
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __omarCreateRequire } from 'node:module';\nconst require = __omarCreateRequire(import.meta.url);",
  },
};

await build({
  ...common,
  entryPoints: { omar: 'src/cli/bin.ts' },
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
});
