#!/bin/sh
# An accelerated soak of the daemon: for MINUTES (default 30), an app of 3 workers that crash and
# restart about six times a second in all (some 10,000 restarts in 30 min), one that writes about
# 0.6 MB/s of log lines (1 GB in 30 min, rotated), and a 2-worker cluster app reloaded 1.8 s
# after each reload ends (some 460 reloads in 30 min) under wrk load, while a 'pmfx logs' client and, where xvfb-run is, the window stay attached.
# Each minute it samples the daemon's RSS, threads, open descriptors and the files under ipc/;
# after WARMUP minutes (default 5) each must stay within 10 % of its median since then.
# Usage: bench/soak.sh [MINUTES [WARMUP]]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
minutes=${1:-30}
warmup=${2:-5}
. "$root/bench/common.sh"
export PMFX_SKIP_BUILD=1
work=$(mktemp -d)
export PMFX_HOME="$work/home"
pmfx="$root/bin/pmfx"
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  "$pmfx" kill >/dev/null 2>&1 || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(free_port)
cat > "$work/crasher.js" <<'JS'
// lives 150 ms, then exits 1: a crash-restart every 150 ms or so
setTimeout(() => process.exit(1), 150);
JS
cat > "$work/logger.js" <<'JS'
// about 0.6 MB/s: 70 lines of 90 bytes every 10 ms
let n = 0;
const pad = 'x'.repeat(80);
setInterval(() => {
  let out = '';
  for (let i = 0; i < 70; i++) out += `line ${n++} ${pad}\n`;
  process.stdout.write(out);
}, 10);
JS
cat > "$work/soak.config.js" <<JS
module.exports = { apps: [
  { name: 'crasher', script: '$work/crasher.js', instances: 3, min_uptime: 100, max_restarts: 1000000 },
  { name: 'logger', script: '$work/logger.js' },
  { name: 'web', script: '$root/bench/hello.js', instances: 2, exec_mode: 'cluster',
    env: { PORT: '$port' } },
] };
JS
"$pmfx" start "$work/soak.config.js" >/dev/null
wait_port "$port"
daemon=$("$pmfx" ping | sed 's/.*pid \([0-9]*\).*/\1/')

"$pmfx" logs >/dev/null 2>&1 &
pids="$pids $!"
if command -v xvfb-run >/dev/null; then
  xvfb-run -a -s "-screen 0 1280x800x24" "$pmfx" >/dev/null 2>&1 &
  pids="$pids $!"
fi
wrk -t1 -c16 -d"$((minutes * 60))s" "http://127.0.0.1:$port/" > "$work/wrk.out" 2>&1 &
wrk_pid=$!
pids="$pids $wrk_pid"
(
  while :; do
    if "$pmfx" reload web >/dev/null 2>&1; then echo ok >> "$work/reloads"
    else echo "reload failed at $(date +%T)" >> "$work/reload-failures"; fi
    sleep 1.8
  done
) &
pids="$pids $!"

machine
echo "soak: $minutes min, warm-up $warmup min; daemon pid $daemon"
echo "minute rss_MB threads fds ipc_files restarts reloads_failed"
: > "$work/samples"
m=1
while [ "$m" -le "$minutes" ]; do
  sleep 60
  [ -d "/proc/$daemon" ] || { echo "the daemon ($daemon) is gone" >&2; exit 1; }
  rss=$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$daemon/status")
  threads=$(ls "/proc/$daemon/task" | wc -l)
  fds=$(ls "/proc/$daemon/fd" | wc -l)
  ipc=$(find "$PMFX_HOME/ipc" -type s -o -type f 2>/dev/null | wc -l)
  restarts=$("$pmfx" jlist | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const a=JSON.parse(s);console.log(a.filter(p=>p.name==="crasher").reduce((n,p)=>n+p.pm2_env.restart_time,0))})')
  failed=$(cat "$work/reload-failures" 2>/dev/null | wc -l)
  echo "$m $rss $threads $fds $ipc $restarts $failed" | tee -a "$work/samples"
  m=$((m + 1))
done
wait "$wrk_pid" 2>/dev/null || true
logs_mb=$(du -sm "$PMFX_HOME/logs" | cut -f1)
echo "logs on disk at the end: $logs_mb MB (rotated at 10 MiB, 30 kept)"
grep -E 'Requests/sec|Non-2xx|Socket errors' "$work/wrk.out" || true
echo "reloads: $(cat "$work/reloads" 2>/dev/null | wc -l) done, $(cat "$work/reload-failures" 2>/dev/null | wc -l) failed"
# within 10 % of the median after the warm-up, for each measure; and whether it grows: the
# median of the last third of the samples after the warm-up against that of the first third
# (a sample taken while a reload runs has its new worker's descriptors as well as the old one's)
verdict=0
for col in 2 3 4 5; do
  name=$(echo "x rss_MB threads fds ipc_files" | cut -d' ' -f"$col")
  med=$(awk -v w="$warmup" -v c="$col" '$1 > w { print $c }' "$work/samples" | median)
  out=$(awk -v w="$warmup" -v c="$col" -v m="$med" '$1 > w && m > 0 && ($c > m * 1.1 || $c < m * 0.9) { printf "%s@%s ", $c, $1 }' "$work/samples")
  n=$(awk -v w="$warmup" '$1 > w' "$work/samples" | wc -l)
  third=$(( n / 3 > 0 ? n / 3 : 1 ))
  first=$(awk -v w="$warmup" -v c="$col" '$1 > w { print $c }' "$work/samples" | head -n "$third" | median)
  last=$(awk -v w="$warmup" -v c="$col" '$1 > w { print $c }' "$work/samples" | tail -n "$third" | median)
  trend="first third's median $first, last third's $last"
  if [ -n "$out" ]; then
    echo "$name: median $med after the warm-up; outside ±10 %: $out; $trend"
    verdict=1
  else
    echo "$name: median $med after the warm-up; every sample within ±10 %; $trend"
  fi
done
exit "$verdict"
