// Public face of inspection transport: live transitions and the journals of node agents.
export { publishTransition, followTransitions, serveTransitionHistory, requestTransitionHistory } from './transitions.js';
