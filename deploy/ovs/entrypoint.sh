#!/bin/sh
# Starts ovsdb-server and ovs-vswitchd (userspace datapath), creates br-int and br-tun joined by patch
# ports, and points br-tun at the controller: fail_mode=secure, OpenFlow 1.3, reconnect back-off 1 s.
# CONTROLLER_HOST (default "controller", resolved here: OVS wants an address) and CONTROLLER_PORT (6653).
set -eu
dir=/var/run/openvswitch
mkdir -p "$dir" /etc/openvswitch /var/log/openvswitch
[ -f /etc/openvswitch/conf.db ] || ovsdb-tool create /etc/openvswitch/conf.db /usr/share/openvswitch/vswitch.ovsschema
ovsdb-server /etc/openvswitch/conf.db --remote=punix:$dir/db.sock --pidfile --detach --log-file
ovs-vsctl --no-wait init
ovs-vswitchd unix:$dir/db.sock --pidfile --detach --log-file

host=${CONTROLLER_HOST:-controller}
port=${CONTROLLER_PORT:-6653}
addr=$(getent hosts "$host" | awk '{print $1; exit}')
[ -n "$addr" ] || { echo "cannot resolve $host" >&2; exit 1; }

ovs-vsctl --may-exist add-br br-int -- set bridge br-int datapath_type=netdev \
  -- --may-exist add-br br-tun -- set bridge br-tun datapath_type=netdev fail_mode=secure protocols=OpenFlow13 \
  -- --may-exist add-port br-int patch-tun -- set interface patch-tun type=patch options:peer=patch-int \
  -- --may-exist add-port br-tun patch-int -- set interface patch-int type=patch options:peer=patch-tun
ovs-vsctl set-controller br-tun "tcp:$addr:$port" -- set controller br-tun max_backoff=1000
echo "br-tun -> tcp:$addr:$port"

# Stay in the foreground while ovs-vswitchd runs; stop both daemons on SIGTERM.
trap 'ovs-appctl -t ovs-vswitchd exit; ovs-appctl -t ovsdb-server exit; exit 0' TERM INT
while kill -0 "$(cat $dir/ovs-vswitchd.pid)" 2>/dev/null; do sleep 5 & wait $!; done
echo "ovs-vswitchd exited" >&2
exit 1
