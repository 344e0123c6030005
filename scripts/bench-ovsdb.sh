#!/usr/bin/env bash
# OVSDB plumbing benchmark (issue 9, "Speed"): real ovsdb-server processes stand in for hypervisors.
#
#   ./scripts/bench-ovsdb.sh [--hosts N] [--steady SECONDS] [--timeout SECONDS]
#
#  - --hosts (50) ovsdb-servers on this machine, no ovs-vswitchd (nothing is forwarded, no packet leaves),
#    each with its own directory, system-id and ofc-encap-ip (addresses only written into tunnel options);
#    one more host is prepared for the join.
#  - the controller (Release build) on loopback with auto-registration on, one VXLAN network over REST.
#  1. mesh: every server gets `ovs-vsctl set-manager tcp:127.0.0.1:<port>` at once; timed from the first
#     set-manager until every server holds exactly N-1 tunnel interfaces, watched through an OVSDB monitor
#     of its own (bench/ovsdb/meshwatch.py); target < 5 s;
#  2. join: host N+1 gets set-manager; timed until all N+1 hold N tunnels; target < 1 s;
#  3. steady state: transact requests every server received over TCP (its own jsonrpc debug log) during
#     --steady (60) seconds; target 0;
#  4. controller resident memory before any host and after N+1 hosts, per host.
# Bounded (each phase has a timeout); stops everything it started by pidfile and deletes its files, also on
# failure or Ctrl-C. Needs Open vSwitch (ovsdb-server, ovs-vsctl), curl, jq, python3, dotnet.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
HOSTS=50
STEADY=60
TIMEOUT=60
while [[ $# -gt 0 ]]; do
    case "$1" in
        --hosts) HOSTS="$2"; shift ;;
        --steady) STEADY="$2"; shift ;;
        --timeout) TIMEOUT="$2"; shift ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
(( HOSTS >= 2 && HOSTS <= 200 )) || { echo "--hosts must be 2..200" >&2; exit 2; }
(( STEADY >= 5 && STEADY <= 300 )) || { echo "--steady must be 5..300 seconds" >&2; exit 2; }
for c in ovsdb-server ovsdb-tool ovs-vsctl curl jq python3 dotnet timeout; do
    command -v "$c" >/dev/null || { echo "missing: $c" >&2; exit 2; }
done

P="o$(printf '%03x' $((RANDOM % 4096)))"
WORK="/tmp/ofovsdb-$P"
mkdir -p "$WORK"
OVSH_PREFIX="$P" OVSH_WORK="$WORK"
# shellcheck source=lib/ovs-hosts.sh
source "$ROOT/scripts/lib/ovs-hosts.sh"
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
PY=/usr/bin/python3
WATCH="$ROOT/bench/ovsdb/meshwatch.py"

log() { printf '== %s\n' "$*" >&2; }

