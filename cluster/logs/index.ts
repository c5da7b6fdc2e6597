// Public face of logs: the batching publisher, the tail reader and the follower.
export { LogPublisher, DEFAULT_BATCHER_OPTIONS, type LogPublisherOptions } from './log.publisher.js';
export type { LogMeta, LineInput, BatcherOptions } from './log-batcher.js';
export { readLogs, type ReadLogsOptions, type ReadLogsResult } from './log.reader.js';
export { followLogs, type LogFollow, type FollowedLine } from './log-follow.js';
export { logSubjectOf, selectTail, type LogFilter } from './log-order.js';
