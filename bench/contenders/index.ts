// Public face of the contenders: every way of replacing a running service the bench compares, and their shared parts.
export type { Contender, OpResult } from './contender.js';
export { CompartmentContender, stageDurations, type CompartmentOptions } from './compartment.contender.js';
export { BenchProject, type RouteWrite, type CliRun } from './compartment-project.js';
export { Pm2Contender, Pm2App, PM2_INSTANCES } from './pm2.contender.js';
export { StopStartContender } from './stop-start.contender.js';
export { CaddyPatchContender } from './caddy-patch.contender.js';