cleanup() {
    local code=$?
    set +e
    ovsh_stop_pidfile "$WORK/watch.pid"
    ovsh_cleanup
    if [[ $code -ne 0 ]]; then
        echo "controller log (tail):" >&2; tail -n 30 "$WORK/controller.log" 2>/dev/null | sed 's/^/  | /' >&2
    fi
    rm -rf "$WORK"
    log "cleaned up: $((HOSTS + 1)) ovsdb-servers, the controller, $WORK"
    exit $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$(cat "$WORK/controller.pid")/status"; }
sdir() { echo "$WORK/s$1"; }

# watch NAME LIMIT ARGS...: meshwatch in the background (pidfile, time limit), waited for in this shell so
# INT/TERM clean up at once; its JSON goes to $WORK/NAME.json. Exit code 2 (not all confirmed) is reported.
watch() {
    local name="$1" limit="$2"; shift 2
    timeout "$limit" "$PY" "$WATCH" "$@" >"$WORK/$name.json" &
    echo $! >"$WORK/watch.pid"
    wait "$!" || true
}

log "building the controller (Release)"
dotnet build "$ROOT/src/Controller/Controller.csproj" -c Release -v q -nologo >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log"; exit 1; }
DLL="$(ls "$ROOT"/src/Controller/bin/Release/net*/ofcontroller.dll | head -n 1)"
REST_PORT="$(ovsh_free_port)"
OF_PORT="$(ovsh_free_port)"
OVSDB_PORT="$(ovsh_free_port)"
API="http://127.0.0.1:$REST_PORT/api/v1"
ovsh_track_pidfile "$WORK/controller.pid"
dotnet "$DLL" --Rest:Urls="http://127.0.0.1:$REST_PORT" --Store:Path="$WORK/controller.db" \
    --OpenFlow:Address=127.0.0.1 --OpenFlow:Port="$OF_PORT" \
    --Ovsdb:Listen="127.0.0.1:$OVSDB_PORT" --Ovsdb:AutoRegister=true --Ovsdb:DatapathType=netdev \
    --Serilog:MinimumLevel:Default=Warning >"$WORK/controller.log" 2>&1 &
echo $! >"$WORK/controller.pid"
ovsh_poll 60 "the REST API" curl -sf "http://127.0.0.1:$REST_PORT/healthz"
post() { curl -sf -X POST "$API/$1" -H 'Content-Type: application/json' -d "$2"; }
TENANT="$(post tenants '{"name":"bench"}' | jq -r .id)"
post networks "{\"tenantId\":\"$TENANT\",\"name\":\"bench-net\",\"tunnelType\":\"vxlan\",\"segmentId\":100}" >/dev/null

log "starting $((HOSTS + 1)) ovsdb-servers"
for i in $(seq $((HOSTS + 1))); do
    d="$(sdir "$i")"
    ovsh_track_pidfile "$d/ovsdb-server.pid"
    ovsh_start_ovsdb "$d" "" -vjsonrpc:file:dbg
    OVS_RUNDIR="$d" OVS_DBDIR="$d" OVS_LOGDIR="$d" ovs-vsctl --no-wait init -- set open_vswitch . \
        external_ids:system-id="bench-$P-$i" external_ids:ofc-encap-ip="10.251.$((i / 200)).$((i % 200 + 1))" \
        external_ids:hostname="bench-$i"
done
sleep 1   # let the controller settle after start-up before its memory is read (not a measured quantity)
RSS0="$(rss_kb)"

SOCKS=(); TRIG=()
for i in $(seq "$HOSTS"); do SOCKS+=(--sock "$(sdir "$i")/db.sock"); TRIG+=(--trigger-dir "$(sdir "$i")"); done
log "phase 1: $HOSTS hosts connect; full mesh of $HOSTS x $((HOSTS - 1)) tunnel ports"
watch mesh $((TIMEOUT + 30)) "${SOCKS[@]}" "${TRIG[@]}" --expect $((HOSTS - 1)) --target "tcp:127.0.0.1:$OVSDB_PORT" --timeout "$TIMEOUT"
MESH="$(cat "$WORK/mesh.json")"; log "$MESH"
RSS1="$(rss_kb)"

log "phase 2: host $((HOSTS + 1)) joins"
watch join $((TIMEOUT + 30)) "${SOCKS[@]}" --sock "$(sdir $((HOSTS + 1)))/db.sock" --trigger-dir "$(sdir $((HOSTS + 1)))" \
    --expect "$HOSTS" --target "tcp:127.0.0.1:$OVSDB_PORT" --timeout "$TIMEOUT"
JOIN="$(cat "$WORK/join.json")"; log "$JOIN"

count_all() { local t=0 i; for i in $(seq $((HOSTS + 1))); do t=$((t + $(ovsh_remote_transactions "$(sdir "$i")"))); done; echo "$t"; }
TX_TOTAL_BEFORE_STEADY="$(count_all)"
log "phase 3: steady state for $STEADY s"
sleep "$STEADY"   # the measured window itself
TX_AFTER="$(count_all)"
TX_STEADY=$((TX_AFTER - TX_TOTAL_BEFORE_STEADY))
RSS2="$(rss_kb)"
REGISTERED="$(curl -sf "$API/hosts" | jq length)"

j() { jq -r "$2" <<<"$1" 2>/dev/null || echo n/a; }
echo
echo "## OVSDB plumbing benchmark ($(date -u '+%Y-%m-%d %H:%M UTC'))"
echo
echo "- CPU: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), nproc $(nproc); load average at start: $LOAD_AT_START"
echo "- $(ovsdb-server --version | head -1); .NET $(dotnet --version); $HOSTS (+1) ovsdb-servers on loopback, no ovs-vswitchd"
echo
echo "| measurement | result | target |"
echo "|---|---|---|"
echo "| 1. $HOSTS hosts: first set-manager -> every server holds $((HOSTS - 1)) tunnel ports (OVSDB monitor), s | $(j "$MESH" .all_confirmed_s) (first server $(j "$MESH" .first_confirmed_s); set-manager on all took $(j "$MESH" .set_manager_s)) | < 5 |"
echo "| 1. servers confirmed / tunnel ports in all | $(j "$MESH" .confirmed) / $(j "$MESH" .tunnels_total) (want $HOSTS / $((HOSTS * (HOSTS - 1)))) | |"
echo "| 2. host $((HOSTS + 1)) joins: set-manager -> all $((HOSTS + 1)) hold $HOSTS tunnel ports, s | $(j "$JOIN" .all_confirmed_s) (confirmed $(j "$JOIN" .confirmed) / $((HOSTS + 1)), ports $(j "$JOIN" .tunnels_total) / $(((HOSTS + 1) * HOSTS))) | < 1 |"
echo "| 3. steady state: transactions received from the controller by all servers in $STEADY s | $TX_STEADY ($(python3 -c "print(round($TX_STEADY * 60 / $STEADY, 1))") per minute) | 0 |"
echo "| 3. transactions before the steady window (mesh + join), all servers | $TX_TOTAL_BEFORE_STEADY | |"
echo "| 4. controller RSS: at start / after $HOSTS / after $((HOSTS + 1)) + ${STEADY} s, MiB | $((RSS0 / 1024)) / $((RSS1 / 1024)) / $((RSS2 / 1024)) | |"
echo "| 4. controller RSS per host ((after - start) / $((HOSTS + 1))), KiB | $(( (RSS2 - RSS0) / (HOSTS + 1) )) | |"
echo "| hosts registered over REST | $REGISTERED | $((HOSTS + 1)) |"
