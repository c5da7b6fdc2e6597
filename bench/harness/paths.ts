// Where things live when the bench runs from dist/bench: the repository root, results, the executables it drives.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const RESULTS_DIR = join(ROOT, 'bench/results');
export const BENCHMARKS_MD = join(ROOT, 'BENCHMARKS.md');
export const COMPARTMENT_BIN = join(ROOT, 'bin/compartment.js');
export const PM2_BIN = join(ROOT, 'node_modules/pm2/bin/pm2');
