#!/usr/bin/env bash
# Takeover time after SIGKILL in a 3-controller cluster on a real 3-member etcd that also holds the controllers'
# shared store, with one zero-touch OVS host managed by all three (median and worst of TAKEOVER_RUNS, default 20):
# the master of the host's br-tun (switch mastership) and the host's OVSDB writer, each killed TAKEOVER_RUNS times.
# Needs root, Open vSwitch, etcd and socat.
# Usage: sudo scripts/bench-takeover.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
export TAKEOVER_RUNS="${1:-20}"
dotnet build Controller.sln -c Release -nologo -v q
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet test tests/Integration.Tests/Integration.Tests.csproj -c Release --no-build \
  --filter "FullyQualifiedName~TakeoverBenchmark" --logger "console;verbosity=detailed" \
  | grep -E "^ *(run [0-9]+ \(|TAKEOVER)|Passed|Failed" | sed 's/^ *//' | awk '!seen[$0]++'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
