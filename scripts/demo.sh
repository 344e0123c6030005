#!/usr/bin/env bash
# Two-host overlay with two tenants: the hosts are plumbed by the controller over OVSDB, tenants over REST.
#
#   ./scripts/demo.sh [--no-wait] [--tunnel vxlan|gre] [--manual]
#
# What it does (needs root, Open vSwitch, curl, jq; everything stays on this machine):
#  1. builds the controller (Release) and starts it in its own network namespace on the hosts' underlay
#     fabric (192.168.78.254: OpenFlow 6653, OVSDB 6640, auto-registration on), with a fresh LiteDB file and
#     its REST API on a unix socket (curl --unix-socket);
#  2. starts two "hypervisors" (scripts/lib/ovs-hosts.sh): network namespaces on one fabric bridge, each
#     running its own ovsdb-server and ovs-vswitchd with only br-phy holding the underlay (192.168.78.n/24);
#  3. on each host, the operator's one command:
#       ovs-vsctl set open . external_ids:system-id=hvN external_ids:ofc-encap-ip=<ip> -- set-manager tcp:<ctl>:6640
#     the controller registers the host, creates br-int, br-tun, patch ports and the tunnel mesh;
#  4. declares over REST: tenants red and blue, one network each (segments 100 and 200), four VM ports; each
#     VM is plugged into br-int with external_ids:iface-id=<port name> (and attached-mac), no tag: the
#     controller tags it with the host-local VLAN;
#  5. pings within each tenant across the hosts (must work) and across tenants (must fail);
#  6. waits for Enter (unless --no-wait), then stops everything it started by PID and deletes its
#     namespaces and files, also on failure or Ctrl-C.
# --manual: the way before OVSDB plumbing: br-int/br-tun/patch and tunnel ports made by ovs-vsctl here,
# br-tun pointed at the controller with set-controller, hosts declared with their datapath id, VMs tagged
# with the VLAN the port's REST answer gives.
# Exit code 0 only when every check passed.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WAIT=1
TUNNEL=vxlan
MANUAL=0
for arg in "$@"; do
    case "$arg" in
        --no-wait) WAIT=0 ;;
        --tunnel=*) TUNNEL="${arg#--tunnel=}" ;;
        vxlan|gre) TUNNEL="$arg" ;;
        --tunnel) ;;
        --manual) MANUAL=1 ;;
        -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done
[[ "$TUNNEL" == vxlan || "$TUNNEL" == gre ]] || { echo "--tunnel must be vxlan or gre" >&2; exit 2; }
[[ $EUID -eq 0 ]] || { echo "run as root (namespaces, veths, ovs-vswitchd)" >&2; exit 2; }
for c in ovs-vswitchd ovsdb-server ovsdb-tool ovs-vsctl ovs-ofctl curl jq ip ethtool dotnet; do
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
say "Building and starting the controller (Release) in its own namespace on the underlay fabric"
dotnet build "$ROOT/src/Controller/Controller.csproj" -c Release -v q -nologo >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log"; exit 1; }
DLL="$(ls "$ROOT"/src/Controller/bin/Release/net*/ofcontroller.dll | head -n 1)"
ovsh_make_fabric
CTL_NS="c${P}"
CTL_IP="$(ovsh_underlay_ip 254)"
ovsh_add_netns "$CTL_NS"
ovsh_fabric_attach "$CTL_NS" eth0
ip -n "$CTL_NS" addr add "$CTL_IP/24" dev eth0
ip -n "$CTL_NS" link set eth0 up
ip netns exec "$CTL_NS" ethtool -K eth0 tx off >/dev/null   # its TCP crosses the hosts' userspace datapath
SOCK="$WORK/rest.sock"
ovsh_track_pidfile "$WORK/controller.pid"
ip netns exec "$CTL_NS" dotnet "$DLL" --Rest:Urls="http://unix:$SOCK" --Store:Path="$WORK/controller.db" \
    --OpenFlow:Address="$CTL_IP" --OpenFlow:Port=6653 \
    --Ovsdb:Listen="$CTL_IP:6640" --Ovsdb:AutoRegister=true --Ovsdb:DatapathType=netdev >"$WORK/controller.log" 2>&1 &
