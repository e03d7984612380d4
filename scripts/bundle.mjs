// Bundles the executables with esbuild:
// - dist/omar.mjs: the CLI and daemon (one file per entry plus shared chunks, loaded lazily);
// - dist/mcp-server.mjs: `omar mcp-server`, the stdio MCP server every agent CLI starts.
//   One self-contained file (no chunks) holding only the MCP SDK, zod, the operation
//   registry and the control client, so each agent pays the least start-up time and memory.
// - dist/sim.mjs: the scripted `sim` agent (src/sim), an MCP client in a tmux pane. Also
//   one self-contained file, with the same stubs: a hundred of them run at once.
import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { build } from 'esbuild';

// Old chunks would pile up: every build names its chunks by content hash.
rmSync(new URL('../dist/chunks', import.meta.url), { recursive: true, force: true });

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

// What the MCP server bundle leaves out. Start-up of every agent's server is dominated by
// compiling the bundle, so these parts the server never runs are replaced by small stubs
// (about 1.6 MB → 0.5 MB of source). A stub that is reached fails loudly; the integration
// tests run the built bundle.
const unused = (why) => `throw new Error(${JSON.stringify(`omar mcp-server: ${why} is not bundled`)})`;
const MCP_STUBS = [
  {
    // JSON Schema validation of client answers (elicitation), which the server never asks for:
    // two copies of ajv, ajv-formats and fast-uri.
    filter: /[\\/]@modelcontextprotocol[\\/]sdk[\\/]dist[\\/]esm[\\/]validation[\\/]ajv-provider\.js$/,
    contents: `export class AjvJsonSchemaValidator { getValidator() { ${unused('JSON Schema validation (ajv)')}; } }`,
  },
  {
    // zod 3 support: every omar schema is zod 4.
    filter: /[\\/]node_modules[\\/]zod[\\/]v3[\\/]index\.js$/,
    contents: `export function object() { ${unused('zod 3')}; }`,
  },
  {
    filter: /[\\/]node_modules[\\/]zod-to-json-schema[\\/]dist[\\/]esm[\\/]index\.js$/,
    contents: `export function zodToJsonSchema() { ${unused('zod-to-json-schema (zod 3)')}; }`,
  },
  {
    // zod's translated error messages: only English is used (z.locales.en stays).
    filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/,
    contents: "export { default as en } from './en.js';",
  },
];
const stubsUsed = new Set();
const mcpStubs = {
  name: 'omar-mcp-stubs',
  setup(b) {
    for (const stub of MCP_STUBS) {
      b.onLoad({ filter: stub.filter }, (args) => {
        stubsUsed.add(stub);
        return { contents: stub.contents, loader: 'js', resolveDir: dirname(args.path) };
      });
    }
  },
};

// Fails the build when a bundle that must stay small pulls in one of these inputs.
const assertLeanBundle = (file, metafile, forbidden) => {
  const leaked = Object.keys(metafile.inputs).filter((input) => forbidden.some((re) => re.test(input)));
  if (leaked.length > 0) {
    console.error(`${file} must not include:\n  ${leaked.join('\n  ')}`);
    process.exit(1);
  }
};
const HEAVY_DEPENDENCIES = /node_modules\/(pino|execa|marked|marked-terminal|lowdb|smol-toml|croner|immer)\//;

const mcp = await build({
  ...common,
  entryPoints: { 'mcp-server': 'src/mcp/stdio-entry.ts' },
  splitting: false,
  minify: true,
  metafile: true,
  plugins: [mcpStubs],
});

// A dependency update may move a stubbed module: the bundle still works, but grows.
for (const stub of MCP_STUBS) {
  if (!stubsUsed.has(stub))
    console.warn(`bundle: the MCP stub ${stub.filter} matched nothing; dist/mcp-server.mjs may have grown.`);
}

// The MCP server must stay a thin proxy: fail the build if it ever pulls in the CLI,
// the daemon or a heavy dependency.
assertLeanBundle('dist/mcp-server.mjs', mcp.metafile, [/^src\/cli\//, /^src\/daemon\//, HEAVY_DEPENDENCIES]);

// The sim agent: the MCP SDK client, zod and its own pure modules. Its client never
// validates tool outputs with ajv (src/sim/tool-client.ts), so the same stubs apply.
const sim = await build({
  ...common,
  entryPoints: { sim: 'src/sim/main.ts' },
  splitting: false,
  minify: true,
  metafile: true,
  plugins: [mcpStubs],
});
// Nor the operation registry or the MCP server: the sim is a client, like any agent CLI.
assertLeanBundle('dist/sim.mjs', sim.metafile, [
  /^src\/(cli|daemon|mcp)\//,
  /^src\/core\/operations\//,
  /^src\/runtime\//,
  HEAVY_DEPENDENCIES,
]);
