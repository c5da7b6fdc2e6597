// A temp directory holding the bench app, rewritten per version (for the contenders that run it without Compartment).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appFiles } from '../apps/index.js';
import type { Cleanup } from '../harness/index.js';

export class AppDir {
  readonly path: string;

  constructor(cleanup: Cleanup, prefix: string) {
    this.path = cleanup.dir(mkdtempSync(join(tmpdir(), `compartment-bench-${prefix}-`)));
  }

  /** Writes the app with this version; a process started afterwards serves it. */
  write(version: string, extra: Record<string, string> = {}): void {
    for (const [name, text] of Object.entries({ ...appFiles(version), ...extra }))
      writeFileSync(join(this.path, name), text);
  }
}
