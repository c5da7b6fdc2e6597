// Public face of the bench app: its source, and the project files for each way of running it.
export { BENCH_APP_JS, appFiles, compartmentFiles, dockerFiles, type CompartmentAppOptions } from './bench-app.js';
