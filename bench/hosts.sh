#!/bin/sh
# A command on a host's daemon over SSH against the same command on this machine's daemon:
# `pmfx list` (and `pmfx jlist`) with --host, through a real sshd on a loopback port (run as this
# user, its own host and client keys in a temporary folder), paired with the local command by
# farm-bench (A B A B …, RUNS pairs; ratios pair by pair). Both daemons run and hold the same
# app (3 workers of `sleep`), so the difference is ssh and the bridge. Also times ssh alone
# (`ssh host true`), the floor any command over SSH pays.
# Usage: bench/hosts.sh [RUNS]   (needs /usr/sbin/sshd: apt install openssh-server; farm-bench)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-15}
command -v farm-bench >/dev/null || { echo "$0 needs farm-bench" >&2; exit 1; }
"$root/bin/pmfx" --version >/dev/null # builds when needed
export PMFX_SKIP_BUILD=1
work=$(mktemp -d)
sshd=
cleanup() {
  PMFX_HOME="$work/local" "$root/bin/pmfx" kill >/dev/null 2>&1 || true
  PMFX_HOME="$work/host" "$root/bin/pmfx" kill >/dev/null 2>&1 || true
  [ -z "$sshd" ] || kill "$sshd" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. "$root/bench/sshd.sh"

cat > "$work/apps.yaml" <<YAML
apps:
  - name: sleepers
    script: sleep 100000
    instances: 3
    exec_mode: fork
YAML
PMFX_HOME="$work/local" "$root/bin/pmfx" start "$work/apps.yaml" >/dev/null
export PMFX_SSH="ssh -F $work/ssh_config"
export PMFX_REMOTE_PMFX="env PMFX_HOME=$work/host PMFX_SKIP_BUILD=1 $root/bin/pmfx"
host="$(id -un)@127.0.0.1"
"$root/bin/pmfx" --host "$host" start "$work/apps.yaml" >/dev/null

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1); $(ssh -V 2>&1)"
for command in list jlist; do
  echo "== pmfx $command over SSH (A) against this machine's daemon (B), $runs pairs"
  PMFX_HOME="$work/local" farm-bench -n "$runs" --timeout 600 \
    --vs "$root/bin/pmfx $command" -- "$root/bin/pmfx" --host "$host" "$command"
done
echo "== ssh alone: ssh $host true"
farm-bench -n "$runs" --timeout 300 -- ssh -F "$work/ssh_config" "$host" true

# An idle host held open, as a window would hold one: pmfx events --host, with nothing happening,
# for IDLE seconds (default 60): the host's bridge (and its sshd session) and this side's client.
idle=${IDLE:-60}
"$root/bin/pmfx" --host "$host" events > /dev/null 2>&1 &
follower=$!
sleep 8
bridge=$(pgrep -n -f "dev.pmfx.Main bridge" || true) # the JVM, not the shell that ran it
[ -n "$bridge" ] || { echo "no bridge found on the host" >&2; exit 1; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
client=$(pgrep -n -P "$follower" -f java || echo "$follower")
b0=$(ticks "$bridge"); c0=$(ticks "$client")
sleep "$idle"
b1=$(ticks "$bridge"); c1=$(ticks "$client")
hz=$(getconf CLK_TCK)
echo "== an idle host held open for $idle s (pmfx events --host): the bridge on the host, pid $bridge: $(rss "$bridge") KiB resident, $(echo "$b1 $b0 $hz $idle" | awk '{ printf "%.2f", ($1 - $2) / $3 / $4 * 100 }') % of a core; this side's client: $(rss "$client") KiB, $(echo "$c1 $c0 $hz $idle" | awk '{ printf "%.2f", ($1 - $2) / $3 / $4 * 100 }') % of a core"
kill "$follower" 2>/dev/null || true
