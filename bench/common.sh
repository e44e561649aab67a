# What the benchmarks against PM2 share: PM2 from npm into bench/.pm2 (not committed), a free
# port, waiting for an answer, medians. Sourced with root set to the checkout.
command -v wrk >/dev/null || { echo "$0 needs wrk: apt install wrk" >&2; exit 1; }
command -v node >/dev/null || { echo "$0 needs Node.js" >&2; exit 1; }
if [ ! -x "$root/bench/.pm2/node_modules/.bin/pm2" ]; then
  npm install --silent --prefix "$root/bench/.pm2" pm2@latest >/dev/null
fi
pm2="$root/bench/.pm2/node_modules/.bin/pm2"
"$root/bin/pmfx" --version >/dev/null # builds when needed

free_port() { node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})'; }
wait_port() { i=0; until curl -s -o /dev/null "http://127.0.0.1:$1/"; do i=$((i+1)); [ $i -lt 300 ] || { echo "nothing answers on $1" >&2; exit 1; }; sleep 0.1; done; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
machine() { echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1); node $(node --version); pm2 $("$pm2" --version | tail -n 1); $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2)"; }
