#!/usr/bin/python3
"""Multi-host overlay in Mininet: each "hypervisor" node runs its own Open vSwitch.

    /usr/bin/python3 mininet-topos/overlay.py --hosts 3 --controller 127.0.0.1:6653 --check
    /usr/bin/python3 mininet-topos/overlay.py --hosts 2 --static-flows

Nodes (all Mininet hosts, i.e. network namespaces; nothing is added to the root namespace):
  ul        the underlay: a Linux bridge joining hv<n>-eth0 of every hypervisor (MTU 1600)
  hv<n>     a hypervisor: private ovsdb-server + ovs-vswitchd (datapath_type=netdev) with br-phy
            (holding hv<n>-eth0 and 192.168.77.<n>/24), br-int, br-tun (patch-int <-> patch-tun),
            and a full mesh of flow-keyed tunnels on br-tun named vxlan-<hex of remote IP>
  a<n>,b<n> tenant VMs 10.0.0.<n>/24 (MTU 1450) on hv<n>'s br-int: tenant A (segment 100) with
            local VLAN 4n-3, tenant B (segment 200) with local VLAN 4n-2

br-tun is fail_mode=secure, protocols=OpenFlow13 and either points at --controller (through a socat
relay in the root namespace, max_backoff=1000) or gets the hand-typed pipeline (--static-flows).
--check pings every pair within each tenant until all answer (or --wait runs out) and verifies that
the overlapping 10.0.0.x addresses resolve to the VM of the right tenant; exit code 0 means all good.
--hold prints the layout as one JSON line ("LAYOUT {...}"), then "READY", and keeps the network up
until stdin closes or SIGTERM/SIGINT arrives. The script stops everything it started itself
(net.stop() in a finally; OVS daemons by pidfile); it never runs Mininet's cleanup.
"""

import argparse
import json
import os
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mininet.log import setLogLevel  # noqa: E402
from mininet.net import Mininet  # noqa: E402

import ovslab  # noqa: E402

SEGMENTS = {'a': 100, 'b': 200}


def local_vlan(tenant, n):
    return 4 * n - 3 if tenant == 'a' else 4 * n - 2


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    p.add_argument('--hosts', type=int, default=2, help='number of hypervisors (2..9)')
    p.add_argument('--tunnel', choices=['vxlan', 'gre'], default='vxlan')
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument('--controller', metavar='HOST:PORT', help='OpenFlow controller for every br-tun')
    mode.add_argument('--static-flows', action='store_true', help='install the hand-typed pipeline, no controller')
    p.add_argument('--check', action='store_true', help='ping within tenants (implied by --static-flows)')
    p.add_argument('--wait', type=float, default=20.0, help='seconds --check waits for the overlay')
    p.add_argument('--hold', action='store_true', help='print the layout and keep running until stdin closes')
    args = p.parse_args()
    if not 2 <= args.hosts <= 9:
        p.error('--hosts must be 2..9')
    return args


def on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def build(net, args, workdir, cleanup):
    n_hosts = args.hosts
    ul = net.addHost('ul', ip=None)
    hvs = [net.addHost('hv%d' % n, ip=None) for n in range(1, n_hosts + 1)]
    vms = {}
    for n in range(1, n_hosts + 1):
        for t in 'ab':
            vms[(t, n)] = net.addHost('%s%d' % (t, n), ip='10.0.0.%d/24' % n)
    for hv in hvs:
        net.addLink(hv, ul)
    for (t, n), vm in sorted(vms.items()):
        net.addLink(vm, hvs[n - 1])
    net.build()

    for node in net.hosts:
        node.cmd('sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1')

    ul.cmd('ip link add br0 type bridge stp_state 0 forward_delay 0 && ip link set br0 mtu 1600 up')
    for intf in ul.intfList():
        ul.cmd('ip link set %s mtu 1600 master br0 up' % intf)

    layout = {'prefix': os.path.basename(workdir), 'tunnel': args.tunnel, 'hosts': []}
    switches = {}
    for n, hv in enumerate(hvs, start=1):
        ovs = ovslab.PrivateOvs(os.path.join(workdir, hv.name), hv.cmd)
        cleanup.append(ovs.stop)
        ovs.start()
        switches[n] = ovs
        ovs.vsctl('add-br', 'br-phy', '--', 'set', 'bridge', 'br-phy', 'datapath_type=netdev', '--',
                  'add-br', 'br-int', '--', 'set', 'bridge', 'br-int', 'datapath_type=netdev', '--',
                  'add-br', 'br-tun', '--', 'set', 'bridge', 'br-tun', 'datapath_type=netdev',
                  'fail_mode=secure', 'protocols=OpenFlow13', '--',
                  'add-port', 'br-int', 'patch-tun', '--', 'set', 'interface', 'patch-tun', 'type=patch',
                  'options:peer=patch-int', '--',
                  'add-port', 'br-tun', 'patch-int', '--', 'set', 'interface', 'patch-int', 'type=patch',
                  'options:peer=patch-tun', '--',
                  'add-port', 'br-phy', '%s-eth0' % hv.name, '--',
                  'set', 'interface', 'br-phy', 'mtu_request=1600')
        hv.cmd('ip link set %s-eth0 mtu 1600 up' % hv.name)
        hv.cmd('ip addr add 192.168.77.%d/24 dev br-phy && ip link set br-phy up' % n)

    for n, hv in enumerate(hvs, start=1):
        ovs = switches[n]
        tunnels = []
        for m in range(1, n_hosts + 1):
            if m == n:
                continue
            remote = '192.168.77.%d' % m
            name = ovslab.tunnel_port_name(args.tunnel, remote)
            ovs.vsctl('add-port', 'br-tun', name, '--', 'set', 'interface', name, 'type=' + args.tunnel,
                      'options:remote_ip=' + remote, 'options:key=flow')
            tunnels.append({'name': name, 'remoteIp': remote, 'remoteHost': 'hv%d' % m})
        vm_entries = []
        for t in 'ab':
            vm = vms[(t, n)]
            port = vm.connectionsTo(hv)[0][1].name
            vlan = local_vlan(t, n)
            ovs.vsctl('add-port', 'br-int', port, 'tag=%d' % vlan)
            hv.cmd('ip link set %s mtu 1450 up' % port)
            vm.cmd('ip link set %s mtu 1450 up && ethtool -K %s tx off >/dev/null' % (vm.defaultIntf(), vm.defaultIntf()))
            vm_entries.append({'name': vm.name, 'tenant': t.upper(), 'segment': SEGMENTS[t], 'localVlan': vlan,
                               'ip': vm.IP(), 'mac': vm.MAC(), 'brIntPort': port})
        ports = ovs.port_numbers('br-tun')
        for tunnel in tunnels:
            tunnel['ofport'] = ports[tunnel['name']]
        layout['hosts'].append({'name': hv.name, 'underlayIp': '192.168.77.%d' % n, 'ovsDir': ovs.dir,
                                'brTunDpid': ovs.dpid('br-tun'), 'patchIntOfport': ports['patch-int'],
                                'tunnels': tunnels, 'vms': vm_entries})

    # Warm-up: the userspace datapath drops the first packet to a tunnel endpoint while it resolves it.
    for n, hv in enumerate(hvs, start=1):
        for m in range(1, n_hosts + 1):
            if m != n:
                ovslab.poll(lambda: '1 received' in hv.cmd('ping -c1 -W1 192.168.77.%d' % m), 10,
                            'underlay ping hv%d -> hv%d' % (n, m))
    return hvs, vms, switches, layout


