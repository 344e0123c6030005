# Shared shell library for the scripts that build emulated hypervisors on this machine:
# a fabric (Linux bridge in its own namespace), hypervisor namespaces each running a private
# ovsdb-server + ovs-vswitchd with br-phy holding the underlay address, VM namespaces, and cleanup of
# everything by pidfile and by the namespace names recorded here. Source it; do not run it.
#
#   source "$ROOT/scripts/lib/ovs-hosts.sh"
#   OVSH_PREFIX=d123 OVSH_WORK=/tmp/ofdemo-d123 OVSH_SUBNET=78   # set before the first call
#   ovsh_make_fabric                     # namespace u<prefix>, bridge br0 (MTU 1600)
#   ovsh_make_host 1                     # namespace h<prefix>1, OVS in $OVSH_WORK/h1, br-phy 192.168.78.1/24
#   ovsh_make_brint_brtun 1              # br-int + br-tun + patch ports (the manual way, before OVSDB plumbing)
#   ovsh_make_vm r1 1 10.0.0.1/24        # namespace v<prefix>r1, eth0 10.0.0.1/24 ($OVSH_VM_MAC); v<prefix>r1 in h<prefix>1
#   ovsh_ovs 1 ovs-vsctl add-port br-int v<prefix>r1 tag=1
#   ovsh_cleanup                         # from the caller's EXIT trap
#
# Facts this relies on (DESIGN.md, "Real Open vSwitch on these machines"): every bridge is
# datapath_type=netdev (no kernel module); tunnels need the underlay IP on br-phy's internal port;
# MTU 1600 on the underlay, 1450 in the VMs; TCP needs `ethtool -K eth0 tx off` in the VM; ovsdb-server
# only follows `ovs-vsctl set-manager` when started with --remote=db:Open_vSwitch,Open_vSwitch,manager_options.
# Processes are stopped only by the PIDs in their pidfiles; namespaces only by the names created here.

: "${OVSH_PREFIX:?set OVSH_PREFIX (a short unique name prefix) before sourcing ovs-hosts.sh}"
: "${OVSH_WORK:?set OVSH_WORK (a private work directory) before sourcing ovs-hosts.sh}"
OVSH_SUBNET="${OVSH_SUBNET:-78}"
OVSH_UNDERLAY_MTU=1600
OVSH_VM_MTU=1450
OVSH_NAMESPACES=()   # created here, deleted by ovsh_cleanup (last first)
OVSH_PIDFILES=()     # registered with ovsh_track_pidfile, stopped by ovsh_cleanup (last first)
OVSH_FABRIC_NS=""
OVSH_FABRIC_PORTS=0

# ovsh_stop_pidfile FILE: stops the process named in FILE if it is still alive: SIGTERM, then SIGKILL after 5 s.
ovsh_stop_pidfile() {
    local file="$1" pid
    [[ -f "$file" ]] || return 0
    pid="$(cat "$file" 2>/dev/null || true)"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}

# ovsh_kill_pidfile FILE: SIGKILL (a crash), then waits until the process is gone.
ovsh_kill_pidfile() {
    local file="$1" pid
    pid="$(cat "$file" 2>/dev/null || true)"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
}

# ovsh_track_pidfile FILE: ovsh_cleanup stops this process (in reverse order of registration).
ovsh_track_pidfile() { OVSH_PIDFILES+=("$1"); }

