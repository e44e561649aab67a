#!/bin/sh
# The window's responsiveness under load (bench/UiPulse.java), RUNS times. Without a display it
# runs itself under Xvfb (apt install xvfb). Usage: bench/ui.sh [RUNS]  (default 3)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi
runs=${1:-3}
"$root/bin/pmfx" --version >/dev/null # builds when needed
jdk=$("$root/bin/find-jdk")
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
i=0
while [ "$i" -lt "$runs" ]; do
  "$jdk/bin/java" --module-path="$(cat "$root/target/pmfx.modulepath")" \
    --add-modules=javafx.controls,javafx.fxml --enable-native-access=javafx.graphics,ALL-UNNAMED \
    -cp "$root/target/classes:$(cat "$root/target/pmfx.classpath")" "$root/bench/UiPulse.java" 2>&1 |
    grep -v -e WARNING -e '^\s*at ' || true
  i=$((i + 1))
done
