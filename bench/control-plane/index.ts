// Public face of the control-plane helpers: seeding deployment history and loading the status verb.
export { seedRecords } from './status-seed.js';
export { statusLoad, type StatusLoadResult } from './status-load.js';
export { authCost, type AuthCostData } from './auth-cost.js';
