/**
 * `dist/sim.mjs`: omar's scripted agent (docs/sim.md), started in a tmux pane by the
 * sim backend. The only module of the sim with side effects.
 */
import { runSim } from './run-sim.js';

await runSim({
  argv: process.argv.slice(2),
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  exit: (code) => process.exit(code),
  uptimeMs: () => performance.now(),
});
