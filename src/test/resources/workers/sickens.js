// An HTTP app for health-check tests, on the port PORT names. '/healthz' answers 200, except:
// SLOW_START_MS: 500 for that long after it starts; SICK_AFTER: after that many /healthz answers
// it turns sick, for good: 500 (SICK=500, the default) or no answer at all (SICK=hang). Only the
// instance SICK_INSTANCE names turns sick (every one when unset), and only once: it leaves the
// file SICK_MARK behind, and a worker that finds it there stays well. Other paths answer its pid.
const http = require('http');
const fs = require('fs');
const started = Date.now();
const mark = process.env.SICK_MARK;
const instance = process.env.NODE_APP_INSTANCE;
const mayTurn =
  process.env.SICK_AFTER !== undefined &&
  (process.env.SICK_INSTANCE === undefined || process.env.SICK_INSTANCE === instance) &&
  !(mark && fs.existsSync(mark));
let checks = 0;
let sick = false;
const server = http.createServer((req, res) => {
  if (req.url !== '/healthz') {
    res.end(String(process.pid));
    return;
  }
  if (Date.now() - started < Number(process.env.SLOW_START_MS || 0)) {
    res.statusCode = 500;
    res.end('starting');
    return;
  }
  if (mayTurn && !sick && checks >= Number(process.env.SICK_AFTER)) {
    sick = true;
    if (mark) {
      fs.writeFileSync(mark, String(process.pid));
    }
    console.log('turning sick');
  }
  checks++;
  if (sick && process.env.SICK === 'hang') {
    return; // accepted, never answered
  }
  res.statusCode = sick ? 500 : 200;
  res.end(sick ? 'sick' : 'ok');
});
server.listen(Number(process.env.PORT));
