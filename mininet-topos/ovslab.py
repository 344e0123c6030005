"""Shared pieces of the Mininet topologies: a private Open vSwitch per node, controller relays, the
hand-typed br-tun pipeline, and stopping processes by pidfile.

Never runs `mn -c` or Mininet's cleanup: those kill processes by name machine-wide. Everything started
here is stopped by its PID.
"""

import os
import random
import signal
import string
import subprocess
import time

SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema'

# Same cookies as tests/Integration.Tests/Harness/ManualBrTun.cs.
STATIC_COOKIE = 0x5eed000000000001
LEARNED_COOKIE = 0x5eed000000000002


def new_prefix():
    """Four characters, a letter first, not used by any namespace or /tmp directory yet."""
    alphabet = string.ascii_lowercase + string.digits
    for _ in range(100):
        prefix = random.choice(string.ascii_lowercase) + ''.join(random.choice(alphabet) for _ in range(3))
        used = os.path.isdir('/run/netns') and any(prefix in n for n in os.listdir('/run/netns'))
        used = used or any(prefix in n for n in os.listdir('/tmp') if n.startswith('mn'))
        if not used:
            return prefix
    raise RuntimeError('no free prefix')


def ovs_env(directory):
    env = dict(os.environ)
    env.update(OVS_RUNDIR=directory, OVS_DBDIR=directory, OVS_LOGDIR=directory)
    return env


def run(cmd, env=None, check=True, timeout=30):
    """Runs argv `cmd`; raises with its output on failure."""
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError('%s failed (%d):\n%s%s' % (' '.join(cmd), p.returncode, p.stdout, p.stderr))
    return p.stdout


def poll(condition, timeout, what, interval=0.05):
    """Calls `condition` until it returns something true; raises after `timeout` seconds."""
    deadline = time.time() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.time() >= deadline:
            raise RuntimeError('timed out after %.1f s waiting for %s' % (timeout, what))
        time.sleep(interval)


def pid_alive(pid, comm):
    """True when `pid` runs (not a zombie) and is the program `comm`."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            stat = f.read()
    except OSError:
        return False
    name = stat[stat.index('(') + 1:stat.rindex(')')]
    state = stat[stat.rindex(')') + 2:].split(' ')[0]
    return state not in ('Z', 'X') and comm.startswith(name)


def stop_pidfile(path, comm, grace=5.0):
    """Stops the daemon named in pidfile `path` if it still is `comm`: SIGTERM, then SIGKILL."""
    try:
        with open(path) as f:
            pid = int(f.read().strip())
    except (OSError, ValueError):
        return
    if not pid_alive(pid, comm):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.time() + grace
    while pid_alive(pid, comm) and time.time() < deadline:
        time.sleep(0.05)
    if pid_alive(pid, comm):
        os.kill(pid, signal.SIGKILL)


class PrivateOvs:
    """ovsdb-server + ovs-vswitchd with their own directory, started through `runner` (a function that
    runs a shell command line where the daemons must live, e.g. a Mininet node's `cmd`)."""

    def __init__(self, directory, runner):
        self.dir = directory
        self.env = ovs_env(directory)
        self.runner = runner

    def _in_node(self, command):
        prefix = 'OVS_RUNDIR={0} OVS_DBDIR={0} OVS_LOGDIR={0} '.format(self.dir)
        return self.runner(prefix + command)

    def start(self):
        os.makedirs(self.dir, exist_ok=True)
        db = os.path.join(self.dir, 'conf.db')
        run(['ovsdb-tool', 'create', db, SCHEMA])
        self._in_node('ovsdb-server %s --remote=punix:%s/db.sock --pidfile --detach --log-file --no-chdir'
                      % (db, self.dir))
        poll(lambda: os.path.exists(os.path.join(self.dir, 'db.sock')), 10, 'ovsdb-server socket')
        self.vsctl('--no-wait', 'init')
        self._in_node('ovs-vswitchd unix:%s/db.sock --pidfile --detach --log-file --no-chdir' % self.dir)
        poll(lambda: os.path.exists(os.path.join(self.dir, 'ovs-vswitchd.pid')), 10, 'ovs-vswitchd pidfile')

    def stop(self):
        stop_pidfile(os.path.join(self.dir, 'ovs-vswitchd.pid'), 'ovs-vswitchd')
        stop_pidfile(os.path.join(self.dir, 'ovsdb-server.pid'), 'ovsdb-server')

    def vsctl(self, *args):
        return run(['ovs-vsctl', '--timeout=20'] + list(args), env=self.env)

    def ofctl(self, *args):
        return run(['ovs-ofctl', '-O', 'OpenFlow13'] + list(args), env=self.env)

    def port_numbers(self, bridge):
        """Port name -> OpenFlow port number, from `ovs-ofctl show` (never from ofport_request)."""
        ports = {}
        for line in self.ofctl('show', bridge).splitlines():
            line = line.strip()
            if '(' in line and line.split('(')[0].isdigit() and '):' in line:
                ports[line[line.index('(') + 1:line.index(')')]] = int(line.split('(')[0])
        return ports

    def dpid(self, bridge):
        for token in self.ofctl('show', bridge).split():
            if token.startswith('dpid:'):
                return token[len('dpid:'):]
        raise RuntimeError('no dpid for ' + bridge)


class Relay:
    """socat in the current namespace: `listen` address to `connect` address, stopped by PID."""

    def __init__(self, listen, connect):
        self.proc = subprocess.Popen(['socat', listen, connect],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def brtun_flows(patch_int, tunnels, segments):
    """The br-tun pipeline of DESIGN.md as `ovs-ofctl -O OpenFlow13 add-flow` lines.
    segments: list of (tunnel_id, local_vlan). Mirrors ManualBrTun.Flows in the C# harness."""
    c = 'cookie=%#x' % STATIC_COOKIE
    lines = ['%s,table=0,priority=1,in_port=%d,actions=goto_table:1' % (c, patch_int)]
    lines += ['%s,table=0,priority=1,in_port=%d,actions=goto_table:2' % (c, p) for p in tunnels]
    lines.append('%s,table=0,priority=0,actions=drop' % c)
    lines.append('%s,table=1,priority=1,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00,actions=goto_table:20' % c)
    lines.append('%s,table=1,priority=1,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=goto_table:21' % c)
    lines += ['%s,table=2,priority=1,tun_id=%#x,actions=push_vlan:0x8100,set_field:%d->vlan_vid,goto_table:10'
              % (c, tid, 0x1000 | vlan) for tid, vlan in segments]
    lines.append('%s,table=2,priority=0,actions=drop' % c)
    lines.append('%s,table=10,priority=1,actions=learn(table=20,priority=1,hard_timeout=300,cookie=%#x,'
                 'NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:0->NXM_OF_VLAN_TCI[],'
                 'load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:OXM_OF_IN_PORT[]),output:%d'
                 % (c, LEARNED_COOKIE, patch_int))
    lines.append('%s,table=20,priority=0,actions=goto_table:21' % c)
    outputs = ''.join(',output:%d' % p for p in tunnels)
    lines += ['%s,table=21,priority=1,dl_vlan=%d,actions=pop_vlan,set_field:%#x->tun_id%s'
              % (c, vlan, tid, outputs) for tid, vlan in segments]
    lines.append('%s,table=21,priority=0,actions=drop' % c)
    return lines


def tunnel_port_name(kind, remote_ip):
    """Neutron's convention: vxlan-c0a84d02 for 192.168.77.2."""
    return '%s-%s' % (kind, ''.join('%02x' % int(o) for o in remote_ip.split('.')))
