#!/bin/sh
# The supervisor against an earlier revision of it (default: the last one before the worker's
# lifecycle became WorkerMachine), run in turn (A B A B ...) so the machine's drift falls on both
# alike. Each side runs its own copy of bench/RestartLatency.java (30 restarts: a crash to the
# next process online, a shell worker and a Node worker that says ready) and of
# bench/LogThroughput.java (2,000,000 lines through the pump, the file, the tail and a listener).
# Usage: bench/supervisor.sh [RUNS] [BASE_REVISION]   (default 5 runs)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
base_rev=${2:-3fecd67}
. "$root/bench/base.sh"
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1); node $(node --version)"
echo "A = this checkout ($(git -C "$root" rev-parse --short HEAD)), B = $base_rev"
out=$(mktemp)
for what in shell node log; do
  i=0
  while [ "$i" -lt "$runs" ]; do
    for side in A B; do
      dir=$root
      [ "$side" = A ] || dir=$base
      cp="$dir/target/classes:$(cat "$dir/target/pmfx.classpath")"
      if [ "$what" = log ]; then
        line=$("$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" "$dir/bench/LogThroughput.java")
        figure=$(echo "$line" | sed -n 's/.*: \([0-9,]*\) lines\/s through pmfx.*/\1/p' | tr -d ,)
      else
        line=$("$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" "$dir/bench/RestartLatency.java" 30 "$what")
        figure=$(echo "$line" | sed -n 's/.*median \([0-9.]*\) ms.*/\1/p')
      fi
      echo "$side $what: $line"
      echo "$what $side $figure" >>"$out"
    done
    i=$((i + 1))
  done
done
for what in shell node log; do
  a=$(awk -v k="$what" '$1 == k && $2 == "A" { print $3 }' "$out" | median)
  b=$(awk -v k="$what" '$1 == k && $2 == "B" { print $3 }' "$out" | median)
  unit="ms, crash to online"
  [ "$what" = log ] && unit="lines/s"
  echo "$what: median of $runs runs: A $a, B $b ($unit), A/B $(echo "$a $b" | awk '{ printf "%.2f", $1 / $2 }')"
done
rm -f "$out"
