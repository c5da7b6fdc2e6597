// What a long-running Compartment process does with an error nothing handled: log it, and keep running only if safe.
import type { Logger } from 'pino';

/**
 * An unhandled rejection is one promise's failure that nobody awaited: the process's state is intact, so it is logged
 * loudly and the process keeps serving. An uncaught exception unwound a stack mid-way and may have left state
 * half-changed: it is logged and the process exits non-zero, so its supervisor starts a clean one. Never silently.
 */
export function installCrashGuards(log: Logger): void {
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason }, 'unhandled rejection (kept running)');
  });
  process.on('uncaughtException', (error) => {
    log.fatal({ err: error }, 'uncaught exception: exiting');
    process.exitCode = 70;
    // pino writes synchronously to stdout by default; exit on the next tick so the line is out first.
    setImmediate(() => process.exit(70));
  });
}
