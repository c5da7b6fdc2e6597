// Public face of the API server side: serve every verb with handlers; call it from inside the cluster.
export { callApi } from './api.call.js';
export { serveApi, type ApiHandlers, type ApiMemos, type ApiServer } from './api.server.js';
