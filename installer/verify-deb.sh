#!/bin/sh
# Checks the Linux package as a user meets it: builds the .deb (./mvnw -Pinstaller package),
# installs it (apt resolves its dependencies), starts the installed app from its menu entry under
# Xvfb and takes a screenshot (target/installer/installed.png: look at it), times RUNS starts to
# the first window (a new user's first start, which writes the user's AOT cache, and later ones)
# in turn with a bare JavaFX window with one TableView on the same runtime (bench/BareWindow.java,
# no class data), runs `pmfx --version`, `pmfx check` and the CLI against a daemon from PATH,
# then purges the package and checks that nothing of it is left. Run as root or with sudo; needs
# Xvfb, xdotool, ImageMagick.
# Usage: installer/verify-deb.sh [RUNS]   (default 5)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
out="$root/target/installer"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$root" && ./mvnw -q -Pinstaller package)
deb=$(ls "$out"/package/pmfx_*_amd64.deb)
echo "package: $(basename "$deb"), $(du -k "$deb" | cut -f1) KB ($(stat -c %s "$deb") bytes)"

apt() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
apt purge -y -q pmfx >/dev/null 2>&1 || true # a run stopped halfway left it installed
apt update -qq
apt install -y -q "$deb" >/dev/null
echo "installed: $(dpkg-query -W -f '${Package} ${Version}, Installed-Size ${Installed-Size} KB' pmfx)"
dpkg-query -W -f 'Depends: ${Depends}\nMaintainer: ${Maintainer}\n' pmfx

# The CLI, from PATH: pmfx.sh, which gives commands the CLI's options and the AOT cache postinst
# trained.
command -v pmfx
[ "$(readlink -f "$(command -v pmfx)")" = /opt/pmfx/bin/pmfx.sh ] || {
  echo "pmfx on PATH is not /opt/pmfx/bin/pmfx.sh" >&2; exit 1; }
[ -s /opt/pmfx/lib/app/pmfx-cli.aot ] || { echo "postinst trained no CLI cache" >&2; exit 1; }
echo "the CLI's AOT cache: $(stat -c %s /opt/pmfx/lib/app/pmfx-cli.aot) bytes"
pmfx --version
printf 'apps:\n  - name: api\n    script: api.js\n    instances: 2\n' > "$work/ecosystem.yaml"
pmfx check "$work/ecosystem.yaml"

# The menu entry, and the app started the way a desktop starts it.
entry=/usr/share/applications/pmfx-pmfx.desktop
[ -f "$entry" ] || { echo "no menu entry at $entry" >&2; exit 1; }
grep -E '^(Name|Exec|Icon|Categories)=' "$entry"
exec_line=$(sed -n 's/^Exec=//p' "$entry")
icon=$(sed -n 's/^Icon=//p' "$entry")
[ -f "$icon" ] || { echo "the entry's icon $icon is missing" >&2; exit 1; }

cat > "$work/start.sh" <<SCRIPT
#!/bin/sh
# One start with HOME=\$1 of the command after \$3: prints the milliseconds until a window whose
# title matches \$2 shows (\$3: shot takes a screenshot, else -).
home=\$1 name=\$2 shot=\$3
shift 3
start=\$(date +%s%3N)
HOME=\$home PMFX_HOME=\$home/.pmfx "\$@" > "$work/app.log" 2>&1 &
pid=\$!
waited=0
until xdotool search --onlyvisible --name "\$name" >/dev/null 2>&1; do
  if ! kill -0 \$pid 2>/dev/null || [ \$waited -gt 3000 ]; then
    echo "\$* showed no window (it said:)" >&2
    cat "$work/app.log" >&2
    kill \$pid 2>/dev/null
    exit 1
  fi
  sleep 0.02
  waited=\$((waited + 1))
done
echo \$(( \$(date +%s%3N) - start ))
if [ "\$shot" = shot ]; then
  sleep 3
  import -window root "$out/installed.png"
fi
kill \$pid
wait \$pid 2>/dev/null || true
# the window reached (or started) the home's daemon; it ends with its workers
HOME=\$home PMFX_HOME=\$home/.pmfx pmfx kill >/dev/null 2>&1 || true
SCRIPT
chmod +x "$work/start.sh"
# One X server for every start (xvfb-run per start sometimes hands out a display that is not up).
n=99
while [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
trap 'kill $xvfb_pid 2>/dev/null; rm -rf "$work"' EXIT
export DISPLAY=":$n"
i=0
until xdotool getdisplaygeometry >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -lt 250 ] || { echo "Xvfb did not start on $DISPLAY" >&2; exit 1; }
  sleep 0.02
