#!/bin/sh
# Memory beside PM2 (issue 20's rows), each figure the median of RUNS runs (default 5), pmfx and
# PM2 in turn within a run so that the machine's drift falls on both alike:
#   idle   the daemon's RSS with bench/hello.js as a 2-worker cluster app, SETTLE s after start
#   load   the daemon's RSS after LOAD s of wrk (-t2 -c64, keep-alive) on that app; with the
#          requests/s each served, since an option that saves memory must not cost throughput
#   flood  'pmfx run' with one app that writes lines as fast as it can for FLOOD s: its RSS at the
#          end and its highest (sampled each second), and whether it still grows (RSS at the end
#          minus RSS at half time); PM2's reference is its daemon running the same app
#   first  the first command, which starts the daemon: 'pmfx ping' and 'pm2 ping', each in a
#          home with no daemon running, wall time in ms
#   list   'pmfx list' and 'pm2 list' with the 2-worker cluster app running, wall time in ms
#   window the window's RSS under Xvfb on its bundled demo, every app started and 'web' scaled
#          to 8 workers, WINDOW s later; no PM2 reference (the aim is 300 MB)
# RSS is VmRSS from /proc/PID/status: pmfx's daemon JVM (pid from 'pmfx ping'), PM2's
# 'PM2 v… God Daemon' (pid from PM2_HOME/pm2.pid), the JVM of 'pmfx run'.
# Usage: bench/footprint.sh [-d LOAD] [-f FLOOD] [-s SETTLE] [-w WINDOW] [RUNS [ROW...]]
#   defaults: LOAD 60, FLOOD 30, SETTLE 5, WINDOW 30, rows "idle load flood first list window".
#   PMFX_BENCH_JVM: JVM options given to pmfx's daemon and run (through JAVA_TOOL_OPTIONS, which
#   the command line's own options override), to try one; MALLOC_ARENA_MAX and such pass through.
#   PMFX_BENCH_BALANCER=http: the cluster app under pmfx's request-level balancer (Netty) instead
#   of the default hand-off.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
load_s=60 flood_s=30 settle_s=5 window_s=30
while getopts d:f:s:w: opt; do
  case $opt in
    d) load_s=$OPTARG ;;
    f) flood_s=$OPTARG ;;
    s) settle_s=$OPTARG ;;
    w) window_s=$OPTARG ;;
    *) sed -n 's/^# Usage: /usage: /p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