echo $! >"$WORK/controller.pid"
api() { curl -sf --unix-socket "$SOCK" "http://controller$1"; }
API="/api/v1"
post() { curl -sf --unix-socket "$SOCK" -X POST "http://controller$API/$1" -H 'Content-Type: application/json' -d "$2"; }
poll 60 "the REST API" api /healthz
ok "controller pid $(cat "$WORK/controller.pid") in namespace $CTL_NS: OpenFlow $CTL_IP:6653, OVSDB $CTL_IP:6640, REST unix:$SOCK"

# ---------------------------------------------------------------------------------------------------
say "Starting two hypervisors (namespace + private Open vSwitch each, br-phy only), underlay 192.168.$OVSH_SUBNET.0/24"
ovs() { ovsh_ovs "$@"; }
hns() { ovsh_host_ns "$1"; }
underlay_ip() { ovsh_underlay_ip "$1"; }

for n in 1 2; do ovsh_make_host $n; done
ovsh_warm_underlay 1 2
for n in 1 2; do poll 10 "host $n to reach the controller" ip netns exec "$(hns $n)" ping -c1 -W1 "$CTL_IP"; done
if [[ $MANUAL -eq 0 ]]; then
    for n in 1 2; do
        ovs $n ovs-vsctl --timeout=20 set open . external_ids:system-id="hv$n" external_ids:ofc-encap-ip="$(underlay_ip $n)" \
            -- set-manager "tcp:$CTL_IP:6640"
        ok "host $n: ovs-vsctl set open . external_ids:system-id=hv$n external_ids:ofc-encap-ip=$(underlay_ip $n) -- set-manager tcp:$CTL_IP:6640"
    done
    declare -A HOST DPID
    switch_connected() {
        local d; d="$(ovs "$1" ovs-vsctl get bridge br-tun datapath_id | tr -d '"')"
        api "$API/switches" | jq -e --arg d "$d" 'any(.[]; .datapathId == $d)' >/dev/null
    }
    registered() { HOST[$1]="$(api "$API/hosts" | jq -er ".[] | select(.systemId==\"hv$1\") | .id")"; }
    for n in 1 2; do
        poll 30 "host hv$n registered over OVSDB" registered $n
        registered $n
        poll 30 "br-int and br-tun on host $n" ovs $n ovs-vsctl --timeout=5 br-exists br-tun
        poll 30 "br-tun of host $n connected to the controller" switch_connected $n
        DPID[$n]="$(ovs $n ovs-vsctl get bridge br-tun datapath_id | tr -d '"')"
        ok "host hv$n registered as ${HOST[$n]}; the controller made: $(ovs $n ovs-vsctl list-br | tr '\n' ' ')and br-tun ports $(ovs $n ovs-vsctl list-ports br-tun | tr '\n' ' ')"
    done
else
    for n in 1 2; do ovsh_make_brint_brtun $n; done
    for n in 1 2; do ovsh_add_tunnel $n "$TUNNEL" $((3 - n)); done
    declare -A HOST DPID
    for n in 1 2; do
        ovs $n ovs-vsctl --timeout=20 set-controller br-tun "tcp:$CTL_IP:6653" -- set controller br-tun max_backoff=1000
        DPID[$n]="$(ovs $n ovs-vsctl get bridge br-tun datapath_id | tr -d '"')"
        ok "host $n (manual): namespace $(hns $n), underlay $(underlay_ip $n), br-tun datapath id ${DPID[$n]}"
    done
fi

# ---------------------------------------------------------------------------------------------------
say "Provisioning over REST ($API)"
RED="$(post tenants '{"name":"red"}' | jq -r .id)"
BLUE="$(post tenants '{"name":"blue"}' | jq -r .id)"
NET_RED="$(post networks "{\"tenantId\":\"$RED\",\"name\":\"red-net\",\"tunnelType\":\"$TUNNEL\",\"segmentId\":100,\"cidr\":\"10.0.0.0/24\"}" | jq -r .id)"
NET_BLUE="$(post networks "{\"tenantId\":\"$BLUE\",\"name\":\"blue-net\",\"tunnelType\":\"$TUNNEL\",\"segmentId\":200,\"cidr\":\"10.0.0.0/24\"}" | jq -r .id)"
ok "tenants red ($RED) and blue ($BLUE); networks red-net (segment 100) and blue-net (segment 200)"
if [[ $MANUAL -eq 1 ]]; then
    for n in 1 2; do
        HOST[$n]="$(post hosts "{\"name\":\"hv$n\",\"datapathId\":\"${DPID[$n]}\",\"tunnelIp\":\"$(underlay_ip $n)\"}" | jq -r .id)"
        ok "host hv$n = ${HOST[$n]}"
    done
fi

tagged() { [[ "$(ovs "$1" ovs-vsctl get port "$2" tag)" =~ ^[0-9]+$ ]]; }

# VMs: red r1 10.0.0.1 on hv1, r2 10.0.0.2 on hv2; blue b1 10.0.0.3 on hv1, b2 10.0.0.4 on hv2.
# One subnet for both tenants, so that a cross-tenant ping is a real attempt (ARP in the same subnet).
declare -A VM_HOST=([r1]=1 [r2]=2 [b1]=1 [b2]=2)
declare -A VM_IP=([r1]=10.0.0.1 [r2]=10.0.0.2 [b1]=10.0.0.3 [b2]=10.0.0.4)
declare -A VM_NET=([r1]=$NET_RED [r2]=$NET_RED [b1]=$NET_BLUE [b2]=$NET_BLUE)
for vm in b1 r1 r2 b2; do   # blue first on hv1: the tenants' local VLANs differ between the hosts
    n="${VM_HOST[$vm]}"; hostif="$(ovsh_vm_if $vm)"
    ovsh_make_vm "$vm" "$n" "${VM_IP[$vm]}/24"; mac="$OVSH_VM_MAC"
    port="$(post ports "{\"networkId\":\"${VM_NET[$vm]}\",\"hostId\":\"${HOST[$n]}\",\"mac\":\"$mac\",\"ip\":\"${VM_IP[$vm]}\",\"name\":\"$vm\"}")"
    if [[ $MANUAL -eq 1 ]]; then
        vlan="$(jq -r .vlan <<<"$port")"
        ovs $n ovs-vsctl --timeout=20 add-port br-int "$hostif" tag="$vlan"
        ok "$vm ${VM_IP[$vm]} ($mac) on hv$n: network $(jq -r .networkName <<<"$port"), segment $(jq -r .segmentId <<<"$port") -> local VLAN $vlan (ovs-vsctl add-port br-int $hostif tag=$vlan)"
    else
        ovs $n ovs-vsctl --timeout=20 add-port br-int "$hostif" \
            -- set interface "$hostif" external_ids:iface-id="$vm" external_ids:attached-mac="$mac"
        poll 30 "the controller to tag $vm's port" tagged $n "$hostif"
        vlan="$(ovs $n ovs-vsctl get port "$hostif" tag)"
        ok "$vm ${VM_IP[$vm]} ($mac) on hv$n: network $(jq -r .networkName <<<"$port"), segment $(jq -r .segmentId <<<"$port"); plugged with iface-id=$vm, the controller set tag=$vlan"
    fi
done

# ---------------------------------------------------------------------------------------------------
say "Waiting for the controller to program both br-tun bridges"
has_flood_flows() { [[ "$(ovs "$1" ovs-ofctl -O OpenFlow13 dump-flows br-tun table=21 | grep -c 'pop_vlan')" -ge 2 ]]; }
for n in 1 2; do
    poll 30 "flood flows of both segments on host $n" has_flood_flows $n
    count="$(ovs $n ovs-ofctl -O OpenFlow13 dump-flows br-tun | grep -c cookie=)"
    app="$(api "$API/switches" | jq -r ".[] | select(.datapathId==\"${DPID[$n]}\") | .app")"
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
api "$API/switches" | jq -r '.[] | "   switch \(.datapathId) app=\(.app) ports=\(.ports | length)"'
for n in 1 2; do
    api "$API/switches/${DPID[$n]}/flows" \
        | jq -r '"   hv'"$n"': desired=\(.desired | length) installed=\(.installed | length) last reconcile: +\(.lastReconcile.added) ~\(.lastReconcile.modified) -\(.lastReconcile.deleted) =\(.lastReconcile.unchanged)"'
done
api /metrics | grep -E '^ofcontroller_(switches_connected|flow_mods_total|ovsdb_[a-z_]+) ' | sed 's/^/   /'

if [[ $FAILURES -eq 0 ]]; then say "All checks passed"; else say "$FAILURES check(s) failed"; fi
if [[ $WAIT -eq 1 ]]; then
    echo "   Try: ip netns exec v${P}r1 ping 10.0.0.2   |   curl -s --unix-socket $SOCK http://controller$API/hosts | jq"
    read -r -p "   Press Enter to tear down... " _ || true
fi
[[ $FAILURES -eq 0 ]]
