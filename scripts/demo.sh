#!/usr/bin/env bash
# Two-host overlay with two tenants, provisioned only over the controller's REST API.
#
#   ./scripts/demo.sh [--no-wait] [--tunnel vxlan|gre] [--keep-going]
#
# What it does (needs root, Open vSwitch, socat, curl, jq; everything stays on this machine):
#  1. builds and starts the controller (Release) on free loopback ports, with a fresh LiteDB file;
#  2. starts two "hypervisors": network namespaces each running their own ovsdb-server and ovs-vswitchd
#     (br-int, br-tun joined by patch ports, br-phy holding the underlay veth and 192.168.78.n/24), a
#     Neutron-named tunnel port toward the other host, and br-tun pointed at the controller through a
#     socat relay (fail_mode=secure, OpenFlow 1.3);
#  3. declares over REST: tenants red and blue, one network each (segments 100 and 200), both hosts
#     (br-tun datapath id read from ovs-vsctl), and four VM ports; each port's answer carries the local
#     VLAN, which is used as the tag on br-int;
#  4. pings within each tenant across the hosts (must work) and across tenants (must fail);
#  5. waits for Enter (unless --no-wait), then stops everything it started by PID and deletes its
#     namespaces and files, also on failure or Ctrl-C.
# Exit code 0 only when every check passed.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WAIT=1
TUNNEL=vxlan
for arg in "$@"; do
    case "$arg" in
        --no-wait) WAIT=0 ;;
        --tunnel=*) TUNNEL="${arg#--tunnel=}" ;;
        vxlan|gre) TUNNEL="$arg" ;;
        --tunnel) ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done
[[ "$TUNNEL" == vxlan || "$TUNNEL" == gre ]] || { echo "--tunnel must be vxlan or gre" >&2; exit 2; }
[[ $EUID -eq 0 ]] || { echo "run as root (namespaces, veths, ovs-vswitchd)" >&2; exit 2; }
for c in ovs-vswitchd ovsdb-server ovsdb-tool ovs-vsctl ovs-ofctl socat curl jq ip dotnet; do
    command -v "$c" >/dev/null || { echo "missing: $c" >&2; exit 2; }
done

P="d$(printf '%03x' $((RANDOM % 4096)))"   # unique prefix for every name we create
WORK="/tmp/ofdemo-$P"
SUBNET=78
mkdir -p "$WORK"
NAMESPACES=()
FAILURES=0

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
ok() { printf '   \033[32mOK\033[0m   %s\n' "$*"; }
bad() { printf '   \033[31mFAIL\033[0m %s\n' "$*"; FAILURES=$((FAILURES + 1)); }

