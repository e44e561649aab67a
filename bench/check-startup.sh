#!/bin/sh
# Times `bin/pmfx check` from start to exit on configs of each kind: the JVM's start plus
# loading, and for .js configs the Node.js evaluation. Prints the median of RUNS runs each.
# Usage: bench/check-startup.sh [RUNS]   (default 15)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-15}
configs="src/main/resources/dev/pmfx/home/demo/ecosystem.config.js
src/test/resources/configs/valid/computed.config.js
src/test/resources/configs/valid/ecosystem.json
src/test/resources/configs/valid/ecosystem.yaml"

"$root/bin/pmfx" --version >/dev/null # builds when needed, outside the timing
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
echo "node: $(node --version 2>/dev/null || echo none), $("$root/bin/pmfx" --version | tail -n 1)"
for config in $configs; do
  times=""
  i=0
  while [ "$i" -lt "$runs" ]; do
    start=$(date +%s%N)
    PMFX_SKIP_BUILD=1 "$root/bin/pmfx" check "$root/$config" >/dev/null 2>&1
    end=$(date +%s%N)
    times="$times $(( (end - start) / 1000000 ))"
    i=$((i + 1))
  done
  median=$(printf '%s\n' $times | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  printf '%-55s median %5d ms over %d runs\n' "$config" "$median" "$runs"
done
