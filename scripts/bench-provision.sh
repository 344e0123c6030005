#!/usr/bin/env bash
# Provisioning benchmark: how long until a REST change is on the switches, and what a controller restart
# costs a switch that already holds its flows. Prints one markdown table with machine info.
#
#   ./scripts/bench-provision.sh [--runs N] [--switches N] [--flows N] [--restarts N] [--skip-emu] [--skip-real] [--debounce-ms MS]
#
#  1. two real hosts (namespace + own Open vSwitch each, br-int/br-tun/br-phy, vxlan-<hex> tunnel ports,
#     br-tun through a socat relay; hosts from scripts/lib/ovs-hosts.sh, as scripts/demo.sh): per run a new network with a port on host 1,
#     then the timed POST of a port on host 2; done when the controller reports installed (REST poll every
#     5 ms) the new MAC's l2population flow on host 1 and the table 2/21/20 flows on host 2; cross-checked
#     with `ovs-ofctl dump-flows` polled on both hosts.
#  2. --switches (100) emulated br-tun switches (bench/provision/brtun_emu.py: patch-int + a vxlan port to
#     every other host, keeps a flow table, answers FLOW stats and BARRIER): one network on every host;
#     time from a port POST until every other switch has sent the BARRIER_REPLY that follows the FLOW_MOD
#     carrying the new MAC (max over switches).
#  3. host 1 (real OVS) gets --flows (10000) l2population flows (ports on host 2 in 10 networks that also
#     have a port on host 1); the controller is stopped by PID and started again on the same LiteDB file;
#     measured: switch connect -> reconcile done, FLOW_MODs sent (lastReconcile, /metrics, `ovs-ofctl
#     snoop` on the bridge, and flows whose OVS duration restarted).
#  4. with the controller down every flow of host 1's br-tun is deleted (`ovs-ofctl del-flows`); started
#     again, the controller installs them all: measured connect -> confirmed reconcile, and the flow count.
# Bounded (timeout per step, about 3-5 minutes in all); stops everything it started by PID and deletes its
# namespaces and files, also on failure or Ctrl-C. Needs root, Open vSwitch, socat, curl, jq, python3.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS=10
RESTARTS=3
SWITCHES=100
FLOWS=10000
DO_EMU=1
DO_REAL=1
CONTROLLER_ARGS=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) RUNS="$2"; shift ;;
        --switches) SWITCHES="$2"; shift ;;
        --flows) FLOWS="$2"; shift ;;
        --restarts) RESTARTS="$2"; shift ;;
        --skip-emu) DO_EMU=0 ;;
        --skip-real) DO_REAL=0 ;;
        --debounce-ms) CONTROLLER_ARGS+=("--Runtime:Debounce=00:00:00.$(printf '%03d' "$2")"); shift ;;
        -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
[[ $EUID -eq 0 ]] || { echo "run as root (namespaces, veths, ovs-vswitchd)" >&2; exit 2; }
for c in ovs-vswitchd ovsdb-server ovsdb-tool ovs-vsctl ovs-ofctl socat curl jq ip dotnet python3 timeout; do
    command -v "$c" >/dev/null || { echo "missing: $c" >&2; exit 2; }
done

P="p$(printf '%03x' $((RANDOM % 4096)))"
WORK="/tmp/ofprov-$P"
mkdir -p "$WORK"
OVSH_PREFIX="$P" OVSH_WORK="$WORK" OVSH_SUBNET=79
# shellcheck source=lib/ovs-hosts.sh
source "$ROOT/scripts/lib/ovs-hosts.sh"
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
PY=/usr/bin/python3
DRIVER="$ROOT/bench/provision/provbench.py"

log() { printf '== %s\n' "$*" >&2; }

