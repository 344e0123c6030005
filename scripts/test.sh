#!/usr/bin/env bash
# Runs the whole test suite: unit tests, codec golden vectors and the real Open vSwitch tests.
# Installs the Debian packages the real-switch tests need when they are missing (needs root),
# restores NuGet packages, and prints the totals as its last line: "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."

need_pkgs=(curl nodejs npm chromium openvswitch-switch openvswitch-testcontroller mininet socat ethtool iperf3 tcpdump iputils-ping arping python3-os-ken docker.io docker-compose debootstrap busybox ndisc6 etcd-server etcd-client prometheus)
missing=()
for p in "${need_pkgs[@]}"; do
  # Node.js may come from elsewhere than Debian (the machine image ships NodeSource's, whose nodejs
  # conflicts with Debian's npm): a working node and npm on PATH are enough.
  case "$p" in nodejs|npm) command -v "${p/nodejs/node}" >/dev/null 2>&1 && continue ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || echo "warning: apt-get install failed; tests that need Open vSwitch will report themselves skipped"
  else
    echo "warning: not root, cannot install ${missing[*]}; tests that need them will be skipped"
  fi
fi

# Compose v2 (not packaged in Debian 12) for the compose tests, which run the file under both versions.
if [ "$(id -u)" = 0 ] && command -v docker >/dev/null 2>&1; then
  ./scripts/compose-v2.sh >/dev/null || echo "warning: Compose v2 could not be installed; its compose tests will report themselves skipped"
fi

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

dotnet build Controller.sln -c Release -nologo -v q 2>&1 | tail -5
build_rc=${PIPESTATUS[0]}
if [ "$build_rc" != 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# One run per test project, each with its own results directory: TRX names are timestamps, and two
# projects finishing in the same second would otherwise overwrite each other's counts.
test_rc=0
for proj in tests/*/*.csproj; do
  name=$(basename "$proj" .csproj)
  dotnet test "$proj" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results/$name" "$@" 2>&1 \
    | grep -vE '^\s*$' | grep -vE '^\s+Passed '
  rc=${PIPESTATUS[0]}
  [ "$rc" != 0 ] && test_rc=$rc
done

# The OVSDB client once more with socket completions inline, as the controller runs it by default with its
# LiteDB store: only then does it wrap its sockets to leave .NET's epoll threads (src/Ovsdb/Rpc/SocketThreads.cs).
DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 dotnet test tests/Ovsdb.Tests/Ovsdb.Tests.csproj -c Release --no-build -nologo \
  --logger "trx;LogFileName=Ovsdb.Tests.inline.trx" --logger "console;verbosity=normal" \
  --results-directory "$results/Ovsdb.Tests.inline" "$@" 2>&1 \
  | grep -vE '^\s*$' | grep -vE '^\s+Passed '
rc=${PIPESTATUS[0]}
[ "$rc" != 0 ] && test_rc=$rc

python3 - "$results" "$test_rc" "$(( $(ls tests/*/*.csproj | wc -l) + 1 ))" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
files = glob.glob(sys.argv[1] + "/*/*.trx")
for f in files:
    c = ET.parse(f).getroot().find(".//{*}ResultSummary/{*}Counters")
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    skipped += int(c.get("notExecuted", 0)) + int(c.get("inconclusive", 0))
# The failures again, last, so that a log cut to its tail still names them.
for f in files:
    for r in ET.parse(f).getroot().iter("{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}UnitTestResult"):
        if r.get("outcome") in ("Failed", "Error", "Timeout", "Aborted"):
            msg = r.find(".//{*}Output/{*}ErrorInfo/{*}Message")
            text = (msg.text or "").strip().replace("\n", " | ") if msg is not None else ""
            print(f"FAILED {r.get('testName')} ({r.get('duration')}): {text[:600]}")
rc = int(sys.argv[2])
missing = int(sys.argv[3]) - len(files)
if missing > 0:
    print(f"{missing} test project(s) left no results")
    failed += missing
if rc != 0 and failed == 0:
    failed = 1  # the runner failed without a failing test (crash, abort): count it, never hide it
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed else 0)
PY
