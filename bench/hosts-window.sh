#!/bin/sh
# The window with other hosts in it (bench/HostsPulse.java), each host a pmfx daemon of its own on
# this machine (its own PMFX_HOME) reached through a real sshd on loopback (bench/sshd.sh), as the
# window reaches a server: `ssh -F CONFIG hN 'env PMFX_HOME=… bin/pmfx bridge'`.
#   reload: Reload on this machine's app `web` and on host h1's `web` (fork mode, 2 workers of
#           `sleep`), alternating, REPS times each (default 9): the time from the command on the
#           FX thread to the reload's first step listed in the Progress tab; medians and ratio.
#   idle:   the window's JVM with 0 hosts and with HOSTS idle hosts (default 20, each an app of 2
#           workers), alternating, IDLE_ROUNDS times (default 1): resident memory and CPU over IDLE s
#           (default 60), and the hosts' bridge JVMs' and the window's ssh children's.
#   pulse:  the window with HOSTS hosts of 10 workers each (200 remote workers), its frame gaps over
#           20 s as bench/ui.sh measures them, against bench/BarePulse.java (201 rows), alternating,
#           ROUNDS times (default 3); medians of the runs.
# Usage: bench/hosts-window.sh [reload] [idle] [pulse]   (none: all three)
# Needs /usr/sbin/sshd (apt install openssh-server); without a display it runs under Xvfb.
# pmfx runs on the window's JVM options (src/main/resources/dev/pmfx/ui/window.jvm-options).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi
what=${*:-reload idle pulse}
hosts=${HOSTS:-20}
reps=${REPS:-9}
idle=${IDLE:-60}
"$root/bin/pmfx" --version >/dev/null # builds when needed
export PMFX_SKIP_BUILD=1
jdk=$("$root/bin/find-jdk")
window=$(sed -e 's/#.*//' "$root/src/main/resources/dev/pmfx/ui/window.jvm-options" | tr -s ' \n' ' ')
work=$(mktemp -d)
sshd=
cleanup() {
  pids=
  for home in "$work"/hosts/h*; do
    [ -d "$home" ] || continue
    PMFX_HOME="$home" "$root/bin/pmfx" kill >/dev/null 2>&1 &
    pids="$pids $!"
    # shellcheck disable=SC2086
    [ "$(echo "$pids" | wc -w)" -lt 4 ] || { wait $pids || true; pids=; }
  done
  # shellcheck disable=SC2086
  [ -z "$pids" ] || wait $pids || true
  [ -z "$sshd" ] || kill "$sshd" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. "$root/bench/sshd.sh"

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1); $(ssh -V 2>&1)"
echo "pmfx: $window"
web() { # INSTANCES: the app every host runs, and this machine's in the reload
  cat > "$work/web.yaml" <<YAML
apps:
  - name: web
    script: sleep 100000
    instances: $1
    exec_mode: fork
YAML
}
web 2
mkdir -p "$work/hosts"
started=0
up_to() { # N: hosts h1..hN run their daemon with web, four started at a time
  while [ "$started" -lt "$1" ]; do
    pids=
    while [ "$(echo "$pids" | wc -w)" -lt 4 ] && [ "$started" -lt "$1" ]; do
      started=$((started + 1))
      PMFX_HOME="$work/hosts/h$started" "$root/bin/pmfx" start "$work/web.yaml" >/dev/null &
      pids="$pids $!"
    done
    # shellcheck disable=SC2086
    wait $pids # not a bare wait: sshd is a child of this shell too
  done
}
scale() { # N: every started host's web to N workers
  i=1
  pids=
  while [ "$i" -le "$started" ]; do
    PMFX_HOME="$work/hosts/h$i" "$root/bin/pmfx" scale web "$1" >/dev/null &
    pids="$pids $!"
    if [ $((i % 4)) -eq 0 ] || [ "$i" -eq "$started" ]; then
      # shellcheck disable=SC2086
      wait $pids
      pids=
    fi
    i=$((i + 1))
  done
}
out=$(mktemp)
trap 'rm -f "$out"; cleanup' EXIT
run() { # LABEL JVM-OPTIONS SOURCE-FILE PROPERTIES...
  label=$1 options=$2 source=$3
  shift 3
  # shellcheck disable=SC2086
  "$jdk/bin/java" $options --module-path="$(cat "$root/target/pmfx.modulepath")" \
    --add-modules=javafx.controls,javafx.fxml --enable-native-access=javafx.graphics,ALL-UNNAMED \
    -Dscratch="$work" -Dhosts.dir="$work/hosts" -Dssh="ssh -F $work/ssh_config" -Dpmfx="$root/bin/pmfx" "$@" \
    -cp "$root/target/classes:$(cat "$root/target/pmfx.classpath")" "$source" 2>&1 |
    grep --line-buffered -v -e WARNING -e '^\s*at ' | sed "s/^/$label: /" | tee -a "$out" || true
}
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