cleanup() {
    local code=$?
    set +e
    local namespaces="${OVSH_NAMESPACES[*]:-none}"
    ovsh_stop_pidfile "$WORK/snoop.pid"
    ovsh_stop_pidfile "$WORK/driver.pid"
    ovsh_stop_pidfile "$WORK/controller.pid"
    ovsh_cleanup
    if [[ $code -ne 0 ]]; then
        echo "controller log (tail):" >&2; tail -n 20 "$WORK/controller.log" 2>/dev/null | sed 's/^/  | /' >&2
    fi
    rm -rf "$WORK"
    log "cleaned up: namespaces $namespaces, $WORK"
    exit $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM

poll() { ovsh_poll "$@"; }
stop_pidfile() { ovsh_stop_pidfile "$@"; }

# driver NAME LIMIT ARGS...: runs the Python driver in the background (pidfile, time limit) and waits for
# it in this shell, so that INT/TERM interrupt the wait at once and the EXIT trap cleans up; the JSON it
# prints ends up in $WORK/NAME.json.
driver() {
    local name="$1" limit="$2"; shift 2
    timeout "$limit" "$PY" "$DRIVER" "$@" >"$WORK/$name.json" &
    echo $! >"$WORK/driver.pid"
    wait "$!"
}

log "building the controller (Release)"
dotnet build "$ROOT/src/Controller/Controller.csproj" -c Release -v q -nologo >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log"; exit 1; }
DLL="$(ls "$ROOT"/src/Controller/bin/Release/net*/ofcontroller.dll | head -n 1)"
REST_PORT="$(ovsh_free_port)"
OF_PORT="$(ovsh_free_port)"
API="http://127.0.0.1:$REST_PORT/api/v1"

# start_controller DBFILE: the controller on the fixed ports, logging to $WORK/controller.log.
start_controller() {
    dotnet "$DLL" --Rest:Urls="http://127.0.0.1:$REST_PORT" --Store:Path="$1" \
        --OpenFlow:Address=127.0.0.1 --OpenFlow:Port="$OF_PORT" "${CONTROLLER_ARGS[@]}" >>"$WORK/controller.log" 2>&1 &
    echo $! >"$WORK/controller.pid"
    poll 60 "the REST API" curl -sf "http://127.0.0.1:$REST_PORT/healthz"
}
stop_controller() {
    stop_pidfile "$WORK/controller.pid"
    # The OpenFlow port must be free again before the next start.
    poll 20 "the OpenFlow port to close" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$OF_PORT) 2>/dev/null"
}
post() { curl -sf -X POST "$API/$1" -H 'Content-Type: application/json' -d "$2"; }

EMU_JSON=""
if [[ $DO_EMU -eq 1 ]]; then
    log "part 2: $SWITCHES emulated br-tun switches"
    start_controller "$WORK/emu.db"
    driver emu 300 emu --api "$API" --of-port "$OF_PORT" --switches "$SWITCHES" --runs "$RUNS"
    EMU_JSON="$(cat "$WORK/emu.json")"
    log "$EMU_JSON"
    stop_controller
fi

