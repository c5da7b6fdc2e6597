// Public face of the protocol: schemas, types, names and error codes shared by every part of Compartment.
export * from './names.js';
export * from './errors.js';
export * from './limits.js';
export * from './parse.js';
export * from './config.schema.js';
export * from './domain.schema.js';
export * from './deployment.schema.js';
export * from './log.schema.js';
export * from './route.schema.js';
export * from './edge.schema.js';
export * from './member.schema.js';
export * from './transition.schema.js';
export * from './api.schema.js';
export * from './machine-event.schema.js';
export * from './rpc.schema.js';
export * from './subjects.js';
export * from './credentials.js';