for step in $what; do
  case $step in
  reload)
    up_to 1
    echo "== Reload to its first step shown: this machine (A) and h1 over ssh (B), $reps each, A B A B"
    run reload "$window" "$root/bench/HostsPulse.java" -Dmode=reload -Dhosts=1 -Dworkers=2 \
      -Dreps="$reps" -Dlocal="$work/web.yaml"
    ;;
  idle)
    up_to "$hosts"
    scale 2
    echo "== An idle window: 0 hosts against $hosts idle hosts (2 workers each), ${IDLE:-60} s each, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    i=0
    while [ "$i" -lt "${IDLE_ROUNDS:-1}" ]; do
      run idle-0 "$window" "$root/bench/HostsPulse.java" -Dmode=idle -Dhosts=0 -Dseconds="$idle"
      run "idle-$hosts" "$window" "$root/bench/HostsPulse.java" -Dmode=idle -Dhosts="$hosts" \
        -Dworkers=2 -Dseconds="$idle"
      i=$((i + 1))
    done
    figures() { # N: the medians of the rounds of the window with N hosts: MiB and % of a core
      printf '%s %s\n' \
        "$(sed -n "s/^idle-$1: idle window.* JVM \([0-9.]*\) MiB.*/\1/p" "$out" | median)" \
        "$(sed -n "s/^idle-$1: idle window.*, \([0-9.]*\) % of a core.*/\1/p" "$out" | median)"
    }
    echo "$(figures 0) $(figures "$hosts") $hosts" | awk '{
      printf "  window with 0 hosts: %s MiB resident, %s %% of a core (medians of the rounds)\n", $1, $2
      printf "  window with %s hosts: %s MiB resident, %s %% of a core\n", $5, $3, $4
      printf "  per host: %.2f MiB, %.3f %% of a core in the window\n", ($3 - $1) / $5, ($4 - $2) / $5 }'
    ;;
  pulse)
    up_to "$hosts"
    scale 10
    echo "== $hosts hosts of 10 workers each in the window (pmfx) against a bare window (bare), ${ROUNDS:-3} rounds"
    i=0
    while [ "$i" -lt "${ROUNDS:-3}" ]; do
      echo "round $((i + 1)), load average $(cut -d' ' -f1-3 /proc/loadavg)"
      run pmfx "$window" "$root/bench/HostsPulse.java" -Dmode=pulse -Dhosts="$hosts" -Dworkers=10
      run bare "" "$root/bench/BarePulse.java" -Dworkers=200
      i=$((i + 1))
    done
    echo "medians of the runs (p99 / longest gap / gaps over 100 ms):"
    for label in pmfx bare; do
      grep "^$label: .*p99" "$out" | sed -e 's/.* p99 \([0-9.]*\) ms, max \([0-9.]*\) ms, \([0-9]*\) gaps.*/\1 \2 \3/' |
        awk -v l="$label" '{ p[NR] = $1; m[NR] = $2; g[NR] = $3 }
          function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
            if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
          END { if (NR) printf "  %-8s %s runs: p99 %.1f ms, longest %.1f ms, %s gaps over 100 ms\n", l, NR, med(p, NR), med(m, NR), med(g, NR) }'
    done
    ;;
  *) echo "$0: no such benchmark: $step (reload, idle, pulse)" >&2; exit 2 ;;
  esac
done
