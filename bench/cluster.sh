#!/bin/sh
# Cluster mode against PM2: the same Node app (bench/hello.js) with 2 workers under PM2's cluster
# mode, under pmfx's cluster mode with each balancer (hand-off: connections passed to the
# workers; http: pmfx forwards each request), under Node's own cluster module with no manager
# (the ceiling), and as one process; loaded by wrk (keep-alive, 64 connections, 2 threads) for
# DURATION seconds after 5 s of warm-up; handlers of 0 ms and 1 ms of CPU. Runs go in turn
# (single, cluster, PM2, pmfx hand-off, pmfx http, then again) so that the machine's drift falls on
# all alike. For the managers it also reads the CPU seconds their own process (PM2's daemon,
# pmfx's JVM) used during the load, and its RSS after it.
# PM2 comes from npm into bench/.pm2 (not committed). Needs wrk (apt install wrk).
# Usage: bench/cluster.sh [RUNS] [DURATION] [KINDS]
#   (defaults 3, 10 and "single cluster pm2 handoff http"; figures are medians of runs)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
duration=${2:-10}
kinds=${3:-single cluster pm2 handoff http}
. "$root/bench/common.sh"
work=$(mktemp -d)
export PM2_HOME="$work/pm2-home" PMFX_HOME="$work/pmfx-home"
trap '"$pm2" kill >/dev/null 2>&1 || true; kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
machine
ticks=$(getconf CLK_TCK)

# CPU seconds a process has used so far
cpu() { awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }
rss() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# prints "requests/s p99-ms manager-cpu-s manager-rss-mb" (the last two 0 without a manager)
load() {
  wrk -t2 -c64 -d5s "http://127.0.0.1:$1/" >/dev/null # warm up: JIT, pools, caches
  before=0
  [ -z "$2" ] || before=$(cpu "$2")
  result=$(wrk -t2 -c64 -d"${duration}s" --latency "http://127.0.0.1:$1/" | awk '
    /Requests\/sec/ { rps = $2 }
    /^ +99%/ { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v = v / 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v = v * 1000 }; p99 = v }
    END { printf "%.0f %.2f\n", rps, p99 }')
  if [ -n "$2" ]; then
    echo "$result $(echo "$(cpu "$2") $before" | awk '{ printf "%.2f", $1 - $2 }') $(rss "$2")"
  else
    echo "$result 0 0"
  fi
}

pmfx_yaml() { # balancer port ms
  printf 'apps:\n  - name: hello\n    script: %s\n    instances: 2\n    exec_mode: cluster\n    balancer: %s\n    env: { PORT: %s, WORK_MS: %s }\n' \
    "$root/bench/hello.js" "$1" "$2" "$3" > "$work/pmfx.yaml"
}

for ms in 0 1; do
  for kind in $kinds; do : > "$work/$kind-$ms"; done
  r=0
  while [ "$r" -lt "$runs" ]; do
    for kind in $kinds; do
      port=$(free_port)
      manager=""
      case $kind in
        single)
          PORT=$port WORK_MS=$ms node "$root/bench/hello.js" & pid=$! ;;
        cluster)
          PORT=$port WORK_MS=$ms node "$root/bench/node-cluster.js" & pid=$! ;;
        pm2)
          PORT=$port WORK_MS=$ms "$pm2" start "$root/bench/hello.js" -i 2 --name hello >/dev/null
          manager=$(cat "$PM2_HOME/pm2.pid") ;;
        handoff | http)
          pmfx_yaml "$kind" "$port" "$ms"
          PMFX_SKIP_BUILD=1 "$root/bin/pmfx" run "$work/pmfx.yaml" >/dev/null 2>&1 & pid=$!
          manager=$pid ;;
      esac
      wait_port "$port"
      load "$port" "$manager" >> "$work/$kind-$ms"
      case $kind in
        pm2) "$pm2" delete hello >/dev/null ;;
        *) kill "$pid"; wait "$pid" 2>/dev/null || true ;;
      esac
    done
    r=$((r + 1))
  done
  for kind in $kinds; do
    rps=$(cut -d' ' -f1 "$work/$kind-$ms" | median)
    p99=$(cut -d' ' -f2 "$work/$kind-$ms" | median)
    cpus=$(cut -d' ' -f3 "$work/$kind-$ms" | median)
    mem=$(cut -d' ' -f4 "$work/$kind-$ms" | median)
    echo "$ms ms handler, $kind: $rps requests/s, p99 $p99 ms, manager $cpus CPU s in ${duration} s, RSS $mem MB (runs: $(tr '\n' ';' < "$work/$kind-$ms"))"
    eval "rps_$kind=$rps p99_$kind=$p99"
  done
  for kind in handoff http; do
    case " $kinds " in *" $kind "*) ;; *) continue ;; esac
    case " $kinds " in *" pm2 "*) ;; *) continue ;; esac
    eval "a=\$rps_$kind c=\$p99_$kind"
    awk -v a="$a" -v b="$rps_pm2" -v c="$c" -v d="$p99_pm2" -v ms="$ms" -v k="$kind" \
      'BEGIN { printf "%s ms handler, pmfx %s / PM2: throughput %.2f, p99 %.2f\n", ms, k, a / b, c / d }'
  done
done
