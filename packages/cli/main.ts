// Entry of the `compartment` CLI (bin/compartment.js runs it): run the command line, then exit with its code.
import { runCli } from './run-cli.js';

// `compartment logs | head` closes stdout early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1));
// No top-level await: the bundle of this file is CommonJS (bin/compartment.js runs it with a V8 code cache).
void runCli(process.argv.slice(2)).then((code) => {
  // Flush stdout, then exit even if a library left a handle open.
  process.stdout.write('', () => process.exit(code));
});
