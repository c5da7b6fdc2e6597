// The statechart transitions node agents report, as the CLI's output reads them (the schema lives in packages/protocol).
export { TransitionReport, TransitionHistory, type RegionState } from '../../protocol/index.js';
export { isTerminal } from '../../../cluster/client/index.js';
