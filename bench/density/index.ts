// Public face of the density measurement: its instant effect set (the child process, density.child.ts, is run by path).
export { fastMachine, specOf, NODE_ID } from './fake-effects.js';
