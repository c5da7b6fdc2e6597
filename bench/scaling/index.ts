// Public face of the scaling helpers: a process's CPU and memory, a project of n services.
export { usageOf } from './agent-usage.js';
export { scalingFiles, serviceName } from './scaling-project.js';
