// Example web service: answers / with a greeting and its version, /ready once warmed up, drains on SIGTERM.
const http = require('node:http');

const port = Number(process.env.PORT || 3000);
const version = require('./package.json').version;
const warmupMs = Number(process.env.WARMUP_MS || 300);
let ready = false;
setTimeout(() => (ready = true), warmupMs);

const server = http.createServer((req, res) => {
  if (req.url === '/ready') {
    res.writeHead(ready ? 200 : 503).end(ready ? 'ready' : 'warming up');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(`${process.env.GREETING || 'hello'} (web ${version}, pid ${process.pid})\n`);
});
server.keepAliveTimeout = 5000;
server.listen(port, () => console.log(`server listening on :${port}`));

process.on('SIGTERM', () => {
  console.log('SIGTERM: closing');
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
