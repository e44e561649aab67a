#!/bin/sh
# The cost of health checks, and how soon a sick worker is replaced.
#
# 1. CPU: a daemon with WORKERS (default 200) fork workers (sleep), each checked every second by
#    HTTP (GET /healthz to one small Node server outside the daemon), against the same daemon with
#    the same workers and no check; then the same with an exec check ('true'). Runs alternate
#    (none, http, exec, none, http, exec, …) ROUNDS times (default 3); each measures the daemon's
#    CPU time (/proc/PID/stat utime + stime) over SECONDS (default 30) once every worker is online
#    and checked, and reports medians as a share of one core.
# 2. Replacement: a 2-worker cluster app whose worker 0 turns sick (HTTP 500) after its 5th check,
#    checked every second, 3 failures in a row; the time from its first failed check to its
#    replacement being online (in rotation), from pmfx events --json, median of ROUNDS.
# Usage: bench/health.sh [WORKERS [SECONDS [ROUNDS]]]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
workers=${1:-200}
seconds=${2:-30}
rounds=${3:-3}
command -v node >/dev/null || { echo "$0 needs Node.js" >&2; exit 1; }
"$root/bin/pmfx" --version >/dev/null # builds when needed
export PMFX_SKIP_BUILD=1
pmfx="$root/bin/pmfx"
work=$(mktemp -d)
export PMFX_HOME="$work/home"
free_port() { node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})'; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
server=
cleanup() {
  "$pmfx" kill >/dev/null 2>&1 || true
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(free_port)
node -e "require('http').createServer((q,s)=>s.end('ok')).listen($port)" &
server=$!

ecosystem() { # KIND: none, http or exec
  case "$1" in
    none) check= ;;
    http) check="health_check: { http: { path: /healthz, port: $port }, interval: 1s }" ;;
    exec) check="health_check: { exec: 'true', interval: 1s }" ;;
  esac
  cat > "$work/$1.yaml" <<YAML
apps:
  - name: sleepers
    script: sleep 100000
    instances: $workers
    exec_mode: fork
    $check
YAML
  echo "$work/$1.yaml"
}

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
child_ticks() { awk '{ print $16 + $17 }' "/proc/$1/stat"; } # the commands it ran and waited for
hz=$(getconf CLK_TCK)

cpu_run() { # KIND -> the daemon's CPU over SECONDS, and its children's, % of one core
  "$pmfx" start "$(ecosystem "$1")" >/dev/null
  daemon=$("$pmfx" ping | sed 's/.*pid \([0-9]*\).*/\1/')
  # every worker online, and (with a check) checked: healthy
  i=0
  until [ "$("$pmfx" jlist | node -e '
      let t="";process.stdin.on("data",d=>t+=d).on("end",()=>{const a=JSON.parse(t);
      const ok=a.filter(w=>w.pm2_env.status==="online"&&(!w.pm2_env.pmfx_health||w.pm2_env.pmfx_health.status==="healthy"));
      console.log(ok.length)})')" = "$workers" ]; do
    i=$((i + 1)); [ $i -lt 600 ] || { echo "the $1 workers did not come up" >&2; exit 1; }; sleep 0.5
  done
  sleep 5 # the start settles
  before=$(ticks "$daemon"); children_before=$(child_ticks "$daemon")
  sleep "$seconds"
  after=$(ticks "$daemon"); children_after=$(child_ticks "$daemon")
  "$pmfx" kill >/dev/null
  echo "$after $before $children_after $children_before $hz $seconds" |
    awk '{ printf "%.1f %.1f\n", ($1 - $2) / $5 / $6 * 100, ($3 - $4) / $5 / $6 * 100 }'
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1); node $(node --version)"
echo "daemon CPU, % of one core, $workers workers, checked every 1 s, over ${seconds} s, $rounds rounds:"
: > "$work/none"; : > "$work/http"; : > "$work/exec"
r=1
while [ $r -le "$rounds" ]; do
  for kind in none http exec; do
    set -- $(cpu_run $kind)
    echo "  round $r $kind: daemon $1 %, the commands it ran $2 %"
    echo "$1" >> "$work/$kind"
    echo "$2" >> "$work/$kind.children"
  done
  r=$((r + 1))
done
none=$(median < "$work/none"); http=$(median < "$work/http"); exec=$(median < "$work/exec")
echo "median: no check $none %, http $http %, exec $exec % (and $(median < "$work/exec.children") % in the commands)"
echo "per check: http $(echo "$http $none $workers" | awk '{ printf "%.3f", ($1 - $2) / $3 * 10 }') ms of CPU, exec $(echo "$exec $none $workers" | awk '{ printf "%.3f", ($1 - $2) / $3 * 10 }') ms (each worker checked once a second)"

# ---------------------------------------------------------------- replacement
sick_port=$(free_port)
cat > "$work/sick.yaml" <<YAML
apps:
  - name: web
    script: sickens.js
    cwd: $root/src/test/resources/workers
    exec_mode: cluster
    instances: 2
    env: { PORT: $sick_port, SICK_AFTER: 5, SICK_INSTANCE: '0', SICK_MARK: $work/sick.mark }
    health_check: { http: /healthz, interval: 1s, failures: 3 }
YAML
echo "replacement of a sick cluster worker (interval 1 s, failures 3), $rounds rounds:"
: > "$work/replace"
r=1
while [ $r -le "$rounds" ]; do
  rm -f "$work/sick.mark"
  "$pmfx" ping >/dev/null
  "$pmfx" events --json > "$work/events.json" 2>/dev/null &
  follower=$!
  sleep 1
  "$pmfx" start "$work/sick.yaml" >/dev/null
  i=0
  until node -e '
      const ev=require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n").filter(Boolean).map(JSON.parse);
      const fail=ev.find(e=>e.type==="HealthChecked"&&e.worker.health.failures===1);
      if(!fail) process.exit(1);
      const back=ev.find(e=>e.type==="WorkerChanged"&&e.worker.state==="ONLINE"&&e.worker.instance===0&&
        e.worker.pid!==fail.worker.pid&&Date.parse(e.at)>Date.parse(fail.at));
      if(!back) process.exit(1);
      console.log(Date.parse(back.at)-Date.parse(fail.at));' "$work/events.json" > "$work/took" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 120 ] || { echo "no replacement within 60 s" >&2; exit 1; }; sleep 0.5
  done
  echo "  round $r: $(cat "$work/took") ms from the first failed check to the replacement online"
  cat "$work/took" >> "$work/replace"
  "$pmfx" kill >/dev/null
  wait "$follower" 2>/dev/null || true
  r=$((r + 1))
done
echo "median: $(median < "$work/replace") ms (of which 2000 ms are the two further failed checks the app asks for)"
