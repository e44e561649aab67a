#!/bin/sh
# Reload under load, PM2 against pmfx: the same 2-worker Node cluster app
# (src/test/resources/workers/versioned.js, 200 ms per request) under PM2 (installed from npm into
# bench/.pm2) and under pmfx (bin/pmfx run, reloaded with SIGHUP) with each balancer (http:
# requests through pmfx; handoff: connections passed to the workers), as a naive app (no ready
# signal, no SIGINT handler) and as a PM2-style app (process.send('ready') with wait_ready, a
# SIGINT handler that closes the server). wrk keeps 20 connections busy (keep-alive, or a new
# connection per request) for 12 s; the reload starts 3 s in. Failed requests are wrk's socket
# errors plus non-2xx answers; the reload's duration is from the command to its end. The managers
# take turns (PM2, pmfx http, pmfx handoff, then again), so the machine's drift falls on all.
# Needs wrk (apt install wrk) and Node.js.
# Usage: bench/reload.sh [RUNS]   (default 3; figures are medians of runs)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
. "$root/bench/common.sh"
app="$root/src/test/resources/workers/versioned.js"
work=$(mktemp -d)
export PM2_HOME="$work/pm2-home" PMFX_HOME="$work/pmfx-home"
trap '"$pm2" kill >/dev/null 2>&1 || true; kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
machine

now_ms() { date +%s%3N; }
# wrk's report: failed requests (socket errors and non-2xx answers) and requests done
failures() {
  awk '/Socket errors/ { gsub(/,/, ""); f += $4 + $6 + $8 + $10 } /Non-2xx/ { f += $NF }
       /requests in/ { n = $1 } END { printf "%d %d\n", f, n }' "$1"
}

# one run: prints "failed requests reload-ms"
run() { # manager style connection
  port=$(free_port)
  header=""
  [ "$3" = close ] && header="Connection: close"
  case $1 in
    pm2)
      if [ "$2" = pm2 ]; then ready="--wait-ready --listen-timeout 3000"; else ready=""; fi
      # shellcheck disable=SC2086
      PORT=$port STYLE=$2 "$pm2" start "$app" -i 2 --name web $ready >/dev/null
      ;;
    pmfx-*)
      printf 'apps:\n  - name: web\n    script: %s\n    instances: 2\n    exec_mode: cluster\n    wait_ready: %s\n    listen_timeout: 3000\n    balancer: %s\n    env: { PORT: %s, STYLE: %s }\n' \
        "$app" "$([ "$2" = pm2 ] && echo true || echo false)" "${1#pmfx-}" "$port" "$2" > "$work/pmfx.yaml"
      # SIGHUP stays ignored in a job started under nohup; pmfx needs it to reload.
      PMFX_SKIP_BUILD=1 env --default-signal=HUP "$root/bin/pmfx" run "$work/pmfx.yaml" \
        > "$work/pmfx.out" 2>&1 &
      pmfx_pid=$!
      ;;
  esac
  wait_port "$port"
  sleep 1
  if [ -n "$header" ]; then
    wrk -t2 -c20 -d12s -H "$header" "http://127.0.0.1:$port/" > "$work/wrk.out" &
  else
    wrk -t2 -c20 -d12s "http://127.0.0.1:$port/" > "$work/wrk.out" &
  fi
  wrk_pid=$!
  sleep 3
  start=$(now_ms)
  case $1 in
    pm2) "$pm2" reload web >/dev/null 2>&1 ;;
    pmfx-*)
      kill -HUP "$pmfx_pid"
      i=0
      until grep -q "web reload done\|web reload failed" "$work/pmfx.out"; do
        i=$((i+1)); [ $i -lt 600 ] || { echo "pmfx did not finish the reload" >&2; cat "$work/pmfx.out" >&2; exit 1; }
        sleep 0.02
      done
      ;;
  esac
  took=$(( $(now_ms) - start ))
  wait "$wrk_pid"
  case $1 in
    pm2) "$pm2" delete web >/dev/null ;;
    pmfx-*) kill "$pmfx_pid"; wait "$pmfx_pid" 2>/dev/null || true ;;
  esac
  echo "$(failures "$work/wrk.out") $took"
}

managers="pm2 pmfx-http pmfx-handoff"
printf '%-12s %-6s %-10s %8s %9s %10s\n' manager app connection failed requests reload-ms
for connection in keep-alive close; do
  for style in naive pm2; do
    for manager in $managers; do : > "$work/runs-$manager"; done
    r=0
    while [ "$r" -lt "$runs" ]; do
      for manager in $managers; do
        run "$manager" "$style" "$connection" >> "$work/runs-$manager"
      done
      r=$((r + 1))
    done
    for manager in $managers; do
      printf '%-12s %-6s %-10s %8s %9s %10s   (runs: %s)\n' "$manager" "$style" "$connection" \
        "$(cut -d' ' -f1 "$work/runs-$manager" | median)" "$(cut -d' ' -f2 "$work/runs-$manager" | median)" \
        "$(cut -d' ' -f3 "$work/runs-$manager" | median)" "$(tr '\n' ';' < "$work/runs-$manager")"
    done
  done
done
