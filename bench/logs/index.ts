// Public face of the log measurements: counting numbered lines on the stream, and the logs --follow delay.
export { countLines, type LineCount } from './line-counter.js';
export { followDelays } from './follow-delay.js';
