// Public face of the one API client the CLI, the dashboard and the tests share: watch records and transitions, upload sources.
export { apiCaller, type ApiCaller } from './api-caller.js';
export {
  followRecords,
  watchUntilTerminal,
  type WatchEvent,
  type WatchResult,
  type FollowOptions,
} from './record-watch.client.js';
export {
  watchTransitions,
  transitionsOf,
  isTerminal,
  type TransitionWatchResult,
  type TransitionWatchOptions,
} from './transition-watch.client.js';
export { uploadSource } from './source-upload.client.js';
export { followAll, type FollowAllOptions } from './feed.client.js';
