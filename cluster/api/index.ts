// Public face of the API server side: serve every verb with handlers, replies chunked when large.
export { callApi } from './api.call.js';
export { serveApi, replyMessages, type ApiHandlers, type ApiServer } from './api.server.js';
