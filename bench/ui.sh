#!/bin/sh
# The window's responsiveness under load (bench/UiPulse.java), RUNS times. Without a display it
# runs itself under Xvfb (apt install xvfb). Usage: bench/ui.sh [RUNS] [charts]  (default 3;
# "charts": 16 workers with the Metrics tab open on ten minutes of samples, instead of 200;
# LOGS_TAB=1 leaves the Logs tab open instead, to compare)
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
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
i=0
while [ "$i" -lt "$runs" ]; do
  "$jdk/bin/java" --module-path="$(cat "$root/target/pmfx.modulepath")" \
    --add-modules=javafx.controls,javafx.fxml --enable-native-access=javafx.graphics,ALL-UNNAMED \
    -Dworkers="$workers" \
    -cp "$root/target/classes:$(cat "$root/target/pmfx.classpath")" "$root/bench/UiPulse.java" 2>&1 |
    grep -v -e WARNING -e '^\s*at ' || true
  i=$((i + 1))
done
