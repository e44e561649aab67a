#!/bin/sh
# Cluster mode against PM2: the same Node app (bench/hello.js) as one process, under PM2's
# cluster mode, and under pmfx's cluster mode, with 2 workers each, loaded by wrk (keep-alive,
# 64 connections, 2 threads) for DURATION seconds after 5 s of warm-up; handlers of 0 ms and
# 1 ms of CPU.
# PM2 comes from npm into bench/.pm2 (not committed). Needs wrk (apt install wrk).
# Usage: bench/cluster.sh [RUNS] [DURATION]   (defaults 3 and 10; figures are medians of runs)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
duration=${2:-10}
. "$root/bench/common.sh"
work=$(mktemp -d)
export PM2_HOME="$work/pm2-home" PMFX_HOME="$work/pmfx-home"
trap '"$pm2" kill >/dev/null 2>&1 || true; kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
machine

# prints "requests/s p99-ms"
load() {
  wrk -t2 -c64 -d5s "http://127.0.0.1:$1/" >/dev/null # warm up: JIT, pools, caches
  wrk -t2 -c64 -d"${duration}s" --latency "http://127.0.0.1:$1/" | awk '
    /Requests\/sec/ { rps = $2 }
    /^ +99%/ { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v = v / 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v = v * 1000 }; p99 = v }
    END { printf "%.0f %.2f\n", rps, p99 }'
}

for ms in 0 1; do
  for kind in single pm2 pmfx; do
    : > "$work/$kind-$ms"
    r=0
    while [ "$r" -lt "$runs" ]; do
      port=$(free_port)
      case $kind in
        single)
          PORT=$port WORK_MS=$ms node "$root/bench/hello.js" & pid=$! ;;
        pm2)
          PORT=$port WORK_MS=$ms "$pm2" start "$root/bench/hello.js" -i 2 --name hello >/dev/null ;;
        pmfx)
          printf 'apps:\n  - name: hello\n    script: %s\n    instances: 2\n    exec_mode: cluster\n    env: { PORT: %s, WORK_MS: %s }\n' \
            "$root/bench/hello.js" "$port" "$ms" > "$work/pmfx.yaml"
          PMFX_SKIP_BUILD=1 "$root/bin/pmfx" run "$work/pmfx.yaml" >/dev/null 2>&1 & pid=$! ;;
      esac
      wait_port "$port"
      load "$port" >> "$work/$kind-$ms"
      case $kind in
        pm2) "$pm2" delete hello >/dev/null ;;
        *) kill "$pid"; wait "$pid" 2>/dev/null || true ;;
      esac
      r=$((r + 1))
    done
  done
  for kind in single pm2 pmfx; do
    rps=$(cut -d' ' -f1 "$work/$kind-$ms" | median)
    p99=$(cut -d' ' -f2 "$work/$kind-$ms" | median)
    echo "$ms ms handler, $kind: $rps requests/s, p99 $p99 ms (runs: $(tr '\n' ';' < "$work/$kind-$ms"))"
    eval "rps_$kind=$rps p99_$kind=$p99"
  done
  awk -v a="$rps_pmfx" -v b="$rps_pm2" -v c="$p99_pmfx" -v d="$p99_pm2" -v ms="$ms" \
    'BEGIN { printf "%s ms handler, pmfx/PM2: throughput %.2f, p99 %.2f\n", ms, a / b, c / d }'
done
