// Public face of the report: regenerate BENCHMARKS.md from the stored results.
export { writeBenchmarksMd } from './benchmarks-md.js';