FULL_JSON=""; WIPED="n/a"; FULL_OVS="n/a"; ADD_JSON=""; FILL_JSON=""; REC_ALL=""; SNOOP_FLOW_MODS="n/a"; OVS_RESTARTED="n/a"; OVS_TOTAL="n/a"
if [[ $DO_REAL -eq 1 ]]; then
    log "part 1: two real Open vSwitch hosts"
    start_controller "$WORK/real.db"
    ovs() { ovsh_ovs "$@"; }
    underlay_ip() { ovsh_underlay_ip "$1"; }
    ovsh_make_fabric
    for n in 1 2; do
        ovsh_make_host $n
        ovsh_make_brint_brtun $n
    done
    for n in 1 2; do ovsh_add_tunnel $n vxlan $((3 - n)); done
    declare -A DPID HOST
    for n in 1 2; do
        dir="$(ovsh_host_dir $n)"
        socat "UNIX-LISTEN:$dir/ctl.sock,fork,unlink-early" "TCP:127.0.0.1:$OF_PORT" 2>>"$WORK/socat.log" &
        echo $! >"$dir/socat.pid"
        ovsh_track_pidfile "$dir/socat.pid"
        poll 10 "relay socket of host $n" test -S "$dir/ctl.sock"
        ovs $n ovs-vsctl --timeout=20 set-controller br-tun "unix:$dir/ctl.sock" \
            -- set controller br-tun max_backoff=1000
        DPID[$n]="$(ovs $n ovs-vsctl get bridge br-tun datapath_id | tr -d '"')"
    done
    TENANT="$(post tenants '{"name":"bench"}' | jq -r .id)"
    for n in 1 2; do
        HOST[$n]="$(post hosts "{\"name\":\"hv$n\",\"datapathId\":\"${DPID[$n]}\",\"tunnelIp\":\"$(underlay_ip $n)\"}" | jq -r .id)"
    done
    for n in 1 2; do poll 30 "host $n connected" curl -sf "$API/switches/${DPID[$n]}"; done
    COMMON=(--api "$API" --tenant "$TENANT" --host1 "${HOST[1]}" --host2 "${HOST[2]}"
            --dpid1 "${DPID[1]}" --dpid2 "${DPID[2]}" --ovs1 "$WORK/h1" --ovs2 "$WORK/h2")
    driver add 300 real-add "${COMMON[@]}" --runs "$RUNS"
    ADD_JSON="$(cat "$WORK/add.json")"
    log "$ADD_JSON"

    log "part 3: $FLOWS l2population flows on host 1, then a controller restart"
    driver fill $((900 + FLOWS / 40)) fill "${COMMON[@]}" --ports "$FLOWS" --networks 10
    FILL_JSON="$(cat "$WORK/fill.json")"
    log "$FILL_JSON"
    OVS_RUNDIR="$WORK/h1" OVS_DBDIR="$WORK/h1" OVS_LOGDIR="$WORK/h1" timeout 300 ovs-ofctl -O OpenFlow13 snoop br-tun >"$WORK/snoop.txt" 2>&1 &
    echo $! >"$WORK/snoop.pid"
    sleep 0.5   # snoop attaches asynchronously; it only needs to be there before the restart below
    BEFORE_RESTART=$(date +%s.%N)
    REC_ALL="[]"
    for r in $(seq "$RESTARTS"); do
        stop_controller
        sleep 1     # OVS notices the lost connection and backs off; the flows stay (fail_mode=secure)
        start_controller "$WORK/real.db"
        driver rec 180 reconnect --api "$API" --dpid "${DPID[1]}" --ovs "$WORK/h1"
        REC_JSON="$(cat "$WORK/rec.json")"
        log "restart $r: $REC_JSON"
        REC_ALL="$(jq -c --argjson x "$REC_JSON" '. + [$x]' <<<"$REC_ALL")"
    done
    sleep 1
    stop_pidfile "$WORK/snoop.pid"
    SNOOP_FLOW_MODS="$(grep -c 'OFPT_FLOW_MOD' "$WORK/snoop.txt" || true)"
    SNOOP_STATS="$(grep -c 'OFPST_FLOW reply\|OFPMP_FLOW reply\|flow_stats\|OFPST_FLOW request' "$WORK/snoop.txt" || true)"
    ELAPSED=$(python3 -c "import time; print(time.time() - $BEFORE_RESTART)")
    # Flows OVS (re)created after the restart have a smaller duration than the time since then.
    read -r OVS_RESTARTED OVS_TOTAL < <(ovs 1 ovs-ofctl -O OpenFlow13 dump-flows br-tun \
        | awk -v e="$ELAPSED" '/^ *cookie=0xb70/ && !/^ *cookie=0xb70ffffffffffff/ { t++; match($0, /duration=[0-9.]+s/); d = substr($0, RSTART + 9, RLENGTH - 10) + 0; if (d < e) r++ } END { print r + 0, t + 0 }')

    log "part 4: every flow of host 1 deleted while the controller is down, then a full install"
    stop_controller
    ovs 1 ovs-ofctl -O OpenFlow13 del-flows br-tun
    WIPED="$(ovs 1 ovs-ofctl -O OpenFlow13 dump-flows br-tun | grep -c 'cookie=' || true)"
    start_controller "$WORK/real.db"
    driver full 300 reconnect --api "$API" --dpid "${DPID[1]}" --ovs "$WORK/h1"
    FULL_JSON="$(cat "$WORK/full.json")"
    log "full install: $FULL_JSON"
    FULL_OVS="$(ovs 1 ovs-ofctl -O OpenFlow13 dump-flows br-tun | grep -c '^ *cookie=0xb70' || true)"
