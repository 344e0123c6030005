#!/bin/sh
# One hypervisor for the controller to plumb. It starts ovsdb-server (which follows `set-manager`) and
# ovs-vswitchd (userspace datapath), puts its underlay on br-phy as a physical host would, and then does
# the only set-up a hypervisor needs:
#   ovs-vsctl set open . external_ids:system-id=<id> external_ids:ofc-encap-ip=<underlay IP> \
#     -- set-manager tcp:<controller>:6640
# The controller creates br-int, br-tun, the patch ports and the tunnels over OVSDB.
#
# Two networks: the one that reaches the controller (OVSDB, OpenFlow) stays with the kernel; the other,
# the underlay, carries the tunnels. Userspace tunnels leave through a netdev bridge holding the underlay
# IP, so that interface goes into br-phy and its address (and routes) onto br-phy's internal port. The
# controller is kept off br-phy on purpose: a container's kernel sends TCP with the checksum left to
# offload, and the userspace datapath would pass it on unfinished.
#
# OFC_CONTROLLER (default "controller") and OFC_MANAGER_PORT (6640) name the manager; OFC_SYSTEM_ID
# (default: the hostname) identifies the host; OFC_UNDERLAY_IF (default: the interface that does not
# route to the controller) picks the underlay. Stops both daemons on SIGTERM.
set -eu

controller=${OFC_CONTROLLER:-controller}
manager_port=${OFC_MANAGER_PORT:-6640}
system_id=${OFC_SYSTEM_ID:-$(hostname)}
run=/var/run/openvswitch

fail() { echo "ovs-entrypoint: $*" >&2; exit 1; }

mkdir -p "$run" /etc/openvswitch /var/log/openvswitch
[ -f /etc/openvswitch/conf.db ] || ovsdb-tool create /etc/openvswitch/conf.db /usr/share/openvswitch/vswitch.ovsschema
ovsdb-server /etc/openvswitch/conf.db --remote=punix:$run/db.sock \
  --remote=db:Open_vSwitch,Open_vSwitch,manager_options --pidfile --detach --log-file
ovs-vsctl --no-wait init
ovs-vswitchd unix:$run/db.sock --pidfile --detach --log-file

# Which interface is which: the controller's address is routed through the management interface.
addr=""
for _ in $(seq 1 50); do
  addr=$(getent ahostsv4 "$controller" | awk '{print $1; exit}') && [ -n "$addr" ] && break
  sleep 0.2
done
[ -n "$addr" ] || fail "cannot resolve $controller"
mgmt=$(ip -4 route get "$addr" | sed -n 's/.* dev \([^ ]*\).*/\1/p')
underlay=${OFC_UNDERLAY_IF:-$(ip -4 -o addr show scope global | awk -v m="$mgmt" '$2 != m && $2 != "br-phy" {print $2; exit}')}
[ -n "$underlay" ] || fail "no underlay interface: attach the node to a second network for tunnels (management via $mgmt)"
[ "$underlay" != "$mgmt" ] || fail "the underlay ($underlay) must not be the interface that reaches $controller"

cidr=$(ip -4 -o addr show dev "$underlay" | awk '{print $4; exit}')
[ -n "$cidr" ] || fail "$underlay has no IPv4 address"
encap_ip=${cidr%/*}
mac=$(cat "/sys/class/net/$underlay/address")
gateway=$(ip -4 route show default dev "$underlay" | awk '{print $3; exit}')

# br-phy keeps the NIC's MAC, so the peers' ARP caches stay right; the kernel stops answering on the NIC
# itself (its IPv4 frames still reach ovs-vswitchd, whose packet socket reads them before netfilter).
ovs-vsctl --may-exist add-br br-phy -- set bridge br-phy datapath_type=netdev other_config:hwaddr="$mac" \
  -- --may-exist add-port br-phy "$underlay"
iptables -t raw -C PREROUTING -i "$underlay" -j DROP 2>/dev/null || iptables -t raw -A PREROUTING -i "$underlay" -j DROP
ip addr flush dev "$underlay"
ip addr add "$cidr" dev br-phy
ip link set br-phy up
[ -z "$gateway" ] || ip route replace default via "$gateway" dev br-phy

ovs-vsctl set open . external_ids:system-id="$system_id" external_ids:ofc-encap-ip="$encap_ip" \
  -- set-manager "tcp:$controller:$manager_port"
echo "ovs-entrypoint: system-id $system_id, encap IP $encap_ip on br-phy ($underlay), manager tcp:$controller:$manager_port via $mgmt"

trap 'ovs-appctl -t ovs-vswitchd exit; ovs-appctl -t ovsdb-server exit; exit 0' TERM INT
while kill -0 "$(cat $run/ovs-vswitchd.pid)" 2>/dev/null; do sleep 5 & wait $!; done
fail "ovs-vswitchd exited"