done
xvfb() { "$@"; }
mkdir "$work/home"
first=$(xvfb "$work/start.sh" "$work/home" '^pmfx' shot $exec_line)
echo "first start: $first ms to the window; screenshot: $out/installed.png"
# The first start wrote this user's AOT cache as it ended; later starts map it.
ls "$work/home/.cache/pmfx/"pmfx-*.aot >/dev/null 2>&1 || {
  echo "the first start wrote no AOT cache under $work/home/.cache/pmfx" >&2; exit 1; }
echo "the user's AOT cache: $(stat -c %s "$work/home/.cache/pmfx/"pmfx-*.aot) bytes"
# The yardstick: a bare JavaFX window with one TableView, compiled once, on the installed runtime
# (its javac) without class data of its own.
mkdir "$work/bare"
/opt/pmfx/lib/runtime/bin/java -m jdk.compiler/com.sun.tools.javac.Main -d "$work/bare" \
  "$root/bench/BareWindow.java"
bare="/opt/pmfx/lib/runtime/bin/java --enable-native-access=javafx.graphics -cp $work/bare BareWindow"
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
: > "$work/fresh"
: > "$work/again"
: > "$work/bare-ms"
: > "$work/ratio"
i=0
while [ "$i" -lt "$runs" ]; do
  # a new user's first start (JavaFX unpacks its native libraries, the JVM records and writes
  # the user's cache at the end), a later one, and the bare window, in turn
  mkdir "$work/fresh-$i"
  xvfb "$work/start.sh" "$work/fresh-$i" '^pmfx' - $exec_line >> "$work/fresh"
  again=$(xvfb "$work/start.sh" "$work/home" '^pmfx' - $exec_line)
  # shellcheck disable=SC2086
  barems=$(xvfb "$work/start.sh" "$work/home" '^bare window$' - $bare)
  echo "$again" >> "$work/again"
  echo "$barems" >> "$work/bare-ms"
  awk -v a="$again" -v b="$barems" 'BEGIN { printf "%.3f\n", a / b }' >> "$work/ratio"
  i=$((i + 1))
done
echo "start to first window, a new user's first start: $(sort -n "$work/fresh" | tr '\n' ' ')ms; median $(median < "$work/fresh") ms"
echo "start to first window, later starts: $(sort -n "$work/again" | tr '\n' ' ')ms; median $(median < "$work/again") ms"
echo "start to first window, the bare window (one TableView): $(sort -n "$work/bare-ms" | tr '\n' ' ')ms; median $(median < "$work/bare-ms") ms"
echo "later starts / bare window, pair by pair: $(sort -n "$work/ratio" | tr '\n' ' '); median $(median < "$work/ratio")"

# The demo the first start wrote, run headless on the bundled runtime: its workers are .java
# files, so this checks the runtime can compile and serve them.
(HOME="$work/home" PMFX_HOME="$work/home/.pmfx" timeout -s INT 25 \
  pmfx run "$work/home/.pmfx/demo/ecosystem.config.js" > "$work/demo.log" 2>&1) || true
for worker in web-0 web-1 worker-0; do
  grep -q "pmfx  | $worker online" "$work/demo.log" || {
    echo "the demo's $worker did not come online on the bundled runtime:" >&2
    cat "$work/demo.log" >&2
    exit 1
  }
done
echo "the demo runs on the bundled runtime: web-0, web-1 and worker-0 online"

# The daemon on the installed launcher: the CLI starts it, it runs a worker, kill ends both.
(
  export HOME="$work/home" PMFX_HOME="$work/home/.pmfx"
  pmfx start "$PMFX_HOME/demo/ecosystem.config.js" --only worker > "$work/daemon.log" 2>&1
  pmfx ping >> "$work/daemon.log" 2>&1 || { cat "$work/daemon.log" >&2; exit 1; }
  pmfx list > "$work/list.log" 2>&1
  cat "$work/list.log" >> "$work/daemon.log"
  grep -q '│ worker ' "$work/list.log" || { cat "$work/daemon.log" >&2; exit 1; }
  pmfx jlist | grep -q '"name" *: *"worker"' || { echo "pmfx jlist names no worker" >&2; exit 1; }
  pmfx kill | tee -a "$work/daemon.log" | grep -q 'and the daemon' || { cat "$work/daemon.log" >&2; exit 1; }
) || { echo "the daemon did not run on the installed launcher" >&2; exit 1; }
echo "the daemon runs on the installed launcher: pmfx start, list and kill from PATH"

apt purge -y -q pmfx >/dev/null
left=""
for path in /opt/pmfx /usr/bin/pmfx "$entry"; do
  if [ -e "$path" ] || [ -L "$path" ]; then left="$left $path"; fi
done
if dpkg-query -W pmfx >/dev/null 2>&1 && [ "$(dpkg-query -W -f '${Status}' pmfx)" != "unknown ok not-installed" ]; then
  left="$left (dpkg still lists pmfx)"
fi
if [ -n "$left" ]; then
  echo "left behind after purge:$left" >&2
  exit 1
fi
echo "purged: nothing of pmfx is left"
