#!/bin/bash
# Starts a private OVS in a netns, points a bridge at ofp_controller.py, writes captures to $1.
set -eu
OUT=$(readlink -f "$1"); HERE=$(cd "$(dirname "$0")" && pwd)
NS=ofgm$$; DIR=$(mktemp -d /tmp/ofgm.XXXXXX)
cleanup() {
  for p in ovs-vswitchd ovsdb-server; do [ -f $DIR/$p.pid ] && kill $(cat $DIR/$p.pid) 2>/dev/null || true; done
  [ -n "${CP:-}" ] && kill $CP 2>/dev/null || true
  ip netns del $NS 2>/dev/null || true
  rm -rf $DIR
}
trap cleanup EXIT
ip netns add $NS
ip netns exec $NS ip link set lo up
export OVS_RUNDIR=$DIR OVS_DBDIR=$DIR OVS_LOGDIR=$DIR
ovsdb-tool create $DIR/conf.db /usr/share/openvswitch/vswitch.ovsschema
ip netns exec $NS ovsdb-server $DIR/conf.db --remote=punix:$DIR/db.sock --pidfile=$DIR/ovsdb-server.pid --detach --log-file=$DIR/ovsdb.log --no-chdir
ovs-vsctl --no-wait init
ip netns exec $NS ovs-vswitchd unix:$DIR/db.sock --pidfile=$DIR/ovs-vswitchd.pid --detach --log-file=$DIR/vswitchd.log --no-chdir
export OVS_RUNDIR=$DIR
PORT=16653
ip netns exec $NS /usr/bin/python3 $HERE/ofp_controller.py $PORT $OUT br0 &
CP=$!
ovs-vsctl -- add-br br0 -- set bridge br0 datapath_type=netdev protocols=OpenFlow13 fail_mode=secure \
  -- add-port br0 p1 -- set interface p1 type=internal ofport_request=1 \
  -- add-port br0 p2 -- set interface p2 type=internal ofport_request=2 \
  -- set-controller br0 tcp:127.0.0.1:$PORT
wait $CP
CP=