# ovsh_cleanup: stops every tracked process, then every host's daemons, then deletes the namespaces.
# Idempotent; never fails.
ovsh_cleanup() {
    local i
    for ((i = ${#OVSH_PIDFILES[@]} - 1; i >= 0; i--)); do ovsh_stop_pidfile "${OVSH_PIDFILES[$i]}"; done
    OVSH_PIDFILES=()
    for ((i = ${#OVSH_NAMESPACES[@]} - 1; i >= 0; i--)); do
        ip netns del "${OVSH_NAMESPACES[$i]}" 2>/dev/null || true
    done
    OVSH_NAMESPACES=()
}

# ovsh_poll SECONDS DESCRIPTION COMMAND...: runs COMMAND every 50 ms until it succeeds, or fails after SECONDS.
ovsh_poll() {
    local seconds="$1" what="$2"; shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        if (( SECONDS >= deadline )); then echo "timed out after ${seconds}s waiting for $what" >&2; return 1; fi
        sleep 0.05
    done
}

# ovsh_free_port: a TCP port on 127.0.0.1 that was free a moment ago.
ovsh_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

ovsh_host_ns() { echo "h${OVSH_PREFIX}$1"; }
ovsh_host_dir() { echo "$OVSH_WORK/h$1"; }
ovsh_underlay_ip() { echo "192.168.$OVSH_SUBNET.$1"; }

# ovsh_ovs N COMMAND...: runs COMMAND (ovs-vsctl, ovs-ofctl, ovs-appctl) against host N's private OVS.
ovsh_ovs() {
    local dir; dir="$(ovsh_host_dir "$1")"; shift
    OVS_RUNDIR="$dir" OVS_DBDIR="$dir" OVS_LOGDIR="$dir" "$@"
}

# ovsh_tunnel_name vxlan|gre N: Neutron's name for the tunnel port toward host N (vxlan-c0a84e02).
ovsh_tunnel_name() {
    local ip; ip="$(ovsh_underlay_ip "$2")"
    printf '%s-%02x%02x%02x%02x' "$1" ${ip//./ }
}

# ovsh_add_netns NAME: creates a namespace (lo up, IPv6 off) and records it for cleanup.
ovsh_add_netns() {
    ip netns add "$1"
    OVSH_NAMESPACES+=("$1")
    ip -n "$1" link set lo up
    ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# ovsh_make_fabric: the underlay switch, a Linux bridge br0 (MTU 1600, no STP) in namespace u<prefix>.
ovsh_make_fabric() {
    OVSH_FABRIC_NS="u${OVSH_PREFIX}"
    ovsh_add_netns "$OVSH_FABRIC_NS"
    ip -n "$OVSH_FABRIC_NS" link add br0 mtu "$OVSH_UNDERLAY_MTU" type bridge stp_state 0 forward_delay 0
    ip -n "$OVSH_FABRIC_NS" link set br0 up
}

# ovsh_fabric_attach NS IFNAME: a veth from the fabric bridge into namespace NS, named IFNAME there (down).
ovsh_fabric_attach() {
    local ns="$1" ifname="$2" sw
    [[ -n "$OVSH_FABRIC_NS" ]] || { echo "ovsh_make_fabric first" >&2; return 1; }
    OVSH_FABRIC_PORTS=$((OVSH_FABRIC_PORTS + 1))
    sw="s${OVSH_PREFIX}${OVSH_FABRIC_PORTS}"
    ip link add "$sw" netns "$OVSH_FABRIC_NS" mtu "$OVSH_UNDERLAY_MTU" type veth \
        peer name "$ifname" netns "$ns" mtu "$OVSH_UNDERLAY_MTU"
    ip -n "$OVSH_FABRIC_NS" link set "$sw" master br0 up
}

# ovsh_start_ovsdb DIR [NETNS [EXTRA-ARG...]]: creates DIR/conf.db if missing and starts ovsdb-server on
# punix:DIR/db.sock, following the Manager table (set-manager works), detached, pidfile DIR/ovsdb-server.pid.
# NETNS may be empty (root namespace); EXTRA-ARGs go to ovsdb-server (e.g. -vjsonrpc:file:dbg, which logs
# every JSON-RPC message, so the transactions a manager sent can be counted in DIR/ovsdb-server.log).
ovsh_start_ovsdb() {
    local dir="$1" ns="${2:-}" exec=()
    shift; shift || true
    mkdir -p "$dir"
    [[ -f "$dir/conf.db" ]] || ovsdb-tool create "$dir/conf.db" /usr/share/openvswitch/vswitch.ovsschema
    [[ -n "$ns" ]] && exec=(ip netns exec "$ns")
    OVS_RUNDIR="$dir" OVS_DBDIR="$dir" OVS_LOGDIR="$dir" "${exec[@]}" ovsdb-server "$dir/conf.db" \
        --remote="punix:$dir/db.sock" --remote=db:Open_vSwitch,Open_vSwitch,manager_options \
        --pidfile="$dir/ovsdb-server.pid" --detach --log-file="$dir/ovsdb-server.log" --no-chdir -vconsole:off "$@" 2>/dev/null
}

# ovsh_remote_transactions DIR: transact requests ovsdb-server in DIR received over TCP (a manager), counted in
# its log (needs -vjsonrpc:file:dbg at start).
ovsh_remote_transactions() {
    grep -c '|jsonrpc|DBG|tcp:.*received request, method="transact"' "$1/ovsdb-server.log" 2>/dev/null || true
}

# ovsh_start_vswitchd N: starts host N's ovs-vswitchd in its namespace (again, after ovsh_kill_pidfile).
ovsh_start_vswitchd() {
    local dir; dir="$(ovsh_host_dir "$1")"
    ovsh_ovs "$1" ip netns exec "$(ovsh_host_ns "$1")" ovs-vswitchd "unix:$dir/db.sock" \
        --pidfile="$dir/ovs-vswitchd.pid" --detach --log-file="$dir/ovs-vswitchd.log" --no-chdir -vconsole:off 2>/dev/null
}

# ovsh_make_host N: hypervisor N: namespace h<prefix>N with its own ovsdb-server (manager_options remote)
# and ovs-vswitchd in $OVSH_WORK/hN, br-phy (netdev) holding veth u<prefix>N from the fabric and
# 192.168.<subnet>.N/24 on its internal port. No br-int/br-tun: see ovsh_make_brint_brtun.
ovsh_make_host() {
    local n="$1" ns dir nic
    ns="$(ovsh_host_ns "$n")"; dir="$(ovsh_host_dir "$n")"; nic="u${OVSH_PREFIX}$n"
    ovsh_add_netns "$ns"
    ovsh_track_pidfile "$dir/ovsdb-server.pid"
    ovsh_start_ovsdb "$dir" "$ns"
    ovsh_ovs "$n" ovs-vsctl --no-wait init
    ovsh_track_pidfile "$dir/ovs-vswitchd.pid"
    ovsh_start_vswitchd "$n"
    ovsh_fabric_attach "$ns" "$nic"
    ovsh_ovs "$n" ovs-vsctl --timeout=20 \
        -- add-br br-phy -- set bridge br-phy datapath_type=netdev \
        -- add-port br-phy "$nic" -- set interface br-phy mtu_request="$OVSH_UNDERLAY_MTU"
    ip -n "$ns" link set "$nic" up
    ip -n "$ns" addr add "$(ovsh_underlay_ip "$n")/24" dev br-phy
    ip -n "$ns" link set br-phy up
}

# ovsh_make_brint_brtun N: the manual plumbing on host N: br-int, br-tun (fail_mode=secure, OpenFlow13),
# joined by patch-tun/patch-int.
ovsh_make_brint_brtun() {
    ovsh_ovs "$1" ovs-vsctl --timeout=20 \
        -- add-br br-int -- set bridge br-int datapath_type=netdev \
        -- add-br br-tun -- set bridge br-tun datapath_type=netdev fail_mode=secure protocols=OpenFlow13 \
        -- add-port br-int patch-tun -- set interface patch-tun type=patch options:peer=patch-int \
        -- add-port br-tun patch-int -- set interface patch-int type=patch options:peer=patch-tun
}

# ovsh_add_tunnel N vxlan|gre M: the flow-keyed tunnel port on host N's br-tun toward host M.
ovsh_add_tunnel() {
    local n="$1" type="$2" m="$3" name
    name="$(ovsh_tunnel_name "$type" "$m")"
    ovsh_ovs "$n" ovs-vsctl --timeout=20 add-port br-tun "$name" \
        -- set interface "$name" type="$type" options:remote_ip="$(ovsh_underlay_ip "$m")" options:key=flow
}

# ovsh_warm_underlay N...: every listed host pings every other one's underlay address until it answers
# (the userspace datapath drops the first tunnel packet while it resolves the remote endpoint).
ovsh_warm_underlay() {
    local a b
    for a in "$@"; do
        for b in "$@"; do
            [[ "$a" == "$b" ]] && continue
            ovsh_poll 10 "underlay ping from host $a to host $b" \
                ip netns exec "$(ovsh_host_ns "$a")" ping -c1 -W1 "$(ovsh_underlay_ip "$b")"
        done
    done
}

# ovsh_make_vm NAME N IP/LEN [MAC]: namespace v<prefix>NAME whose eth0 (MTU 1450, tx offload off) is the
# peer of interface v<prefix>NAME (up) in host N's namespace. Plugging it into br-int is the caller's
# (tag=<vlan> the manual way, external_ids:iface-id the OVSDB way). Sets OVSH_VM_MAC to eth0's MAC
# (a variable, not output: in a $(...) subshell the namespace would not be recorded for cleanup).
ovsh_make_vm() {
    local name="$1" n="$2" ip="$3" mac="${4:-}" ns hostif
    ns="v${OVSH_PREFIX}$name"; hostif="v${OVSH_PREFIX}$name"
    (( ${#hostif} <= 15 )) || { echo "interface name $hostif is longer than 15 characters" >&2; return 1; }
    ovsh_add_netns "$ns"
    ip link add "$hostif" netns "$(ovsh_host_ns "$n")" mtu "$OVSH_VM_MTU" type veth peer name eth0 netns "$ns" mtu "$OVSH_VM_MTU"
    [[ -n "$mac" ]] && ip -n "$ns" link set eth0 address "$mac"
    ip -n "$ns" addr add "$ip" dev eth0
    ip -n "$ns" link set eth0 up
    ip netns exec "$ns" ethtool -K eth0 tx off >/dev/null 2>&1 || true
    ip -n "$(ovsh_host_ns "$n")" link set "$hostif" up
    OVSH_VM_MAC="$(ip -n "$ns" -br link show eth0 | awk '{print $3}')"
}

# ovsh_vm_ns NAME / ovsh_vm_if NAME: the VM's namespace, and its interface name on the host.
ovsh_vm_ns() { echo "v${OVSH_PREFIX}$1"; }
ovsh_vm_if() { echo "v${OVSH_PREFIX}$1"; }
