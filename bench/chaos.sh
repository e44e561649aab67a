#!/bin/sh
# Chaos under load: 20 keep-alive clients on a 2-worker cluster app for SECONDS (default 60)
# while a worker is SIGKILLed every 2 s; then the daemon is SIGKILLed twice, each time followed by
# a CLI command (as a user's next command, or systemd, would start a new daemon). Prints the
# failed requests, the time until the app served again after each daemon kill and the new
# connections refused meanwhile, whether the new daemon adopted the same worker processes, the log
# lines lost (each worker numbers its lines: a gap in a pid's numbers is a loss) and the orphans
# left once the manager is killed at the end (workers of the home still running: should be 0).
# MANAGER is pmfx (the default) or pm2, for the same run under PM2 from npm: its app saved with
# `pm2 save`, and `pm2 resurrect` as the command after each kill (a new PM2 daemon starts empty).
# Usage: bench/chaos.sh [SECONDS [MANAGER]]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
manager=${2:-pmfx}
. "$root/bench/common.sh"
export PMFX_SKIP_BUILD=1
work=$(mktemp -d)
export PMFX_HOME="$work/home"
export PM2_HOME="$work/pm2"
pmfx="$root/bin/pmfx"
case "$manager" in
  pmfx)
    mgr() { "$pmfx" "$@"; }
    daemon_pid() { "$pmfx" ping | sed 's/.*pid \([0-9]*\).*/\1/'; }
    after_kill() { "$pmfx" ping; }
    home=$PMFX_HOME; marker=PMFX_SUPERVISOR
    ;;
  pm2)
    mgr() { "$pm2" "$@"; }
    daemon_pid() { cat "$PM2_HOME/pm2.pid"; }
    after_kill() { "$pm2" resurrect; }
    home=$PM2_HOME; marker=pm_id
    ;;
  *) echo "MANAGER is pmfx or pm2, not $manager" >&2; exit 2 ;;
esac
cleanup() {
  mgr kill >/dev/null 2>&1 || true
  orphans | xargs -r kill -9 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# the workers of this home still running: processes whose environment names this home and a
# supervisor's mark (this script and what it runs name the home, but carry no mark)
orphans() {
  for e in /proc/[0-9]*/environ; do
    p=${e#/proc/}; p=${p%/environ}
    env=$({ tr '\0' '\n' < "$e"; } 2>/dev/null) || continue
    if printf '%s\n' "$env" | grep -qx "$( [ "$manager" = pmfx ] && echo PMFX_HOME || echo PM2_HOME )=$home" &&
      printf '%s\n' "$env" | grep -q "^$marker=" &&
      [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ]; then
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
mgr start "$work/chaos.config.js" >/dev/null
wait_port "$port"
[ "$manager" = pm2 ] && "$pm2" save >/dev/null

worker_pids() { mgr jlist | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const p of JSON.parse(s))if(p.pid)console.log(p.pid)})'; }

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
# the daemon, twice; each time a new connection is tried every 20 ms from the kill until one is
# served, and a CLI command follows the kill at once (as a user's next command, or systemd, would
# start a new daemon). The workers are to be the same processes after as before.
: > "$work/back"
: > "$work/probes"
kept=0
for round in 1 2; do
  daemon=$(daemon_pid)
  before=$(worker_pids | sort | tr '\n' ' ')
  start=$(date +%s%N)
  kill -9 "$daemon"
  (
    refused=0
    until curl -s -o /dev/null -m 2 "http://127.0.0.1:$port/"; do
      refused=$((refused + 1)); sleep 0.02
      [ $(( $(date +%s%N) - start )) -lt 30000000000 ] || break
    done
    echo "$refused" >> "$work/probes"
    echo $(( ($(date +%s%N) - start) / 1000000 )) >> "$work/back"
  ) &
  probe=$!
  after_kill >/dev/null 2>&1 || true
  wait "$probe"
  sleep 3
  after=$(worker_pids | sort | tr '\n' ' ')
  [ "$before" = "$after" ] && kept=$((kept + 1))
  sleep 1
done
wait "$load" 2>/dev/null || true

# lost lines: per pid, the numbers from its first line to its last, against those written
lost=$(cat "$home"/logs/numbered-out*.log 2>/dev/null | awk '/^seq [0-9]+ pid [0-9]+$/ {
    pid = $4; n = $2
    if (!(pid in lo) || n < lo[pid]) lo[pid] = n
    if (!(pid in hi) || n > hi[pid]) hi[pid] = n
    seen[pid]++
  } END { for (p in seen) missing += hi[p] - lo[p] + 1 - seen[p]; print missing + 0 }')
mgr kill >/dev/null 2>&1 || true
sleep 1
left=$(orphans | wc -l)

machine
echo "chaos ($manager): ${seconds} s of wrk -t2 -c20, a worker SIGKILLed every 2 s ($kills kills), then the daemon twice"
grep -E 'requests in|Socket errors|Non-2xx' "$work/wrk.out" | sed 's/^ *//'
echo "served again after each daemon kill (a CLI command at once): $(tr '\n' ' ' < "$work/back")ms"
echo "new connections refused or failed meanwhile (one tried every 20 ms): $(tr '\n' ' ' < "$work/probes")"
echo "daemon kills after which the workers were the same processes: $kept of 2"
echo "log lines lost (gaps in a worker's numbers): $lost"
echo "orphans left after $manager kill: $left"
