#!/usr/bin/env bash
# Store write benchmark, side by side in one run: REST port creations (latency p50/p99 and throughput)
# on LiteDB, on a 3-member etcd cluster through one controller, and through two controllers on two
# different members racing on the same network. Everything runs on 127.0.0.1 with free ports; every
# process started here (etcd members, controllers) is stopped by its PID on exit, and the temp dir removed.
#
#   scripts/bench-store.sh [--writes N] [--concurrency C] [--only litedb|etcd]   (defaults 1000, 8, both; about a minute)
#   STORE_BENCH_CONTROLLER=<other build>/ofcontroller.dll scripts/bench-store.sh --only litedb   (compare builds)
set -euo pipefail
cd "$(dirname "$0")/.."
writes=1000
concurrency=8
only=all
while [ $# -gt 0 ]; do
  case "$1" in
    --writes) writes=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v etcd >/dev/null || { echo "etcd is not installed (apt-get install etcd-server)" >&2; exit 1; }

dotnet build src/Controller/Controller.csproj -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
dotnet build bench/StoreBench/StoreBench.csproj -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
CTL=${STORE_BENCH_CONTROLLER:-src/Controller/bin/Release/net10.0/ofcontroller.dll}  # another build to compare with
BENCH=bench/StoreBench/bin/Release/net10.0/storebench.dll

tmp=$(mktemp -d /tmp/bench-store.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

free_ports() { python3 -c 'import socket,sys
s=[socket.socket() for _ in range(int(sys.argv[1]))]
[x.bind(("127.0.0.1",0)) for x in s]; print(" ".join(str(x.getsockname()[1]) for x in s))' "$1"; }

read -r -a ports <<<"$(free_ports 8)"
cluster=""
for i in 0 1 2; do cluster+="${cluster:+,}m$i=http://127.0.0.1:${ports[$((3 + i))]}"; done
for i in 0 1 2; do
  etcd --name "m$i" --data-dir "$tmp/m$i" \
    --listen-client-urls "http://127.0.0.1:${ports[$i]}" --advertise-client-urls "http://127.0.0.1:${ports[$i]}" \
    --listen-peer-urls "http://127.0.0.1:${ports[$((3 + i))]}" --initial-advertise-peer-urls "http://127.0.0.1:${ports[$((3 + i))]}" \
    --initial-cluster "$cluster" --initial-cluster-token "bench-$$" --initial-cluster-state new \
    --logger zap --log-outputs "$tmp/m$i.log" >/dev/null 2>&1 &
  pids+=($!)
done
for i in 0 1 2; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:${ports[$i]}/health" | grep -q '"health":"true"' && break; sleep 0.1; done
done
ep() { echo "http://127.0.0.1:${ports[$1]}"; }

start_ctl() { # rest-port args...
  local port=$1; shift
  dotnet "$CTL" --Rest:Urls="http://127.0.0.1:$port" --OpenFlow:Address=127.0.0.1 --OpenFlow:Port=0 \
    --Ovsdb:Listen=127.0.0.1:0 --Serilog:MinimumLevel:Default=Warning "$@" >"$tmp/ctl-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "controller on $port did not start:" >&2; tail -20 "$tmp/ctl-$port.log" >&2; exit 1
}
stop_last() { local p=${pids[-1]}; kill -TERM "$p"; wait "$p" 2>/dev/null || true; unset 'pids[-1]'; }

echo "| store | controllers | writes | in flight | p50 ms | p99 ms | max ms | writes/s |"
echo "|---|---|---|---|---|---|---|---|"
if [ "$only" != etcd ]; then
  start_ctl "${ports[6]}" --Store:Backend=litedb --Store:Path="$tmp/lite.db"
  dotnet "$BENCH" --label "LiteDB (file)" --url "http://127.0.0.1:${ports[6]}" --writes "$writes" --concurrency "$concurrency"
  stop_last
fi
[ "$only" = litedb ] && exit 0

start_ctl "${ports[6]}" --Store:Backend=etcd --Store:Etcd:Endpoints="$(ep 0),$(ep 1),$(ep 2)" --Store:Etcd:Prefix=/bench1
dotnet "$BENCH" --label "etcd, 3 members" --url "http://127.0.0.1:${ports[6]}" --writes "$writes" --concurrency "$concurrency"
stop_last

start_ctl "${ports[6]}" --Store:Backend=etcd --Store:Etcd:Endpoints="$(ep 0),$(ep 1),$(ep 2)" --Store:Etcd:Prefix=/bench2
start_ctl "${ports[7]}" --Store:Backend=etcd --Store:Etcd:Endpoints="$(ep 1),$(ep 2),$(ep 0)" --Store:Etcd:Prefix=/bench2
dotnet "$BENCH" --label "etcd, 3 members, 2 controllers racing" --url "http://127.0.0.1:${ports[6]}" --url "http://127.0.0.1:${ports[7]}" --writes "$writes" --concurrency "$concurrency"
echo
echo "machine: $(nproc) cores, $(uname -r); etcd $(etcd --version | head -1 | awk '{print $3}'); data dirs on $(df -P "$tmp" | awk 'NR==2{print $1}')"
