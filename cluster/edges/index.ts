// Public face of edges: scatter-gather of edge states, and the responder side an edge runs.
export { edgeStates, serveEdgeState } from './edge-state.js';
