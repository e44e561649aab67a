#!/bin/sh
# How fast a worker starts: this checkout against an earlier revision (default: the last one that
# started workers through Java's ProcessBuilder), run in turn (A B A B ...) so the machine's drift
# falls on both alike. Each run is bench/RestartLatency.java (30 restarts: a crash to the next
# process online), for a shell worker and for a Node worker that says ready with process.send.
# Usage: bench/launch.sh [RUNS] [BASE_REVISION]   (default 5 runs)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
base_rev=${2:-5cae25b}
. "$root/bench/base.sh"
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1); node $(node --version)"
echo "A = this checkout ($(git -C "$root" rev-parse --short HEAD)), B = $base_rev"
out=$(mktemp)
for kind in shell node; do
  i=0
  while [ "$i" -lt "$runs" ]; do
    for side in A B; do
      dir=$root
      [ "$side" = A ] || dir=$base
      line=$("$jdk/bin/java" --enable-native-access=ALL-UNNAMED \
        -cp "$dir/target/classes:$(cat "$dir/target/pmfx.classpath")" \
        "$root/bench/RestartLatency.java" 30 "$kind")
      echo "$side $line"
      echo "$kind $side $(echo "$line" | sed -n 's/.*median \([0-9.]*\) ms.*/\1/p')" >>"$out"
    done
    i=$((i + 1))
  done
done
for kind in shell node; do
  a=$(awk -v k="$kind" '$1 == k && $2 == "A" { print $3 }' "$out" | median)
  b=$(awk -v k="$kind" '$1 == k && $2 == "B" { print $3 }' "$out" | median)
  echo "$kind worker, median of $runs runs' medians: A $a ms, B $b ms, A/B $(echo "$a $b" | awk '{ printf "%.2f", $1 / $2 }')"
done
rm -f "$out"
