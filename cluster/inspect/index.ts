// Public face of inspection transport: live transitions and the journals of node agents.
export { publishTransition, followTransitions } from './transitions.js';
