#!/bin/sh
# The window's responsiveness under load (bench/UiPulse.java), RUNS rounds. Each round also runs
# bench/BarePulse.java, a bare JavaFX window of one table measured the same way, as the machine's
# reference at that moment; the runs alternate (pmfx, bare, pmfx, bare, ...) and the medians of
# each are printed at the end. Without a display it runs itself under Xvfb (apt install xvfb).
# Usage: bench/ui.sh [RUNS] [charts]  (default 3; "charts": 16 workers with the Metrics tab open
# on ten minutes of samples, instead of 200; LOGS_TAB=1 leaves the Logs tab open instead)
# pmfx runs on the window's JVM options (src/main/resources/dev/pmfx/ui/window.jvm-options);
# UI_JVM="..." replaces them, and UI_VS="..." adds a run of pmfx on those options to each round
# (UI_VS=" " for the JVM's defaults), to compare two sets in the same rounds.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi
runs=${1:-3}
workers=200
if [ "${2:-}" = charts ]; then
  export CHARTS=1
  workers=16
fi
"$root/bin/pmfx" --version >/dev/null # builds when needed
jdk=$("$root/bin/find-jdk")
window=${UI_JVM:-$(sed -e 's/#.*//' "$root/src/main/resources/dev/pmfx/ui/window.jvm-options" | tr -s ' \n' ' ')}
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
echo "pmfx: $window"
[ -n "${UI_VS:-}" ] && echo "pmfx-vs: $UI_VS"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
run() { # LABEL JVM-OPTIONS SOURCE-FILE
  # shellcheck disable=SC2086
  "$jdk/bin/java" $2 --module-path="$(cat "$root/target/pmfx.modulepath")" \
    --add-modules=javafx.controls,javafx.fxml --enable-native-access=javafx.graphics,ALL-UNNAMED \
    -Dworkers="$workers" \
    -cp "$root/target/classes:$(cat "$root/target/pmfx.classpath")" "$3" 2>&1 |
    grep -v -e WARNING -e '^\s*at ' -e '^started: ' | sed "s/^/$1: /" | tee -a "$out" || true
}
i=0
while [ "$i" -lt "$runs" ]; do
  echo "round $((i + 1)), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  run pmfx "$window" "$root/bench/UiPulse.java"
  [ -n "${UI_VS:-}" ] && run pmfx-vs "$UI_VS" "$root/bench/UiPulse.java"
  run bare "" "$root/bench/BarePulse.java"
  i=$((i + 1))
done
echo "medians of the runs (p99 / longest gap / gaps over 100 ms):"
for label in pmfx pmfx-vs bare; do
  grep "^$label: .*p99" "$out" | sed -e 's/.* p99 \([0-9.]*\) ms, max \([0-9.]*\) ms, \([0-9]*\) gaps.*/\1 \2 \3/' |
    awk -v l="$label" '{ p[NR] = $1; m[NR] = $2; g[NR] = $3 }
      function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
        if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
      END { if (NR) printf "  %-8s %s runs: p99 %.1f ms, longest %.1f ms, %s gaps over 100 ms\n", l, NR, med(p, NR), med(m, NR), med(g, NR) }'
done
