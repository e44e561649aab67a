#!/bin/sh
# Chaos under load: 20 keep-alive clients on a 2-worker cluster app for SECONDS (default 60)
# while a worker is SIGKILLed every 2 s; then the daemon is SIGKILLed twice, each time followed by
# a CLI command (as a user's next command, or systemd, would start a new daemon). Prints the
# failed requests, the time until the app served again after each daemon kill, the log lines
# lost (each worker numbers its lines: a gap in a pid's numbers is a loss) and the orphans left
# once pmfx is killed at the end (processes of the home still running: should be 0).
# Usage: bench/chaos.sh [SECONDS]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
. "$root/bench/common.sh"
export PMFX_SKIP_BUILD=1
work=$(mktemp -d)
export PMFX_HOME="$work/home"
pmfx="$root/bin/pmfx"
cleanup() {
  "$pmfx" kill >/dev/null 2>&1 || true
  orphans | xargs -r kill -9 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# the processes whose environment names this home, but not pmfx's own JVMs
orphans() {
  for e in /proc/[0-9]*/environ; do
    p=${e#/proc/}; p=${p%/environ}
    if { tr '\0' '\n' < "$e"; } 2>/dev/null | grep -qx "PMFX_HOME=$PMFX_HOME" &&
      ! { tr '\0' ' ' < "/proc/$p/cmdline"; } 2>/dev/null | grep -q 'dev.pmfx.Main'; then
      echo "$p"
    fi
  done
}

port=$(free_port)
cat > "$work/numbered.js" <<'JS'
// hello on PORT, and a numbered line every 10 ms: "seq N pid P"
const http = require('http');
let n = 0;
setInterval(() => console.log(`seq ${n++} pid ${process.pid}`), 10);
http.createServer((req, res) => res.end('hello\n')).listen(Number(process.env.PORT));
JS
cat > "$work/chaos.config.js" <<JS
module.exports = { apps: [{ name: 'numbered', script: '$work/numbered.js', instances: 2,
  exec_mode: 'cluster', merge_logs: true, env: { PORT: '$port' } }] };
JS
"$pmfx" start "$work/chaos.config.js" >/dev/null
wait_port "$port"

worker_pids() { "$pmfx" jlist | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const p of JSON.parse(s))if(p.pid)console.log(p.pid)})'; }

wrk -t2 -c20 -d"${seconds}s" "http://127.0.0.1:$port/" > "$work/wrk.out" 2>&1 &
load=$!
kills=0
t=0
while [ "$t" -lt "$((seconds - 20))" ]; do
  sleep 2
  t=$((t + 2))
  victim=$(worker_pids | shuf -n 1)
  [ -z "$victim" ] || { kill -9 "$victim" 2>/dev/null && kills=$((kills + 1)); } || true
done
# the daemon, twice; each time a CLI command follows at once, then the app's port is polled
: > "$work/back"
for round in 1 2; do
  daemon=$("$pmfx" ping | sed 's/.*pid \([0-9]*\).*/\1/')
  start=$(date +%s%N)
  kill -9 "$daemon"
  "$pmfx" ping >/dev/null 2>&1 || true
  until curl -s -o /dev/null -m 1 "http://127.0.0.1:$port/"; do sleep 0.05; done
  echo $(( ($(date +%s%N) - start) / 1000000 )) >> "$work/back"
  sleep 4
done
wait "$load" 2>/dev/null || true

# lost lines: per pid, the numbers from its first line to its last, against those written
lost=$(cat "$PMFX_HOME"/logs/numbered-out*.log 2>/dev/null | awk '/^seq [0-9]+ pid [0-9]+$/ {
    pid = $4; n = $2
    if (!(pid in lo) || n < lo[pid]) lo[pid] = n
    if (!(pid in hi) || n > hi[pid]) hi[pid] = n
    seen[pid]++
  } END { for (p in seen) missing += hi[p] - lo[p] + 1 - seen[p]; print missing + 0 }')
"$pmfx" kill >/dev/null 2>&1 || true
sleep 1
left=$(orphans | wc -l)

machine
echo "chaos: ${seconds} s of wrk -t2 -c20, a worker SIGKILLed every 2 s ($kills kills), then the daemon twice"
grep -E 'requests in|Socket errors|Non-2xx' "$work/wrk.out" | sed 's/^ *//'
echo "served again after each daemon kill (a CLI command at once): $(tr '\n' ' ' < "$work/back")ms"
echo "log lines lost (gaps in a worker's numbers): $lost"
echo "orphans left after pmfx kill: $left"
