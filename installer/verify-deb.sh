#!/bin/sh
# Checks the Linux package as a user meets it: builds the .deb (./mvnw -Pinstaller package),
# installs it (apt resolves its dependencies), starts the installed app from its menu entry under
# Xvfb and takes a screenshot (target/installer/installed.png: look at it), times RUNS starts to
# the first window, runs `pmfx --version` and `pmfx check` from PATH, then purges the package and
# checks that nothing of it is left. Run as root or with sudo; needs Xvfb, xdotool, ImageMagick.
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

# The CLI, from PATH.
command -v pmfx
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
# One start from the menu entry with HOME=\$1: prints the milliseconds until pmfx's window shows.
start=\$(date +%s%3N)
HOME=\$1 PMFX_HOME=\$1/.pmfx $exec_line > "$work/app.log" 2>&1 &
pid=\$!
waited=0
until xdotool search --onlyvisible --name '^pmfx' >/dev/null 2>&1; do
  if ! kill -0 \$pid 2>/dev/null || [ \$waited -gt 3000 ]; then
    echo "pmfx showed no window (it said:)" >&2
    cat "$work/app.log" >&2
    kill \$pid 2>/dev/null
    exit 1
  fi
  sleep 0.02
  waited=\$((waited + 1))
done
echo \$(( \$(date +%s%3N) - start ))
if [ "\${2:-}" = shot ]; then
  sleep 3
  import -window root "$out/installed.png"
fi
kill \$pid
wait \$pid 2>/dev/null || true
# the window reached (or started) the home's daemon; it ends with its workers
HOME=\$1 PMFX_HOME=\$1/.pmfx pmfx kill >/dev/null 2>&1 || true
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
first=$(xvfb "$work/start.sh" "$work/home" shot)
echo "first start: $first ms to the window; screenshot: $out/installed.png"
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
: > "$work/fresh"
: > "$work/again"
i=0
while [ "$i" -lt "$runs" ]; do
  # a new user's first start (JavaFX unpacks its native libraries), and a later one
  mkdir "$work/fresh-$i"
  xvfb "$work/start.sh" "$work/fresh-$i" >> "$work/fresh"
  xvfb "$work/start.sh" "$work/home" >> "$work/again"
  i=$((i + 1))
done
echo "start to first window, a new user's first start: $(sort -n "$work/fresh" | tr '\n' ' ')ms; median $(median < "$work/fresh") ms"
echo "start to first window, later starts: $(sort -n "$work/again" | tr '\n' ' ')ms; median $(median < "$work/again") ms"

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
  pmfx list >> "$work/daemon.log" 2>&1
  grep -q '│ worker ' "$work/daemon.log" || { cat "$work/daemon.log" >&2; exit 1; }
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
