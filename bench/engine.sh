#!/bin/sh
# The engine's benchmarks: restart latency (crash to online) and log throughput.
# Usage: bench/engine.sh [RUNS]  (default 5; each figure is the median of the runs' medians)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
"$root/bin/pmfx" --version >/dev/null # builds when needed
jdk=$("$root/bin/find-jdk")
cp="$root/target/classes:$(cat "$root/target/pmfx.classpath")"
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1), $("$root/bin/pmfx" --version | tail -n 1)"
for bench in RestartLatency LogThroughput; do
  i=0
  while [ "$i" -lt "$runs" ]; do
    "$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" "$root/bench/$bench.java"
    i=$((i + 1))
  done
done