# Stops the process in pidfile $1 (if it is still alive) with SIGTERM, then SIGKILL.
stop_pidfile() {
    local file="$1" pid
    [[ -f "$file" ]] || return 0
    pid="$(cat "$file" 2>/dev/null || true)"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
    local code=$?
    set +e
    say "Tearing down"
    for n in 1 2; do stop_pidfile "$WORK/h$n/socat.pid"; done
    stop_pidfile "$WORK/controller.pid"
    for n in 1 2; do
        stop_pidfile "$WORK/h$n/ovs-vswitchd.pid"
        stop_pidfile "$WORK/h$n/ovsdb-server.pid"
    done
    for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null; done
    if [[ $code -ne 0 || $FAILURES -ne 0 ]]; then
        echo "   controller log (tail):"; tail -n 20 "$WORK/controller.log" 2>/dev/null | sed 's/^/   | /'
    fi
    rm -rf "$WORK"
    echo "   removed namespaces ${NAMESPACES[*]:-} and $WORK"
    exit $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# poll SECONDS DESCRIPTION COMMAND...: runs COMMAND every 0.1 s until it succeeds.
poll() {
    local seconds="$1" what="$2"; shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        if (( SECONDS >= deadline )); then echo "timed out after ${seconds}s waiting for $what" >&2; return 1; fi
        sleep 0.1
    done
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# ---------------------------------------------------------------------------------------------------
say "Building and starting the controller (Release)"
dotnet build "$ROOT/src/Controller/Controller.csproj" -c Release -v q -nologo >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log"; exit 1; }
DLL="$(ls "$ROOT"/src/Controller/bin/Release/net*/ofcontroller.dll | head -n 1)"
REST_PORT="$(free_port)"
OF_PORT="$(free_port)"
API="http://127.0.0.1:$REST_PORT/api/v1"
dotnet "$DLL" --Rest:Urls="http://127.0.0.1:$REST_PORT" --Store:Path="$WORK/controller.db" \
    --OpenFlow:Address=127.0.0.1 --OpenFlow:Port="$OF_PORT" >"$WORK/controller.log" 2>&1 &
echo $! >"$WORK/controller.pid"
poll 60 "the REST API" curl -sf "http://127.0.0.1:$REST_PORT/healthz"
ok "controller pid $(cat "$WORK/controller.pid"): REST $API, OpenFlow 127.0.0.1:$OF_PORT"

# ---------------------------------------------------------------------------------------------------
say "Starting two hypervisors (namespace + private Open vSwitch each), $TUNNEL underlay 192.168.$SUBNET.0/24"
ovs() { local n="$1"; shift; OVS_RUNDIR="$WORK/h$n" OVS_DBDIR="$WORK/h$n" OVS_LOGDIR="$WORK/h$n" "$@"; }
hns() { echo "h${P}$1"; }
underlay_ip() { echo "192.168.$SUBNET.$1"; }
tunnel_name() { printf '%s-%02x%02x%02x%02x' "$TUNNEL" 192 168 "$SUBNET" "$1"; }

for n in 1 2; do
    ns="$(hns $n)"; dir="$WORK/h$n"
    mkdir -p "$dir"
    ip netns add "$ns"; NAMESPACES+=("$ns")
    ip -n "$ns" link set lo up
    ovsdb-tool create "$dir/conf.db" /usr/share/openvswitch/vswitch.ovsschema
    ovs $n ip netns exec "$ns" ovsdb-server "$dir/conf.db" --remote="punix:$dir/db.sock" --pidfile --detach --log-file --no-chdir -vconsole:off
    ovs $n ovs-vsctl --no-wait init
    ovs $n ip netns exec "$ns" ovs-vswitchd "unix:$dir/db.sock" --pidfile --detach --log-file --no-chdir -vconsole:off
    ovs $n ovs-vsctl --timeout=20 \
        -- add-br br-phy -- set bridge br-phy datapath_type=netdev \
        -- add-br br-int -- set bridge br-int datapath_type=netdev \
        -- add-br br-tun -- set bridge br-tun datapath_type=netdev fail_mode=secure protocols=OpenFlow13 \
        -- add-port br-int patch-tun -- set interface patch-tun type=patch options:peer=patch-int \
        -- add-port br-tun patch-int -- set interface patch-int type=patch options:peer=patch-tun
done
ip link add "u${P}1" netns "$(hns 1)" mtu 1600 type veth peer name "u${P}2" netns "$(hns 2)" mtu 1600
for n in 1 2; do
    ns="$(hns $n)"; other=$((3 - n))
    ovs $n ovs-vsctl --timeout=20 add-port br-phy "u${P}$n" -- set interface br-phy mtu_request=1600
    ip -n "$ns" link set "u${P}$n" up
    ip -n "$ns" addr add "$(underlay_ip $n)/24" dev br-phy
    ip -n "$ns" link set br-phy up
    ovs $n ovs-vsctl --timeout=20 add-port br-tun "$(tunnel_name $other)" \
        -- set interface "$(tunnel_name $other)" type="$TUNNEL" options:remote_ip="$(underlay_ip $other)" options:key=flow
done
for n in 1 2; do
    poll 10 "underlay ping from host $n" ip netns exec "$(hns $n)" ping -c1 -W1 "$(underlay_ip $((3 - n)))"
done
for n in 1 2; do
    dir="$WORK/h$n"
    socat "UNIX-LISTEN:$dir/ctl.sock,fork,unlink-early" "TCP:127.0.0.1:$OF_PORT" &
    echo $! >"$dir/socat.pid"
    poll 10 "relay socket of host $n" test -S "$dir/ctl.sock"
    ovs $n ovs-vsctl --timeout=20 set-controller br-tun "unix:$dir/ctl.sock" \
        -- set controller br-tun max_backoff=1000
    DPID[$n]="$(ovs $n ovs-vsctl get bridge br-tun datapath_id | tr -d '"')"
    ok "host $n: namespace $(hns $n), underlay $(underlay_ip $n), br-tun datapath id ${DPID[$n]}"
done

# ---------------------------------------------------------------------------------------------------
say "Provisioning over REST ($API)"
post() { curl -sf -X POST "$API/$1" -H 'Content-Type: application/json' -d "$2"; }
RED="$(post tenants '{"name":"red"}' | jq -r .id)"
BLUE="$(post tenants '{"name":"blue"}' | jq -r .id)"
NET_RED="$(post networks "{\"tenantId\":\"$RED\",\"name\":\"red-net\",\"tunnelType\":\"$TUNNEL\",\"segmentId\":100,\"cidr\":\"10.0.0.0/24\"}" | jq -r .id)"
NET_BLUE="$(post networks "{\"tenantId\":\"$BLUE\",\"name\":\"blue-net\",\"tunnelType\":\"$TUNNEL\",\"segmentId\":200,\"cidr\":\"10.0.0.0/24\"}" | jq -r .id)"
ok "tenants red ($RED) and blue ($BLUE); networks red-net (segment 100) and blue-net (segment 200)"
for n in 1 2; do
    HOST[$n]="$(post hosts "{\"name\":\"hv$n\",\"datapathId\":\"${DPID[$n]}\",\"tunnelIp\":\"$(underlay_ip $n)\"}" | jq -r .id)"
    ok "host hv$n = ${HOST[$n]}"
done

# VMs: red r1 10.0.0.1 on hv1, r2 10.0.0.2 on hv2; blue b1 10.0.0.3 on hv1, b2 10.0.0.4 on hv2.
# One subnet for both tenants, so that a cross-tenant ping is a real attempt (ARP in the same subnet).
declare -A VM_HOST=([r1]=1 [r2]=2 [b1]=1 [b2]=2)
declare -A VM_IP=([r1]=10.0.0.1 [r2]=10.0.0.2 [b1]=10.0.0.3 [b2]=10.0.0.4)
declare -A VM_NET=([r1]=$NET_RED [r2]=$NET_RED [b1]=$NET_BLUE [b2]=$NET_BLUE)
for vm in b1 r1 r2 b2; do   # blue first on hv1: the tenants' local VLANs differ between the hosts
    n="${VM_HOST[$vm]}"; ns="v${P}$vm"; hostif="v${P}$vm"
    ip netns add "$ns"; NAMESPACES+=("$ns")
    ip link add "$hostif" netns "$(hns $n)" mtu 1450 type veth peer name eth0 netns "$ns" mtu 1450
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "${VM_IP[$vm]}/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip netns exec "$ns" ethtool -K eth0 tx off >/dev/null 2>&1 || true
    ip -n "$(hns $n)" link set "$hostif" up
    mac="$(ip -n "$ns" -br link show eth0 | awk '{print $3}')"
    port="$(post ports "{\"networkId\":\"${VM_NET[$vm]}\",\"hostId\":\"${HOST[$n]}\",\"mac\":\"$mac\",\"ip\":\"${VM_IP[$vm]}\",\"name\":\"$vm\"}")"
    vlan="$(jq -r .vlan <<<"$port")"
    ovs $n ovs-vsctl --timeout=20 add-port br-int "$hostif" tag="$vlan"
    ok "$vm ${VM_IP[$vm]} ($mac) on hv$n: network $(jq -r .networkName <<<"$port"), segment $(jq -r .segmentId <<<"$port") -> local VLAN $vlan (ovs-vsctl add-port br-int $hostif tag=$vlan)"
done

# ---------------------------------------------------------------------------------------------------
say "Waiting for the controller to program both br-tun bridges"
has_flood_flows() { [[ "$(ovs "$1" ovs-ofctl -O OpenFlow13 dump-flows br-tun table=21 | grep -c 'pop_vlan')" -ge 2 ]]; }
for n in 1 2; do
    poll 30 "flood flows of both segments on host $n" has_flood_flows $n
    count="$(ovs $n ovs-ofctl -O OpenFlow13 dump-flows br-tun | grep -c cookie=)"
    app="$(curl -sf "$API/switches" | jq -r ".[] | select(.datapathId==\"${DPID[$n]}\") | .app")"
    ok "hv$n br-tun: $count flows, app $app"
done
echo "   hv1 br-tun table 2 and 21 (VLAN <-> segment translation):"
ovs 1 ovs-ofctl -O OpenFlow13 --no-stats dump-flows br-tun | grep -E 'table=(2|21),.*(tun_id|vlan_vid)' | sed 's/^/   | /'

# ---------------------------------------------------------------------------------------------------
say "Pings"
ping_ok() { ip netns exec "v${P}$1" ping -c 3 -i 0.2 -W 1 -w 4 "$2" >/dev/null 2>&1; }
expect_ping() {
    if ping_ok "$1" "$2"; then ok "$1 -> $2 answers ($3)"; else bad "$1 -> $2 does not answer ($3)"; fi
}
expect_no_ping() {
    if ping_ok "$1" "$2"; then bad "$1 -> $2 answers ($3)"; else ok "$1 -> $2 gets no answer ($3)"; fi
}
expect_ping r1 10.0.0.2 "red, hv1 -> hv2 over $TUNNEL"
expect_ping r2 10.0.0.1 "red, hv2 -> hv1"
expect_ping b1 10.0.0.4 "blue, hv1 -> hv2 over $TUNNEL"
expect_ping b2 10.0.0.3 "blue, hv2 -> hv1"
expect_no_ping r1 10.0.0.4 "red -> blue, other host"
expect_no_ping r1 10.0.0.3 "red -> blue, same host"
expect_no_ping b2 10.0.0.2 "blue -> red, same host"

say "Controller's view"
curl -sf "$API/switches" | jq -r '.[] | "   switch \(.datapathId) app=\(.app) ports=\(.ports | length)"'
for n in 1 2; do
    curl -sf "$API/switches/${DPID[$n]}/flows" \
        | jq -r '"   hv'"$n"': desired=\(.desired | length) installed=\(.installed | length) last reconcile: +\(.lastReconcile.added) ~\(.lastReconcile.modified) -\(.lastReconcile.deleted) =\(.lastReconcile.unchanged)"'
done
curl -sf "http://127.0.0.1:$REST_PORT/metrics" | grep -E '^ofcontroller_(switches_connected|flow_mods_total) ' | sed 's/^/   /'

if [[ $FAILURES -eq 0 ]]; then say "All checks passed"; else say "$FAILURES check(s) failed"; fi
if [[ $WAIT -eq 1 ]]; then
    echo "   Try: ip netns exec v${P}r1 ping 10.0.0.2   |   curl -s $API/switches | jq"
    read -r -p "   Press Enter to tear down... " _ || true
fi
[[ $FAILURES -eq 0 ]]
