#!/usr/bin/env bash
# Runs the controller: OpenFlow on 0.0.0.0:6653, REST on http://127.0.0.1:8080, LiteDB in ./data.
# Extra arguments are passed through as configuration, e.g. --OpenFlow:Port=6654.
# It builds first, then execs the built controller itself, so the PID you see is the controller's and a
# signal sent to it (Ctrl-C, SIGTERM, SIGKILL) leaves no wrapper process behind (`dotnet run` would).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Controller/Controller.csproj -c Release -nologo -v q -clp:ErrorsOnly >&2
exec dotnet src/Controller/bin/Release/net10.0/ofcontroller.dll "$@"