def point_at_controller(switches, target, cleanup):
    host, port = target.rsplit(':', 1)
    for ovs in switches.values():
        sock = os.path.join(ovs.dir, 'ctl.sock')
        relay = ovslab.Relay('UNIX-LISTEN:%s,fork,unlink-early' % sock, 'TCP:%s:%s' % (host, port))
        cleanup.append(relay.stop)
        ovslab.poll(lambda: os.path.exists(sock), 10, 'relay socket ' + sock)
        ovs.vsctl('set-controller', 'br-tun', 'unix:' + sock, '--', 'set', 'controller', 'br-tun', 'max_backoff=1000')


def install_static_flows(switches, layout):
    for n, ovs in switches.items():
        host = layout['hosts'][n - 1]
        tunnels = sorted(t['ofport'] for t in host['tunnels'])
        segments = [(vm['segment'], vm['localVlan']) for vm in host['vms']]
        path = os.path.join(ovs.dir, 'brtun-flows.txt')
        with open(path, 'w') as f:
            f.write('\n'.join(ovslab.brtun_flows(host['patchIntOfport'], tunnels, segments)) + '\n')
        ovs.ofctl('add-flows', 'br-tun', path)


def check(vms, n_hosts, wait):
    """Every pair within a tenant pings; 10.0.0.x resolves to the MAC of the same tenant's VM."""
    failures = []
    deadline = time.time() + wait
    for t in 'ab':
        for n in range(1, n_hosts + 1):
            for m in range(1, n_hosts + 1):
                if n == m:
                    continue
                src, dst = vms[(t, n)], vms[(t, m)]
                ok = False
                while True:
                    ok = '1 received' in src.cmd('ping -c1 -W1 %s' % dst.IP())
                    if ok or time.time() >= deadline:
                        break
                neigh = src.cmd('ip neigh show %s' % dst.IP())
                status = 'ok' if ok and dst.MAC() in neigh else 'FAIL'
                print('ping %s -> %s (%s): %s' % (src.name, dst.name, dst.IP(), status), flush=True)
                if status != 'ok':
                    failures.append('%s->%s' % (src.name, dst.name))
    return failures


def main():
    args = parse_args()
    setLogLevel('warning')
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, on_signal)
    workdir = os.path.join('/tmp', 'mnov-' + ovslab.new_prefix())
    os.makedirs(workdir)
    cleanup = []
    net = Mininet(topo=None, controller=None, build=False, autoSetMacs=False)
    code = 1
    try:
        hvs, vms, switches, layout = build(net, args, workdir, cleanup)
        if args.static_flows:
            install_static_flows(switches, layout)
        else:
            point_at_controller(switches, args.controller, cleanup)
        if args.hold:
            print('LAYOUT ' + json.dumps(layout), flush=True)
            print('READY', flush=True)
        code = 0
        if args.check or args.static_flows:
            failures = check(vms, args.hosts, args.wait)
            print('overlay check: %d failure(s)%s' % (len(failures), (': ' + ', '.join(failures)) if failures else ''),
                  flush=True)
            code = 1 if failures else 0
        if args.hold:
            sys.stdin.read()
    finally:
        for undo in reversed(cleanup):
            try:
                undo()
            except Exception as e:  # keep cleaning up; report every failure
                print('cleanup failed: %s' % e, file=sys.stderr)
        net.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return code


if __name__ == '__main__':
    sys.exit(main())
