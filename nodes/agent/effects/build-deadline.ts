// The build's own time limit: a build still running after buildTimeoutMs is aborted (its process group killed, or Docker's build cancelled).
import {
  CompartmentError,
  DEFAULT_BUILD_TIMEOUT_MS,
  DEFAULT_RELEASE_TIMEOUT_MS,
} from '../../../packages/protocol/index.js';
import type { DeploymentSpec } from '../../../machines/deployment/index.js';

/** Runs `build` with a signal that also fires after the service's build timeout; a timed-out build fails saying so. */
export async function withBuildTimeout(
  spec: DeploymentSpec,
  signal: AbortSignal,
  build: (signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const timeoutMs = spec.service.buildTimeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    await build(AbortSignal.any([signal, timeout]));
  } catch (error) {
    // Aborted by our timer, not by the machine leaving the build (superseded, node stopped): name the limit.
    if (timeout.aborted && !signal.aborted) {
      throw new CompartmentError(
        'BUILD_FAILED',
        `timed out after ${timeoutMs} ms (buildTimeoutMs); the build's processes were killed`,
      );
    }
    throw error;
  }
}

/** The release command's own limit (releaseTimeoutMs): a release still running after it is killed, failing the deployment. */
export async function withReleaseTimeout(
  spec: DeploymentSpec,
  signal: AbortSignal,
  release: (signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const timeoutMs = spec.service.releaseTimeoutMs ?? DEFAULT_RELEASE_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    await release(AbortSignal.any([signal, timeout]));
  } catch (error) {
    if (timeout.aborted && !signal.aborted) {
      throw new CompartmentError(
        'BUILD_FAILED',
        `release command timed out after ${timeoutMs} ms (releaseTimeoutMs); its processes were killed`,
      );
    }
    throw error;
  }
}