runs=${1:-5}
[ $# -eq 0 ] || shift
rows=${*:-idle load flood first list window}
. "$root/bench/common.sh"
export PMFX_SKIP_BUILD=1
work=$(mktemp -d)
export PMFX_HOME="$work/pmfx" PM2_HOME="$work/pm2"
pmfx="$root/bin/pmfx"
runner=""
cleanup() {
  [ -z "$runner" ] || kill -TERM "$runner" 2>/dev/null || true
  "$pmfx" kill >/dev/null 2>&1 || true
  "$pm2" kill >/dev/null 2>&1 || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
set -m 2>/dev/null || true # a background 'pmfx run' must not inherit SIGINT ignored

rss() { awk '/^VmRSS/ { printf "%.0f\n", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }
pmfx_daemon() { "$pmfx" ping | sed 's/.*pid \([0-9]*\).*/\1/'; }
pm2_daemon() { cat "$PM2_HOME/pm2.pid"; }
with_jvm() { if [ -n "${PMFX_BENCH_JVM:-}" ]; then JAVA_TOOL_OPTIONS="$PMFX_BENCH_JVM" "$@"; else "$@"; fi; }

cluster_app() { # port
  cat > "$work/hello.config.js" <<JS
module.exports = { apps: [{ name: 'hello', script: '$root/bench/hello.js', instances: 2,
  exec_mode: 'cluster', env: { PORT: '$1' } }] };
JS
  # PM2 knows no balancer option; pmfx reads the copy that names one
  sed "s/exec_mode: 'cluster',/exec_mode: 'cluster', balancer: '${PMFX_BENCH_BALANCER:-}',/" \
    "$work/hello.config.js" > "$work/pmfx-hello.config.js"
  [ -n "${PMFX_BENCH_BALANCER:-}" ] || cp "$work/hello.config.js" "$work/pmfx-hello.config.js"
}

# starts the cluster app under MANAGER (pmfx or pm2) on a fresh port; prints "port daemon-pid"
start_cluster() {
  port=$(free_port)
  cluster_app "$port"
  if [ "$1" = pmfx ]; then
    with_jvm "$pmfx" start "$work/pmfx-hello.config.js" >"$work/start.out" 2>&1 ||
      { cat "$work/start.out" "$PMFX_HOME/daemon.log" >&2; exit 1; }
    wait_port "$port"
    echo "$port $(pmfx_daemon)"
  else
    "$pm2" start "$work/hello.config.js" >/dev/null 2>&1
    wait_port "$port"
    echo "$port $(pm2_daemon)"
  fi
}

stop_all() { "$pmfx" kill >/dev/null 2>&1 || true; "$pm2" kill >/dev/null 2>&1 || true; }

# Row idle: one run; appends "pmfx-MB pm2-MB" to $work/idle
row_idle() {
  for m in pmfx pm2; do
    set -- $(start_cluster $m) || exit 1
    sleep "$settle_s"
    eval "idle_$m=\$(rss $2)"
    stop_all
  done
  echo "$idle_pmfx $idle_pm2" >> "$work/idle"
}

# Row load: one run; appends "pmfx-MB pm2-MB pmfx-req/s pm2-req/s" to $work/load
row_load() {
  for m in pmfx pm2; do
    set -- $(start_cluster $m) || exit 1
    rps=$(wrk -t2 -c64 -d"${load_s}s" "http://127.0.0.1:$1/" | awk '/Requests\/sec/ { printf "%.0f", $2 }')
    eval "load_$m=\$(rss $2) rps_$m=$rps"
    stop_all
  done
  echo "$load_pmfx $load_pm2 $rps_pmfx $rps_pm2" >> "$work/load"
}

flood_app() {
  cat > "$work/flood.js" <<'JS'
const text = 'a line as an app logs it: request handled, user 1234, 200 OK in 3 ms, and so on, #';
let i = 0;
const go = () => { while (process.stdout.write(text + i++ + '\n')) {} process.stdout.once('drain', go); };
go();
JS
  printf "module.exports = { apps: [{ name: 'flood', script: '%s' }] };\n" "$work/flood.js" \
    > "$work/flood.config.js"
}

# samples PID's RSS each second for flood_s seconds; prints "end-MB max-MB growth-MB"
sample_flood() {
  : > "$work/samples"
  t=0
  while [ "$t" -lt "$flood_s" ]; do
    sleep 1
    rss "$1" >> "$work/samples"
    t=$((t + 1))
  done
  awk -v half=$((flood_s / 2)) '{ a[NR] = $1; if ($1 > max) max = $1 }
    END { h = half > 0 ? a[half] : a[1]; printf "%d %d %d\n", a[NR], max, a[NR] - h }' "$work/samples"
}

# Row flood: one run; appends "pmfx-end pmfx-max pmfx-growth pm2-end pm2-max pm2-growth" to $work/flood
row_flood() {
  flood_app
  # what a container or a terminal does with the output: reads all of it
  (
    [ -z "${PMFX_BENCH_JVM:-}" ] || export JAVA_TOOL_OPTIONS="$PMFX_BENCH_JVM"
    exec "$pmfx" run "$work/flood.config.js" > /dev/null 2>&1
  ) &
  runner=$! # bin/pmfx execs the JVM: this is its pid
  sleep 1
  pmfx_flood=$(sample_flood "$runner")
  kill -TERM "$runner" 2>/dev/null || true
  wait "$runner" 2>/dev/null || true
  runner=""
  rm -rf "$PMFX_HOME/logs"
  "$pm2" start "$work/flood.config.js" >/dev/null 2>&1
  sleep 1
  pm2_flood=$(sample_flood "$(pm2_daemon)")
  stop_all
  rm -rf "$PM2_HOME/logs"
  echo "$pmfx_flood $pm2_flood" >> "$work/flood"
}

ms() { start=$(date +%s%N); "$@" >/dev/null 2>&1; echo $(( ($(date +%s%N) - start) / 1000000 )); }

# Row first: one run; appends "pmfx-ms pm2-ms" to $work/first
row_first() {
  stop_all
  a=$(ms "$pmfx" ping)
  stop_all
  b=$(ms "$pm2" ping)
  stop_all
  echo "$a $b" >> "$work/first"
}

# Row list: one run; appends "pmfx-ms pm2-ms" to $work/list. Both apps run through all the runs
# (each manager on a port of its own: on one, PM2's workers would fail and restart while timed).
row_list() {
  if [ ! -s "$work/list" ]; then
    start_cluster pmfx >/dev/null
    start_cluster pm2 >/dev/null
    sleep "$settle_s"
  fi
  a=$(ms "$pmfx" list)
  b=$(ms "$pm2" list)
  echo "$a $b" >> "$work/list"
}

# Row window: one run; appends the window's RSS in MB to $work/window
row_window() {
  stop_all
  command -v xvfb-run >/dev/null || { echo "the window row needs xvfb-run (apt install xvfb xdotool)" >&2; exit 1; }
  # under Xvfb, the window is the JVM bin/pmfx execs; prints its RSS in MB
  cat > "$work/window.sh" <<'SH'
"$pmfx" > "$work/window.out" 2>&1 &
window=$!
i=0
until xdotool search --onlyvisible --name '^pmfx' >/dev/null 2>&1; do
  i=$((i + 1)); [ "$i" -lt 600 ] || { cat "$work/window.out" >&2; exit 1; }; sleep 0.1
done
"$pmfx" start "$PMFX_HOME/demo/ecosystem.config.js" >/dev/null 2>&1
"$pmfx" scale web 8 >/dev/null 2>&1
sleep "$window_s"
awk '/^VmRSS/ { printf "%.0f\n", $2 / 1024 }' "/proc/$window/status"
kill -TERM "$window"
wait "$window" 2>/dev/null || true
SH
  mb=$(pmfx="$pmfx" work="$work" window_s="$window_s" xvfb-run -a -s "-screen 0 1280x800x24" sh "$work/window.sh")
  stop_all
  echo "$mb" >> "$work/window"
}

col() { awk -v c="$2" '{ print $c }' "$work/$1" | median; }
pairs() { awk '{ printf "%.2f\n", $1 / $2 }' "$work/$1" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

print_idle() {
  a=$(col idle 1) b=$(col idle 2)
  echo "daemon RSS, 2-worker cluster app, idle:   pmfx $a MB | PM2 $b MB | $(ratio "$a" "$b")x"
}
print_load() {
  a=$(col load 1) b=$(col load 2) ra=$(col load 3) rb=$(col load 4)
  echo "daemon RSS after ${load_s} s of wrk:           pmfx $a MB | PM2 $b MB | $(ratio "$a" "$b")x (req/s $ra | $rb, $(ratio "$ra" "$rb")x)"
}
print_flood() {
  a=$(col flood 1) m=$(col flood 2) g=$(col flood 3) b=$(col flood 4) bm=$(col flood 5) bg=$(col flood 6)
  echo "'pmfx run' RSS, ${flood_s} s of log flood:      pmfx $a MB (max $m, growth $g) | PM2 daemon $b MB (max $bm, growth $bg)"
}

print_first() {
  a=$(col first 1) b=$(col first 2)
  echo "first command, which starts the daemon:    pmfx $a ms | PM2 $b ms | $(ratio "$a" "$b")x (pairs: $(pairs first)x)"
}
print_list() {
  a=$(col list 1) b=$(col list 2)
  echo "list, 2-worker cluster app:               pmfx $a ms | PM2 $b ms | $(ratio "$a" "$b")x (pairs: $(pairs list)x)"
}
print_window() {
  echo "the window's RSS, demo, web at 8 workers: pmfx $(col window 1) MB | aim 300 MB"
}

machine
echo "runs: $runs, medians; settle ${settle_s} s, window ${window_s} s, load ${load_s} s, flood ${flood_s} s${PMFX_BENCH_BALANCER:+; pmfx balancer: $PMFX_BENCH_BALANCER}${PMFX_BENCH_JVM:+; pmfx JVM options: $PMFX_BENCH_JVM}${MALLOC_ARENA_MAX:+; MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX}"
for row in $rows; do
  : > "$work/$row"
  r=0
  while [ "$r" -lt "$runs" ]; do
    "row_$row"
    r=$((r + 1))
  done
  "print_$row"
done
