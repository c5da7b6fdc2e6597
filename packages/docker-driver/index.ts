// Public face of the Docker runtime's driver: images from source tarballs, containers, their exits and output, on one engine.
export { DockerDriver } from './docker-driver.js';
export type {
  DockerDriverOptions,
  BuildRequest,
  StartRequest,
  Started,
  ContainerStatus,
  OutputTarget,
} from './driver.types.js';
export type { StoredLine } from './stored-lines.js';
export { DEFAULT_DOCKER_SOCKET, defaultDockerSocket, dockerClient, pingEngine } from './docker-client.js';
export {
  LABELS,
  containerName,
  imageRepository,
  imageTag,
  labelFilter,
  labelsOf,
  keyOfLabels,
  type DockerKey,
} from './docker-names.js';
export type { ExitReport } from './container-watcher.js';
export type { StopResult } from './container-stopper.js';
export type { OutputLine } from './log-follower.js';
export type { LogStreamName } from './log-frames.js';
