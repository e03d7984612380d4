/** The `omar` executable: the only module of the CLI with side effects. */
import { runCli } from './main.js';

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  isTty: Boolean(process.stdout.isTTY && process.stdin.isTTY),
});
process.exitCode = code;
// Never hang on a stray handle once the command is done; stdout is flushed first.
setTimeout(() => process.exit(code), 2000).unref();
