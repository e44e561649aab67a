#!/bin/sh
# The CLI against its daemon, beside PM2's: how long a command takes from the shell's point of
# view (a JVM starting, connecting, asking, printing), the first one that starts the daemon, and
# the daemon's memory. RUNS times each (default 7); prints medians in milliseconds.
#   bench/cli.sh [RUNS]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-7}
. "$root/bench/common.sh"
export PMFX_SKIP_BUILD=1
work=$(mktemp -d)
export PMFX_HOME="$work/pmfx" PM2_HOME="$work/pm2"
pmfx="$root/bin/pmfx"
cleanup() { "$pmfx" kill >/dev/null 2>&1 || true; "$pm2" kill >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
ms() { start=$(date +%s%N); "$@" >/dev/null 2>&1; echo $(( ($(date +%s%N) - start) / 1000000 )); }
rss() { awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$1/status"; }
# Each manager its own port: on one port, PM2's workers would fail and restart while it is timed.
for who in pmfx pm2; do
  port=$(free_port)
  cat > "$work/ecosystem-$who.config.js" <<JS
module.exports = { apps: [{ name: 'hello', script: '$root/bench/hello.js', instances: 2,
  exec_mode: 'cluster', env: { PORT: '$port' } }] };
JS
done

: > "$work/cold-pmfx"; : > "$work/cold-pm2"
i=0
while [ "$i" -lt "$runs" ]; do
  ms "$pmfx" ping >> "$work/cold-pmfx"; "$pmfx" kill >/dev/null
  ms "$pm2" ping >> "$work/cold-pm2"; "$pm2" kill >/dev/null
  i=$((i + 1))
done
"$pmfx" start "$work/ecosystem-pmfx.config.js" >/dev/null
"$pm2" start "$work/ecosystem-pm2.config.js" >/dev/null 2>&1 || true
sleep 3
for what in list jlist; do
  : > "$work/$what-pmfx"; : > "$work/$what-pm2"
  i=0
  while [ "$i" -lt "$runs" ]; do
    ms "$pmfx" $what >> "$work/$what-pmfx"
    ms "$pm2" $what >> "$work/$what-pm2"
    i=$((i + 1))
  done
done
daemon=$("$pmfx" ping | sed 's/.*pid \([0-9]*\).*/\1/')
god=$(cat "$PM2_HOME/pm2.pid")
machine
ratio() { paste "$work/$1-pmfx" "$work/$1-pm2" | awk '{ printf "%.2f\n", $1 / $2 }' | median; }
echo "runs: $runs; medians in ms (pmfx | pm2 | median of the pairs' pmfx/pm2)"
echo "first command, starting the daemon (ping): $(median < "$work/cold-pmfx") | $(median < "$work/cold-pm2") | $(ratio cold)"
echo "list, daemon running, two workers:         $(median < "$work/list-pmfx") | $(median < "$work/list-pm2") | $(ratio list)"
echo "jlist:                                     $(median < "$work/jlist-pmfx") | $(median < "$work/jlist-pm2") | $(ratio jlist)"
echo "daemon memory (RSS), two workers:          $(rss "$daemon") MB | $(rss "$god") MB"