fi

# ---------------------------------------------------------------------------------------------------
j() { jq -r "$2" <<<"$1" 2>/dev/null || echo n/a; }
f1() { j "$1" "$2 | . * 10 | round / 10"; }
echo
echo "## Provisioning benchmark ($(date -u '+%Y-%m-%d %H:%M UTC'))"
echo
echo "- CPU: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), nproc $(nproc)"
echo "- Memory: $(awk '/^MemTotal:/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); kernel $(uname -r); .NET $(dotnet --version); $(ovs-vswitchd --version | head -1)"
echo "- Load average at start: $LOAD_AT_START (other work on the machine skews results)"
echo "- Controller: Runtime:Debounce $([[ ${#CONTROLLER_ARGS[@]} -gt 0 ]] && echo "${CONTROLLER_ARGS[0]#--Runtime:Debounce=}" || echo "100 ms (default)") (every change waits for it before the reconcile)"
echo
echo "| measurement | n | min | median | max |"
echo "|---|---|---|---|---|"
if [[ -n "$ADD_JSON" ]]; then
    echo "| 1. real OVS, 2 hosts: port POST -> installed + barrier-confirmed on both (REST, 5 ms poll), ms | $(j "$ADD_JSON" .rest_ms.n) | $(f1 "$ADD_JSON" .rest_ms.min) | $(f1 "$ADD_JSON" .rest_ms.median) | $(f1 "$ADD_JSON" .rest_ms.max) |"
    echo "| 1. same, until \`ovs-ofctl dump-flows\` shows them on both hosts, ms | $(j "$ADD_JSON" .ovs_ms.n) | $(f1 "$ADD_JSON" .ovs_ms.min) | $(f1 "$ADD_JSON" .ovs_ms.median) | $(f1 "$ADD_JSON" .ovs_ms.max) |"
fi
if [[ -n "$EMU_JSON" ]]; then
    echo "| 2. $(j "$EMU_JSON" .switches) emulated br-tun switches: port POST -> last switch's BARRIER_REPLY after the new MAC's FLOW_MOD, ms | $(j "$EMU_JSON" .confirm_ms.n) | $(f1 "$EMU_JSON" .confirm_ms.min) | $(f1 "$EMU_JSON" .confirm_ms.median) | $(f1 "$EMU_JSON" .confirm_ms.max) |"
    echo "| 2. same, first switch's BARRIER_REPLY, ms | $(j "$EMU_JSON" .first_switch_ms.n) | $(f1 "$EMU_JSON" .first_switch_ms.min) | $(f1 "$EMU_JSON" .first_switch_ms.median) | $(f1 "$EMU_JSON" .first_switch_ms.max) |"
    echo "| 2. same, median switch's BARRIER_REPLY, ms | $(j "$EMU_JSON" .median_switch_ms.n) | $(f1 "$EMU_JSON" .median_switch_ms.min) | $(f1 "$EMU_JSON" .median_switch_ms.median) | $(f1 "$EMU_JSON" .median_switch_ms.max) |"
    echo "| 2. switches that got the new MAC per run | $(j "$EMU_JSON" .switches_confirmed.n) | $(j "$EMU_JSON" .switches_confirmed.min) | $(j "$EMU_JSON" .switches_confirmed.median) | $(j "$EMU_JSON" .switches_confirmed.max) |"
fi
if [[ -n "$REC_ALL" ]]; then
    r3() { echo "| 3. $1 | $RESTARTS | $(j "$REC_ALL" "[.[] | $2] | min * 10 | round / 10") | $(j "$REC_ALL" "[.[] | $2] | sort | .[length / 2 | floor] * 10 | round / 10") | $(j "$REC_ALL" "[.[] | $2] | max * 10 | round / 10") |"; }
    r3 "real OVS with $(j "$FILL_JSON" .installed) installed flows ($(j "$FILL_JSON" .ovs_flows) in \`dump-flows\`), controller restarted: switch listed by REST -> lastReconcile appears (wall, 5 ms poll), ms" .wall_connect_to_reconcile_ms
    r3 "same, connectedSince -> lastReconcile.at (controller clock), ms" .server_connect_to_reconcile_at_ms
    r3 "lastReconcile.durationMs" .reconcile.durationMs
    r3 "lastReconcile.phases: compute desired, ms" .reconcile.phases.computeMs
    r3 "lastReconcile.phases: flow read-back left after compute (the dump runs alongside it), ms" .reconcile.phases.readBackMs
    r3 "lastReconcile.phases: diff, ms" .reconcile.phases.diffMs
    r3 "lastReconcile.phases: apply, ms" .reconcile.phases.applyMs
    r3 "lastReconcile added + modified + deleted" "(.reconcile.added + .reconcile.modified + .reconcile.deleted)"
    r3 "lastReconcile unchanged" .reconcile.unchanged
    r3 "FLOW_MODs sent per restart: /metrics ofcontroller_flow_mods_total" .flow_mods_total
    r3 "FLOW_MODs sent per restart: /metrics messages_out{type=FlowMod}" .messages_out_flow_mod
    echo "| 3. FLOW_MODs seen by \`ovs-ofctl snoop br-tun\` over all $RESTARTS restarts (flow-stats messages it saw: $SNOOP_STATS) | 1 | | $SNOOP_FLOW_MODS | |"
    echo "| 3. our flows whose OVS duration restarted / total, after all restarts | 1 | | $OVS_RESTARTED / $OVS_TOTAL | |"
fi
if [[ -n "$FULL_JSON" ]]; then
    echo "| 4. host 1's table wiped ($WIPED flows left) with the controller down, restarted: full install, connectedSince -> lastReconcile.at, ms | 1 | | $(f1 "$FULL_JSON" .server_connect_to_reconcile_at_ms) | |"
    echo "| 4. same, lastReconcile.durationMs (flow read-back, diff, FLOW_MODs in one bundle or batch, barrier/commit confirmed) | 1 | | $(f1 "$FULL_JSON" .reconcile.durationMs) | |"
    echo "| 4. same, phases: compute / read-back / diff / apply, ms | 1 | | $(f1 "$FULL_JSON" .reconcile.phases.computeMs) / $(f1 "$FULL_JSON" .reconcile.phases.readBackMs) / $(f1 "$FULL_JSON" .reconcile.phases.diffMs) / $(f1 "$FULL_JSON" .reconcile.phases.applyMs) | |"
    echo "| 4. flows added by that reconcile / our flows in \`dump-flows\` afterwards | 1 | | $(j "$FULL_JSON" .reconcile.added) / $FULL_OVS | |"
fi
if [[ -n "$EMU_JSON" ]]; then
    echo
    echo "Part 2: $(j "$EMU_JSON" .flows_per_switch) flows per emulated switch at the start; first POST answered in $(f1 "$EMU_JSON" .first_post_ms) ms; REST cross-check of the last MAC on another switch: $(j "$EMU_JSON" .rest_crosscheck)."
fi
if [[ -n "$FILL_JSON" ]]; then
    echo "Part 3 setup: $(j "$FILL_JSON" .ports) ports over REST (4 connections) in $(f1 "$FILL_JSON" .create_s) s, host 1 settled $(f1 "$FILL_JSON" .settle_s) s later (not the measured quantity)."
fi
