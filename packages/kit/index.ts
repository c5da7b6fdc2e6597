// Small idioms every layer shares, written once: free-port picking and restart backoff (sleep is node:timers/promises).
export { kernelPort } from './free-port.js';
export { RestartBackoff } from './restart-backoff.js';
export { RESTART_POLICIES, type RestartPolicy } from './restart-policies.js';
