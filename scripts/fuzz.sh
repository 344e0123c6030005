#!/bin/bash
# Long mutation-fuzz run of the OpenFlow codec over every golden vector.
# Usage: scripts/fuzz.sh [COUNT] [SEED]     (default 20,000,000 mutations, random seed)
# Replays a failure exactly with the seed the test printed: scripts/fuzz.sh 1000000 <seed>
set -euo pipefail
cd "$(dirname "$0")/.."
export OFP_FUZZ_COUNT=${1:-20000000}
[ -n "${2:-}" ] && export OFP_FUZZ_SEED=$2
dotnet test tests/OpenFlow.Tests/OpenFlow.Tests.csproj -c Release \
  --filter "FullyQualifiedName~OpenFlow.Tests.Fuzz.MutationFuzzTests" \
  --logger "console;verbosity=detailed" 2>&1 | grep -E "OFP_FUZZ|mutations of|outcomes:|kinds:|case [0-9]+|input |Passed|Failed|error" | sed "s/^ *//" | awk "!seen[\$0]++"
