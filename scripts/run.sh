#!/usr/bin/env bash
# Runs the controller: OpenFlow on 0.0.0.0:6653, REST on http://127.0.0.1:8080, LiteDB in ./data.
# Extra arguments are passed through as configuration, e.g. --OpenFlow:Port=6654.
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run --project src/Controller/Controller.csproj -c Release -- "$@"
