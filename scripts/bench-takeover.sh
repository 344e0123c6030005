#!/usr/bin/env bash
# Takeover time after SIGKILL of a switch's master in a 3-controller cluster on a real 3-member etcd
# (median and worst of TAKEOVER_RUNS, default 20). Needs root, Open vSwitch, etcd and socat.
# Usage: sudo scripts/bench-takeover.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
export TAKEOVER_RUNS="${1:-20}"
dotnet build Controller.sln -c Release -nologo -v q
dotnet test tests/Integration.Tests/Integration.Tests.csproj -c Release --no-build \
  --filter "FullyQualifiedName~TakeoverBenchmark" --logger "console;verbosity=detailed" \
  | grep -E "^ *(run [0-9]+:|TAKEOVER)|Passed|Failed"
