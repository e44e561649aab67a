# A real sshd on a free loopback port for the benchmarks over SSH, run as this user: its own host
# and client keys in $work, and $work/ssh_config, with which ssh reaches it under any host name
# (`Host *`). Sourced with work set to a temporary folder; sets sshd to its pid (the caller kills
# it). Needs /usr/sbin/sshd (apt install openssh-server).
[ -x /usr/sbin/sshd ] || { echo "$0 needs /usr/sbin/sshd (apt install openssh-server)" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ssh-keygen -q -t ed25519 -N "" -f "$work/host_key"
ssh-keygen -q -t ed25519 -N "" -f "$work/client_key"
cp "$work/client_key.pub" "$work/authorized_keys"
cat > "$work/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $port
HostKey $work/host_key
AuthorizedKeysFile $work/authorized_keys
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PidFile $work/sshd.pid
MaxStartups 100:30:200
MaxSessions 100
CONF
cat > "$work/ssh_config" <<CONF
Host *
  HostName 127.0.0.1
  Port $port
  IdentityFile $work/client_key
  IdentitiesOnly yes
  UserKnownHostsFile $work/known_hosts
  StrictHostKeyChecking accept-new
  LogLevel ERROR
CONF
[ "$(id -u)" -ne 0 ] || mkdir -p /run/sshd
/usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" &
sshd=$!
sleep 1
