#!/usr/bin/python3
"""Ordinary Mininet topologies against a remote OpenFlow 1.3 controller, then pingall.

    /usr/bin/python3 mininet-topos/plain.py --topo tree,depth=2,fanout=2 --controller 127.0.0.1:6653
    /usr/bin/python3 mininet-topos/plain.py --topo linear,4 --controller 127.0.0.1:6653

Switches are OVSSwitch(datapath='user', protocols='OpenFlow13') and the controller is a
RemoteController, exactly as with `mn --switch ovs,datapath=user,protocols=OpenFlow13 --controller
remote,...`. Prints the pingall loss percentage as "pingall loss: N%" and exits 0 only on 0% loss.

Isolation from everything else on the machine: the run happens inside its own network namespace
(m<prefix>) with its own ovsdb-server/ovs-vswitchd (OVS_RUNDIR etc. point at /tmp/mnpl-<prefix>), so
Mininet's switch interfaces (s1-eth1, ...) and its `ovs-vsctl del-br` never meet another run's.
The controller, in the root namespace, is reached through two socat relays: 127.0.0.1:<port> inside
the namespace -> unix socket -> <host>:<port>. Never runs `mn -c` or Mininet's cleanup; net.stop() is
called in a finally, and the daemons, relays and namespace are removed by PID/name afterwards.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ovslab  # noqa: E402

INNER = 'MNPLAIN_INNER'


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    p.add_argument('--topo', default='tree,depth=2,fanout=2', help='tree,depth=D,fanout=F | linear,N')
    p.add_argument('--controller', required=True, metavar='HOST:PORT')
    p.add_argument('--wait', type=float, default=15.0, help='seconds to wait for switches to connect')
    p.add_argument('--attempts', type=int, default=1, help='pingall rounds; the last one decides')
    return p.parse_args()


def make_topo(spec):
    from mininet.topo import LinearTopo
    from mininet.topolib import TreeTopo
    parts = spec.split(',')
    name, params = parts[0], parts[1:]
    kv = dict(x.split('=', 1) for x in params if '=' in x)
    positional = [x for x in params if '=' not in x]
    if name == 'tree':
        return TreeTopo(depth=int(kv.get('depth', positional[0] if positional else 2)),
                        fanout=int(kv.get('fanout', positional[1] if len(positional) > 1 else 2)))
    if name == 'linear':
        return LinearTopo(k=int(kv.get('k', positional[0] if positional else 2)))
    raise SystemExit('unknown topology ' + spec)


def on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def outer(args):
    """Root namespace: namespace, controller relay, then this script again inside the namespace."""
    prefix = ovslab.new_prefix()
    netns = 'm' + prefix
    workdir = '/tmp/mnpl-' + prefix
    os.makedirs(workdir)
    sock = os.path.join(workdir, 'ctl.sock')
    relay = None
    created = False
    try:
        ovslab.run(['ip', 'netns', 'add', netns])
        created = True
        relay = ovslab.Relay('UNIX-LISTEN:%s,fork,unlink-early' % sock, 'TCP:' + args.controller)
        ovslab.poll(lambda: os.path.exists(sock), 10, 'relay socket')
        env = dict(os.environ, **{INNER: workdir})
        child = subprocess.Popen(['ip', 'netns', 'exec', netns, '/usr/bin/python3', os.path.abspath(__file__)]
                                 + sys.argv[1:], env=env)
        try:
            return child.wait()
        except BaseException:
            child.terminate()  # the child stops its network in its own finally
            child.wait(60)
            raise
    finally:
        if relay:
            relay.stop()
        if created:
            ovslab.run(['ip', 'netns', 'del', netns], check=False)
        shutil.rmtree(workdir, ignore_errors=True)


def inner(args, workdir):
    """Inside the namespace: private OVS, local relay, Mininet, pingall."""
    from functools import partial

    from mininet.log import setLogLevel
    from mininet.net import Mininet
    from mininet.node import OVSSwitch, RemoteController

    setLogLevel('warning')
    port = int(args.controller.rsplit(':', 1)[1])
    ovs_dir = os.path.join(workdir, 'ovs')
    os.environ.update(ovslab.ovs_env(ovs_dir))  # Mininet's ovs-vsctl calls now reach the private OVS
    ovslab.run(['ip', 'link', 'set', 'lo', 'up'])
    ovs = ovslab.PrivateOvs(ovs_dir, lambda command: subprocess.run(command, shell=True, check=True,
                                                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    relay = None
    net = None
    try:
        ovs.start()
        relay = ovslab.Relay('TCP-LISTEN:%d,bind=127.0.0.1,fork,reuseaddr' % port,
                             'UNIX-CONNECT:' + os.path.join(workdir, 'ctl.sock'))
        ovslab.poll(lambda: ':%04X' % port in open('/proc/net/tcp').read(), 10, 'local relay port')
        net = Mininet(topo=make_topo(args.topo),
                      switch=partial(OVSSwitch, datapath='user', protocols='OpenFlow13'),
                      controller=partial(RemoteController, ip='127.0.0.1', port=port),
                      autoSetMacs=True, waitConnected=False)
        net.start()
        connected = net.waitConnected(timeout=args.wait, delay=0.1)
        print('switches connected: %s' % connected, flush=True)
        loss = 100.0
        for _ in range(max(1, args.attempts)):
            loss = net.pingAll(timeout=1)
            print('pingall loss: %g%%' % loss, flush=True)
        return 0 if loss == 0 else 1
    finally:
        if net is not None:
            net.stop()
        if relay:
            relay.stop()
        ovs.stop()


def main():
    args = parse_args()
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, on_signal)
    workdir = os.environ.get(INNER)
    return inner(args, workdir) if workdir else outer(args)


if __name__ == '__main__':
    sys.exit(main())
