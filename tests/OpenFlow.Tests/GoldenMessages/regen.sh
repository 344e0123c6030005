#!/bin/bash
# Regenerates golden-messages.txt: OpenFlow 1.3 messages produced by independent implementations.
#   1. what `ovs-ofctl -O OpenFlow13 --no-names <command> tcp:127.0.0.1:<port>` sends to a small
#      listener (ofp_listener.py), and the listener's replies that ovs-ofctl accepted;
#   2. `ovs-ofctl -O OpenFlow13 -mmmmm parse-group` / `parse-flow` hex dumps;
#   3. what a real Open vSwitch bridge sends to a scripted controller (real_ovs_capture.sh; needs root
#      for a network namespace; skipped with --no-real).
# Every vector is checked with `ovs-ofctl ofp-print` (no "***") before it is written.
# Output format, one vector per line:  name<TAB>producing command<TAB>hex
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/golden-messages.txt
TMP=$(mktemp -d /tmp/ofgolden.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
RAW=$TMP/raw.tsv
: >"$RAW"

# cap [ovs-ofctl options...] -- command [args...]: the target is inserted after the command.
cap() {
  local opts=()
  while [ "$1" != "--" ]; do opts+=("$1"); shift; done
  shift
  local cmd=$1; shift
  rm -f "$TMP/port" "$TMP/cap"
  /usr/bin/python3 "$HERE/ofp_listener.py" "$TMP/port" "$TMP/cap" &
  local lp=$!
  for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
  local desc="ovs-ofctl -O OpenFlow13 --no-names ${opts[*]} $cmd tcp:127.0.0.1:PORT $*"
  timeout 15 ovs-ofctl -O OpenFlow13 --no-names "${opts[@]}" "$cmd" "tcp:127.0.0.1:$(cat "$TMP/port")" "$@" >/dev/null 2>&1 || true
  wait $lp || true
  [ -f "$TMP/cap" ] || return 0
  while read -r dir hex; do
    if [ "$dir" = rx ]; then printf '%s\t%s\n' "$desc" "$hex"; else printf '%s\t%s\n' "ofp_listener.py reply to: $desc" "$hex"; fi
  done <"$TMP/cap" >>"$RAW"
}

# parsed <parse-command> <text>: the hex dump of `ovs-ofctl -O OpenFlow13 -mmmmm <parse-command> <text>`.
parsed() {
  local hex
  hex=$(ovs-ofctl -O OpenFlow13 -mmmmm "$1" "$2" 2>/dev/null \
    | grep -E '^[0-9a-f]{8}  ' | cut -c11-58 | tr -d ' \n-')
  [ -n "$hex" ] && printf '%s\t%s\n' "ovs-ofctl -O OpenFlow13 -mmmmm $1 '$2'" "$hex" >>"$RAW"
}

cap -- dump-desc
cap -- show
cap -- dump-flows
cap -- dump-flows "table=21,cookie=0x10000/0xffff0000,dl_vlan=100"
cap -- dump-flows "table=2,tun_id=0x64,out_port=3"
cap -- dump-aggregate
cap -- dump-aggregate "table=0,in_port=1"
cap -- dump-tables
cap -- dump-table-features
cap -- dump-ports
cap -- dump-ports 1
cap -- dump-ports-desc
cap -- dump-groups
cap -- dump-groups 1
cap -- dump-group-stats
cap -- dump-group-features
cap -- dump-meters
cap -- meter-stats
cap -- meter-stats meter=1
cap -- meter-features
cap -- queue-get-config 1
cap -- queue-get-config
cap -- queue-stats
cap -- queue-stats 1 2
cap -- get-frags
cap -- set-frags drop
cap -- probe
cap -- packet-out "in_port=1,packet=ffffffffffff020000000001080600010800060400010200000000010a0000010000000000000a000002,actions=output:2"
cap -- packet-out "in_port=controller,packet=ffffffffffff020000000001080600010800060400010200000000010a0000010000000000000a000002,actions=push_vlan:0x8100,set_field:4196->vlan_vid,output:1,output:2"
cap -- add-flow "table=21,priority=1,cookie=0x10002,dl_vlan=100,actions=pop_vlan,set_field:0x64->tun_id,output:1,output:2,output:3"
cap -- add-flow "table=0,priority=5,in_port=1,actions=goto_table:2"
cap -- add-flow "table=2,priority=1,tun_id=0x64,actions=push_vlan:0x8100,set_field:4196->vlan_vid,goto_table:10"
cap -- mod-flows "table=20,dl_vlan=100,dl_dst=fa:16:3e:00:00:01,actions=pop_vlan,set_field:0x64->tun_id,output:2"
cap -- del-flows "table=20,cookie=0x10000/0xffff0000"
cap --strict -- del-flows "table=20,priority=2,dl_vlan=100,dl_dst=fa:16:3e:00:00:01"
cap -- add-group "group_id=1,type=select,bucket=weight:10,actions=output:1,bucket=weight:20,actions=output:2"
cap -- add-group "group_id=2,type=all,bucket=actions=output:1,bucket=actions=pop_vlan,output:2"
cap -- add-group "group_id=3,type=ff,bucket=watch_port:1,actions=output:1,bucket=watch_port:2,actions=output:2"
cap -- add-group "group_id=4,type=indirect,bucket=actions=output:3"
cap -- mod-group "group_id=1,type=select,bucket=weight:30,actions=output:3"
cap -- del-groups "group_id=2"
cap -- add-meter "meter=1,kbps,burst,stats,bands=type=drop,rate=1000,burst_size=100"
cap -- add-meter "meter=2,pktps,bands=type=dscp_remark,rate=100,prec_level=1,type=drop,rate=200"
cap -- mod-meter "meter=1,kbps,bands=type=drop,rate=2000"
cap -- del-meter "meter=2"
cap -- mod-port 1 down
cap -- mod-port 1 up
cap -- mod-port 1 no-packet-in
cap -- mod-port 1 no-flood
cap --bundle -- add-flow "table=1,priority=5,in_port=1,actions=output:2"
cap --bundle -- del-flows "table=1"

parsed parse-group "group_id=5,type=select,bucket=weight:10,watch_port:1,actions=output:1"
parsed parse-group "group_id=6,type=ff,bucket=watch_port:1,watch_group:2,actions=output:1,bucket=watch_port:2,actions=group:5"
parsed parse-group "group_id=7,type=all"
parsed parse-flow "table=21,priority=1,dl_vlan=100,actions=pop_vlan,set_field:0x64->tun_id,output:1,output:2,output:3"
parsed parse-flow "table=10,priority=1,actions=learn(table=20,hard_timeout=300,priority=1,cookie=0x1,NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:0->NXM_OF_VLAN_TCI[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:OXM_OF_IN_PORT[]),output:1"

if [ "${1:-}" != "--no-real" ]; then
  "$HERE/real_ovs_capture.sh" "$TMP/real" >"$TMP/real.log" 2>&1 || { echo "real OVS capture failed, see log:"; tail -5 "$TMP/real.log"; }
  if [ -f "$TMP/real" ]; then
    sed -n 's/^rx /real Open vSwitch 3.1 bridge (real_ovs_capture.sh)\t/p' "$TMP/real" >>"$RAW"
  fi
fi

/usr/bin/python3 - "$RAW" "$OUT" <<'PY'
import collections, subprocess, sys
raw, out = sys.argv[1], sys.argv[2]
seen, per_source, per_kind, rows = set(), collections.Counter(), collections.Counter(), []
for line in open(raw):
    source, hexs = line.rstrip("\n").split("\t")
    b = bytes.fromhex(hexs)
    if b[1] == 19 and b[8:10] == b"\x00\x0c" and len(b) > 8192:
        # A real TABLE_FEATURES reply carries ~13 tables in 40-60 KB; keep only its first table so the
        # every-prefix test stays fast (the entry is still exactly what OVS sent).
        first = int.from_bytes(b[16:18], "big")
        b = b[:2] + (16 + first).to_bytes(2, "big") + b[4:16 + first]
        hexs = b.hex()
        source += " [first table of the reply only]"
    if hexs in seen:
        continue
    seen.add(hexs)
    text = subprocess.run(["ovs-ofctl", "ofp-print", hexs], capture_output=True, text=True).stdout
    if "***" in text or not text:
        print("skipped (ovs-ofctl cannot decode it):", source, hexs[:40], file=sys.stderr)
        continue
    first = text.splitlines()[0]
    kind = first.split(" (OF")[0].strip().replace(" ", "_")
    origin = "real" if source.startswith("real") else "ofctl"
    # Keep at most 3 of a kind per command.
    per_source[(source, kind)] += 1
    if per_source[(source, kind)] > 3:
        continue
    per_kind[(origin, kind)] += 1
    rows.append((f"{origin}-{kind}-{per_kind[(origin, kind)]}", source, hexs))
with open(out, "w") as f:
    f.write("# OpenFlow 1.3 golden messages, regenerated by regen.sh; every one decodes cleanly with ovs-ofctl ofp-print.\n")
    f.write("# name<TAB>producing command<TAB>hex\n")
    for r in rows:
        f.write("\t".join(r) + "\n")
print(f"{len(rows)} vectors written to {out}")
PY
