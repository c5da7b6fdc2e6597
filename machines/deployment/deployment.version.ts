// The deployment machine's version, stored with every persisted snapshot: bump it when states or context change shape.

/**
 * 1: the machine before versioning (snapshots without a version are not restored).
 * 2: checking_readiness holds its own deadline (readinessDeadline effect, readiness.deadline event).
 */
export const DEPLOYMENT_MACHINE_VERSION = 2;
