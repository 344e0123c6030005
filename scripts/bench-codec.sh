#!/bin/bash
# OpenFlow codec benchmark: encode/decode rates and allocations per message for a br-tun table-21
# FLOW_MOD, the learn FLOW_MOD and a 64-byte PACKET_IN.
# Usage: scripts/bench-codec.sh [--quick]   (--quick: only the Stopwatch rates, no BenchmarkDotNet)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release bench/OpenFlow.Bench/OpenFlow.Bench.csproj -v q -nologo >/dev/null
BIN=bench/OpenFlow.Bench/bin/Release/net10.0/OpenFlow.Bench.dll
echo "== quick rates (single thread, 2 s per case)"
dotnet "$BIN" rates 2
[ "${1:-}" = "--quick" ] && exit 0
echo "== BenchmarkDotNet (short job)"
ART=$(mktemp -d /tmp/ofbench.XXXXXX)
trap 'rm -rf "$ART"' EXIT
dotnet "$BIN" --filter '*' --job short --artifacts "$ART" >"$ART/log.txt" 2>&1 || { tail -20 "$ART/log.txt"; exit 1; }
grep -E '^(BenchmarkDotNet|OS|Processor|\.NET SDK)' "$ART/log.txt" | head -4 || true
cat "$ART"/results/*-report-github.md 2>/dev/null | sed -n '/^|/p'
echo "(BenchmarkDotNet times are wall-clock; on a shared, loaded machine read the CPU-time rates above.)"
