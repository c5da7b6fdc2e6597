// Public face of the dashboard: start one on a NATS connection (the `compartment dashboard` entry is dashboard.main.ts).
export { startDashboard, type Dashboard, type DashboardOptions } from './dashboard.js';
