// Example worker: announces readiness with a file, then does a unit of work every few seconds.
const fs = require('node:fs');

fs.writeFileSync('ready.flag', String(process.pid));
let n = 0;
const timer = setInterval(() => console.log(`worker tick ${++n}`), 2000);
console.log('worker started');
process.on('SIGTERM', () => {
  clearInterval(timer);
  console.log('worker stopping');
  process.exit(0);
});
