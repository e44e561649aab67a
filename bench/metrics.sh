#!/bin/sh
# The cost of CPU and memory sampling with 200 workers.
# Usage: bench/metrics.sh [RUNS]  (default 5)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
"$root/bin/pmfx" --version >/dev/null # builds when needed
jdk=$("$root/bin/find-jdk")
cp="$root/target/classes:$(cat "$root/target/pmfx.classpath")"
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1), $("$root/bin/pmfx" --version | tail -n 1)"
i=0
while [ "$i" -lt "$runs" ]; do
  "$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" "$root/bench/SamplingCost.java"
  i=$((i + 1))
done
