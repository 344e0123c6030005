#!/usr/bin/env bash
# Two-host overlay with two tenants, provisioned only over the controller's REST API.
#
#   ./scripts/demo.sh [--no-wait] [--tunnel vxlan|gre] [--keep-going]
#
# What it does (needs root, Open vSwitch, socat, curl, jq; everything stays on this machine):
#  1. builds and starts the controller (Release) on free loopback ports, with a fresh LiteDB file;
#  2. starts two "hypervisors" (scripts/lib/ovs-hosts.sh): network namespaces on one fabric bridge, each
#     running its own ovsdb-server and ovs-vswitchd
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
mkdir -p "$WORK"
OVSH_PREFIX="$P" OVSH_WORK="$WORK" OVSH_SUBNET=78
# shellcheck source=lib/ovs-hosts.sh
source "$ROOT/scripts/lib/ovs-hosts.sh"
FAILURES=0

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
ok() { printf '   \033[32mOK\033[0m   %s\n' "$*"; }
bad() { printf '   \033[31mFAIL\033[0m %s\n' "$*"; FAILURES=$((FAILURES + 1)); }

cleanup() {
    local code=$?
    set +e
    say "Tearing down"
    local namespaces="${OVSH_NAMESPACES[*]:-}"
    ovsh_cleanup
    if [[ $code -ne 0 || $FAILURES -ne 0 ]]; then
        echo "   controller log (tail):"; tail -n 20 "$WORK/controller.log" 2>/dev/null | sed 's/^/   | /'
    fi
    rm -rf "$WORK"
    echo "   removed namespaces $namespaces and $WORK"
    exit $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM

poll() { ovsh_poll "$@"; }

# ---------------------------------------------------------------------------------------------------
say "Building and starting the controller (Release)"
dotnet build "$ROOT/src/Controller/Controller.csproj" -c Release -v q -nologo >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log"; exit 1; }
DLL="$(ls "$ROOT"/src/Controller/bin/Release/net*/ofcontroller.dll | head -n 1)"
REST_PORT="$(ovsh_free_port)"
OF_PORT="$(ovsh_free_port)"
API="http://127.0.0.1:$REST_PORT/api/v1"
dotnet "$DLL" --Rest:Urls="http://127.0.0.1:$REST_PORT" --Store:Path="$WORK/controller.db" \
    --OpenFlow:Address=127.0.0.1 --OpenFlow:Port="$OF_PORT" >"$WORK/controller.log" 2>&1 &
echo $! >"$WORK/controller.pid"
ovsh_track_pidfile "$WORK/controller.pid"
poll 60 "the REST API" curl -sf "http://127.0.0.1:$REST_PORT/healthz"
ok "controller pid $(cat "$WORK/controller.pid"): REST $API, OpenFlow 127.0.0.1:$OF_PORT"

# ---------------------------------------------------------------------------------------------------
say "Starting two hypervisors (namespace + private Open vSwitch each), $TUNNEL underlay 192.168.$OVSH_SUBNET.0/24"
ovs() { ovsh_ovs "$@"; }
hns() { ovsh_host_ns "$1"; }
underlay_ip() { ovsh_underlay_ip "$1"; }

ovsh_make_fabric
for n in 1 2; do
    ovsh_make_host $n
    ovsh_make_brint_brtun $n
done
for n in 1 2; do ovsh_add_tunnel $n "$TUNNEL" $((3 - n)); done
ovsh_warm_underlay 1 2
for n in 1 2; do
    dir="$(ovsh_host_dir $n)"
    socat "UNIX-LISTEN:$dir/ctl.sock,fork,unlink-early" "TCP:127.0.0.1:$OF_PORT" &
    echo $! >"$dir/socat.pid"
    ovsh_track_pidfile "$dir/socat.pid"
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
    n="${VM_HOST[$vm]}"; hostif="$(ovsh_vm_if $vm)"
    ovsh_make_vm "$vm" "$n" "${VM_IP[$vm]}/24"; mac="$OVSH_VM_MAC"
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
