#!/bin/sh
# pmfx on PATH (/usr/bin/pmfx links here) and from the menu entry: picks the JVM by what it is
# asked, as bin/pmfx does in a checkout. No arguments (or a file to open) opens the window on the
# window's launcher (bin/pmfx, the JVM's whole compiler and G1); daemon and run go to
# bin/pmfx-daemon (the daemon's own options); any other command (list, stop, logs, ...) runs on
# C1 alone with the serial GC and the CLI's AOT cache (lib/app/pmfx-cli.aot, which postinst
# trains on 'pmfx list').
#
# The window's AOT cache is made per user, by their first start of this build: that start records
# what it loads and writes ~/.cache/pmfx/pmfx-@STAMP@.aot when it ends (about 55 MB), which the
# window's launcher maps from then on (its java-options name the same file). The package ships
# none: it would be 8.6 MB of the download.
set -eu
app=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
APPDIR="$app/lib/app"
java="$app/lib/runtime/bin/java"
# the launcher's options (pom.xml), and its path, so that the window and commands find
# pmfx-daemon beside it
base="-Djpackage.app-path=$app/bin/pmfx --enable-native-access=javafx.graphics,ALL-UNNAMED"
base="$base --sun-misc-unsafe-memory-access=allow -Dio.netty.noUnsafe=false -Dio.netty.leakDetection.level=disabled"
cp="@CLASSPATH@"

case "${1:-}" in
  daemon|run) exec "$app/bin/pmfx-daemon" "$@" ;;
esac
if [ $# -eq 0 ] || [ -e "$1" ]; then
  cache="${HOME:-/nonexistent}/.cache/pmfx/pmfx-@STAMP@.aot"
  if [ -f "$cache" ] || ! mkdir -p "${cache%/*}" 2>/dev/null || [ ! -w "${cache%/*}" ]; then
    exec "$app/bin/pmfx" "$@"
  fi
  # This user's first start of this build: the same JVM as the launcher's (its options and the
  # window's, window.jvm-options), recording. An older build's cache goes (it no longer fits the
  # jars).
  for old in "${cache%/*}"/pmfx-*.aot; do
    [ "$old" = "$cache" ] || rm -f "$old"
  done
  # shellcheck disable=SC2086
  exec "$java" $base @WINDOW_OPTIONS@ -XX:AOTCacheOutput="$cache" -Xlog:aot*=off -Xlog:cds*=off \
    -cp "$cp" dev.pmfx.Main "$@"
fi

# A command. PMFX_AOT_OUTPUT is for postinst's training run.
if [ -n "${PMFX_AOT_OUTPUT:-}" ]; then
  aot="-XX:AOTCacheOutput=$PMFX_AOT_OUTPUT -Dpmfx.aotTraining=true"
elif [ -f "$APPDIR/pmfx-cli.aot" ]; then
  # a cache that does not fit only costs speed; the JVM says nothing about it
  aot="-XX:AOTCache=$APPDIR/pmfx-cli.aot -Xlog:aot*=off -Xlog:cds*=off"
else
  aot=""
fi
# shellcheck disable=SC2086
exec "$java" $base -XX:TieredStopAtLevel=1 -XX:+UseSerialGC $aot -cp "$cp" dev.pmfx.Main "$@"
