#!/usr/bin/env bash
# Side-by-side controller benchmark: our controller, os-ken's learning switch and ovs-testcontroller
# under the same OfBench load (16 emulated OpenFlow 1.3 switches, throughput mode then latency mode),
# printed as one markdown table with machine info. Takes about two minutes.
#
#   scripts/bench-controllers.sh                      # ours, os-ken, ovs-testcontroller, bare responder
#   scripts/bench-controllers.sh --scale 10000        # ours only: connect time, RSS per switch, REST list time
#   scripts/bench-controllers.sh --tls                # ours over TCP and ours over TLS, with the TLS/TCP ratios
#   scripts/bench-controllers.sh --flood              # also: the others' latency while one switch floods
#
# Options:
#   --switches N      emulated switches (default 16; ovs-testcontroller accepts at most 16)
#   --rounds R        measured rounds per mode (default 5), --round-ms MS (default 1000), --warmup-rounds W (default 1)
#   --ours-cmd CMD    start our controller with CMD instead (bash -c; $OF_PORT, $REST_PORT, $BENCH_TMP are set)
#   --only LIST       comma-separated subset of: ours,ourspool,osken,testcontroller,bare
#                     (ourspool: ours with OpenFlow:InlineSocketCompletions=false, socket completions on the
#                     thread pool as .NET does by default; not in the default list)
#                     (bare: bench/peers/bare_responder.c, built with gcc: answers every PACKET_IN with a
#                     PACKET_OUT and learns nothing, i.e. the ceiling of this machine and of OfBench)
#   --flood           after the table, for each controller: N-1 switches in latency mode alone, then again while
#                     one more switch (its own OfBench, throughput mode, window 128) floods PACKET_INs; prints
#                     both latencies and the flooder's packets/s
#   --scale N         scale mode instead: N switches that only handshake, held --hold-seconds S (default 15)
#   --tls             also run ours with OpenFlow over TLS (OpenFlow:Tls:*, certificates from ovs-pki made in the
#                     temp dir; OfBench --tls presents a switch certificate) right after ours over TCP in each
#                     mode, and print TLS/TCP ratios. Alone it means --only ours; with --only, adds to that list.
#
# Everything listens on 127.0.0.1 ports picked here; every process started here is stopped by PID
# (process group) on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

switches=16
rounds=5
round_ms=1000
warmup=1
ours_cmd=""
only="ours,osken,testcontroller,bare"
scale=0
hold=15
tls=0
flood=0
only_set=0
while [ $# -gt 0 ]; do
  case "$1" in
    --switches) switches=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --round-ms) round_ms=$2; shift 2 ;;
    --warmup-rounds) warmup=$2; shift 2 ;;
    --ours-cmd) ours_cmd=$2; shift 2 ;;
    --only) only=$2; only_set=1; shift 2 ;;
    --scale) scale=$2; shift 2 ;;
    --hold-seconds) hold=$2; shift 2 ;;
    --tls) tls=1; shift ;;
    --flood) flood=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ "$tls" = 1 ]; then
  [ "$only_set" = 1 ] || only="ours"
  [ -n "$ours_cmd" ] && { echo "--tls starts our controller itself: not with --ours-cmd" >&2; exit 2; }
  [[ ",$only," == *,ours,* ]] || only="ours,$only"
fi

if [ -n "$ours_cmd" ] && [[ ",$only," == *,ourspool,* ]]; then
  echo "ourspool starts our controller itself: not with --ours-cmd (it would not be the same controller)" >&2; exit 2
fi
if [ "$flood" = 1 ] && [ "$switches" -lt 2 ]; then
  echo "--flood needs --switches 2 or more (one floods, the others are measured)" >&2; exit 2
fi

LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
TMP=$(mktemp -d /tmp/ofbench.XXXXXX)
PIDS=()
# A child that has exited stays a zombie until waited for: kill -0 would still succeed.
alive() { [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

# Stops a process started by start_bg, and the session it leads, by PID: TERM, then KILL after 5 s.
stop_bg() {
  local pid=$1
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do alive "$pid" || break; sleep 0.1; done
  alive "$pid" && { kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; }
  wait "$pid" 2>/dev/null || true
  forget "$pid"
}

forget() { # drops a reaped PID from the cleanup list (its number may be reused)
  local p keep=()
  for p in "${PIDS[@]:-}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  PIDS=("${keep[@]:-}")
}

cleanup() {
  local p
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] && stop_bg "$p"
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Many sockets in scale mode, for OfBench and for the controller it starts.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 65536 2>/dev/null || true

log() { echo "[bench] $*" >&2; }

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    ss -Htan "( sport = :$p or dport = :$p )" | grep -q . || { echo "$p"; return; }
  done
}

# Starts "$@" in its own session (so its children can be stopped with it); sets BG_PID.
start_bg() {
  local logfile=$1; shift
  setsid "$@" >"$logfile" 2>&1 &
  BG_PID=$!
  PIDS+=("$BG_PID")
}

# Waits until something listens on 127.0.0.1:$1 (or any address), while $2 is alive; up to $3 s.
wait_listen() {
  local port=$1 pid=$2 secs=$3 i
  for i in $(seq $((secs * 10))); do
    ss -Hltn "( sport = :$port )" | grep -q . && return 0
    alive "$pid" || return 1
    sleep 0.1
  done
  return 1
}

listener_pid() {
  ss -Hltnp "( sport = :$1 )" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1
}

cpu_ticks() { # utime + stime of a process, in clock ticks
  awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

field() { # field KEY "RESULT ..." -> value or empty
  sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"
}

log "building OfBench and the controller (Release)"
dotnet build bench/OfBench/OfBench.csproj -c Release -nologo -v q >"$TMP/build-bench.log" 2>&1 \
  || { cat "$TMP/build-bench.log"; echo "OfBench build failed" >&2; exit 1; }
OFBENCH=(dotnet "$ROOT/bench/OfBench/bin/Release/net10.0/ofbench.dll")
if [[ ",$only," == *,ourspool,* || "$scale" -gt 0 || ( -z "$ours_cmd" && ",$only," == *,ours,* ) ]]; then
  dotnet build src/Controller/Controller.csproj -c Release -nologo -v q >"$TMP/build-ours.log" 2>&1 \
    || { tail -20 "$TMP/build-ours.log"; log "controller build failed: ours will be n/a"; }
fi

# --tls: a PKI as an operator makes one with ovs-pki (controller CA and switch CA); the controller presents
# ctl-cert.pem and wants switch certificates from the switch CA, OfBench the other way round.
PKI="$TMP/pki"
make_pki() {
  command -v ovs-pki >/dev/null || { log "--tls needs ovs-pki (apt-get install openvswitch-common)"; return 1; }
  mkdir -p "$PKI"
  local cmd=(ovs-pki "--dir=$PKI/ca" "--log=$PKI/ovs-pki.log")
  (cd "$PKI" && "${cmd[@]}" init && "${cmd[@]}" req+sign ctl controller && "${cmd[@]}" req+sign sw switch) \
    >"$PKI/make.log" 2>&1 || { cat "$PKI/make.log" >&2; return 1; }
}
if [ "$tls" = 1 ]; then
  make_pki || exit 1
fi
OFBENCH_TLS=(--tls --cert "$PKI/sw-cert.pem" --key "$PKI/sw-privkey.pem" --cacert "$PKI/ca/controllerca/cacert.pem")

# start_controller NAME -> sets CTL_PID, CTL_PORT (0 when it did not come up), CTL_REST
start_controller() {
  local name=$1
  CTL_PORT=$(free_port)
  CTL_REST=$(free_port)
  local dir="$TMP/$name.$CTL_PORT"
  mkdir -p "$dir"
  case "$name" in
    ours)
      export OF_PORT=$CTL_PORT REST_PORT=$CTL_REST BENCH_TMP=$dir
      if [ -n "$ours_cmd" ]; then
        start_bg "$dir/log" bash -c "$ours_cmd"
      else
        start_bg "$dir/log" dotnet run --project src/Controller -c Release --no-build -- \
          --OpenFlow:Port="$CTL_PORT" --Rest:Urls="http://127.0.0.1:$CTL_REST" --Store:Path="$dir/db"
      fi
      ;;
    ourspool)
      start_bg "$dir/log" dotnet run --project src/Controller -c Release --no-build -- \
        --OpenFlow:Port="$CTL_PORT" --Rest:Urls="http://127.0.0.1:$CTL_REST" --Store:Path="$dir/db" \
        --OpenFlow:InlineSocketCompletions=false
      ;;
    ourstls)
      start_bg "$dir/log" dotnet run --project src/Controller -c Release --no-build -- \
        --OpenFlow:Port="$CTL_PORT" --Rest:Urls="http://127.0.0.1:$CTL_REST" --Store:Path="$dir/db" \
        --OpenFlow:Tls:Enabled=true --OpenFlow:Tls:Certificate="$PKI/ctl-cert.pem" \
        --OpenFlow:Tls:PrivateKey="$PKI/ctl-privkey.pem" --OpenFlow:Tls:CaCertificate="$PKI/ca/switchca/cacert.pem"
      ;;
    osken)
      start_bg "$dir/log" /usr/bin/python3 "$(command -v osken-manager)" "$ROOT/bench/peers/simple_switch_13.py" \
        --ofp-listen-host 127.0.0.1 --ofp-tcp-listen-port "$CTL_PORT"
      ;;
    bare)
      if [ ! -x "$TMP/bare_responder" ] && ! gcc -O2 -o "$TMP/bare_responder" "$ROOT/bench/peers/bare_responder.c" 2>"$dir/log"; then
        CTL_PORT=0; return
      fi
      start_bg "$dir/log" "$TMP/bare_responder" 127.0.0.1 "$CTL_PORT"
      ;;
    testcontroller)
      start_bg "$dir/log" ovs-testcontroller --unixctl="$dir/ctl" -O OpenFlow13 "ptcp:$CTL_PORT:127.0.0.1"
      ;;
  esac
  CTL_PID=$BG_PID
  if ! wait_listen "$CTL_PORT" "$CTL_PID" 30; then
    log "$name did not listen on $CTL_PORT (log: $(tail -3 "$dir/log" | tr '\n' ' '))"
    stop_bg "$CTL_PID"
    CTL_PORT=0
  fi
}

machine_info() {
  echo "- CPU: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), nproc $(nproc)"
  echo "- Memory: $(awk '/^MemTotal:/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); kernel $(uname -r); .NET $(dotnet --version)"
  echo "- Load average at start: $LOAD_AT_START (other work on the machine skews results)"
}

# ---------------------------------------------------------------- scale mode (ours only)
if [ "$scale" -gt 0 ]; then
  start_controller ours
  if [ "$CTL_PORT" = 0 ]; then echo "our controller did not start: no scale numbers"; exit 1; fi
  sleep 2
  pid=$(listener_pid "$CTL_PORT"); pid=${pid:-$CTL_PID}
  base=$(rss_kib "$pid")
  log "baseline RSS of pid $pid: $base KiB; connecting $scale switches"
  "${OFBENCH[@]}" --controller "127.0.0.1:$CTL_PORT" --scale "$scale" --hold-seconds "$hold" \
    --connect-timeout-ms 300000 >"$TMP/scale.out" 2>&1 &
  bench_pid=$!
  PIDS+=("$bench_pid")
  for _ in $(seq 3000); do
    grep -q '^SCALE_READY\|^RESULT' "$TMP/scale.out" && break
    alive "$bench_pid" || break
    sleep 0.1
  done
  ready=$(grep '^SCALE_READY' "$TMP/scale.out" || true)
  if [ -z "$ready" ]; then
    wait "$bench_pid" || true; forget "$bench_pid"
    cat "$TMP/scale.out"
    echo "scale run failed before all switches connected"
    exit 1
  fi
  sleep 2
  rss=$(rss_kib "$pid")
  list_times=()
  for _ in 1 2 3; do
    t=$(curl -s -m 60 -o "$TMP/switches.json" -w 'HTTP %{http_code} in %{time_total} s' \
      "http://127.0.0.1:$CTL_REST/api/v1/switches") || true
    list_times+=("$t;")
  done
  wait "$bench_pid" || true; forget "$bench_pid"
  result=$(grep '^RESULT' "$TMP/scale.out" || true)
  title="our controller"; [ -n "$ours_cmd" ] && title="the controller started by --ours-cmd"
  echo "## Scale: $title with $scale switches"
  echo
  machine_info
  echo
  echo "| metric | value |"
  echo "|---|---|"
  echo "| switches connected | $(field switches "$ready") of $scale |"
  echo "| time until every switch sent FEATURES_REPLY | $(field connect_ms "$ready") ms |"
  echo "| time until the controller's last handshake message (PORT_DESC, ROLE, flow reads) | $(field handshake_ms "$ready") ms |"
  echo "| RSS baseline / with switches | $((base / 1024)) MiB / $((rss / 1024)) MiB |"
  echo "| RSS per switch | $(awk -v a="$rss" -v b="$base" -v n="$scale" 'BEGIN {printf "%.1f KiB", (a-b)/n}') |"
  echo "| GET /api/v1/switches, three times | ${list_times[*]} |"
  echo "| response size | $(stat -c %s "$TMP/switches.json" 2>/dev/null || echo 0) bytes |"
  echo "| switches still connected after ${hold}s | $([ -z "$(field error "$result")" ] && echo all || echo "no: $(sed -n 's/.*error=//p' <<<"$result")") |"
  exit 0
fi

# ---------------------------------------------------------------- side-by-side mode
declare -A TP LAT CPU
HZ=$(getconf CLK_TCK)
run_mode() { # run_mode NAME MODE -> sets RUN: the RESULT line or "n/a: reason"; RUN_CPU: controller CPU us/packet
  local name=$1 mode=$2 out pid c0 c1 total
  RUN_CPU="n/a"
  start_controller "$name"
  if [ "$CTL_PORT" = 0 ]; then RUN="n/a: did not listen"; return; fi
  pid=$(listener_pid "$CTL_PORT"); pid=${pid:-$CTL_PID}
  c0=$(cpu_ticks "$pid")
  # In the background and waited for, so that INT/TERM reach the trap at once (timeout leads its own
  # process group, which the cleanup stops).
  local extra=()
  [ "$name" = ourstls ] && extra=("${OFBENCH_TLS[@]}")
  timeout 120 "${OFBENCH[@]}" --controller "127.0.0.1:$CTL_PORT" --switches "$switches" --mode "$mode" "${extra[@]}" \
    --rounds "$rounds" --round-ms "$round_ms" --warmup-rounds "$warmup" --connect-timeout-ms 10000 \
    >"$TMP/$name.$mode.out" 2>&1 &
  local bench=$!
  PIDS+=("$bench")
  wait "$bench" || true
  forget "$bench"
  out=$(cat "$TMP/$name.$mode.out")
  c1=$(cpu_ticks "$pid")
  stop_bg "$CTL_PID"
  grep -v '^RESULT' <<<"$out" | sed "s/^/[$name $mode] /" >&2 || true
  local line
  line=$(grep '^RESULT' <<<"$out" || true)
  if [ -z "$line" ]; then RUN="n/a: OfBench gave no result"; return; fi
  if [ -n "$(field error "$line")" ] || [ "$(field avg "$line")" = 0 ]; then
    RUN="n/a: $(sed -n 's/.*error=//p' <<<"$line")"; return
  fi
  RUN=$line
  total=$(field total "$line")
  if [ -n "$total" ] && [ "$total" -gt 0 ]; then
    RUN_CPU=$(awk -v t=$((c1 - c0)) -v hz="$HZ" -v n="$total" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
  fi
}

names=()
for n in ours ourspool osken testcontroller bare; do
  [[ ",$only," == *,$n,* ]] || continue
  names+=("$n")
  if [ "$n" = ours ] && [ "$tls" = 1 ]; then names+=(ourstls); fi
done
# Every controller's throughput run, then every latency run: ours over TCP and over TLS run back to back
# in each mode, so that other load on the machine hits both alike.
for n in "${names[@]}"; do
  log "$n: throughput"
  run_mode "$n" throughput; TP[$n]=$RUN; CPU[$n]=$RUN_CPU
done
for n in "${names[@]}"; do
  if [[ ${TP[$n]} == n/a* && $n == ours* ]]; then
    LAT[$n]="n/a: skipped (no throughput)"
  else
    log "$n: latency"
    run_mode "$n" latency; LAT[$n]=$RUN
  fi
done

label() {
  case $1 in
    ours) echo "ours (C#/.NET)" ;;
    ourstls) echo "ours over TLS (OpenFlow:Tls, ovs-pki RSA-2048)" ;;
    ourspool) echo "ours, OpenFlow:InlineSocketCompletions=false" ;;
    osken) echo "os-ken simple_switch_13 (Python)" ;;
    testcontroller) echo "ovs-testcontroller (C)" ;;
    bare) echo "bare C responder (ceiling: no learning, PACKET_OUT only)" ;;
  esac
}

echo "## Controller benchmark: $switches switches, OpenFlow 1.3, $rounds x ${round_ms} ms rounds after $warmup warm-up"
echo
machine_info
echo "- Load: OfBench (bench/OfBench), 64-byte frames, 1000 source MACs per switch, destinations already learned;"
echo "  a packet counts once whether answered by FLOW_MOD, PACKET_OUT or both. Controller CPU us/packet: the"
echo "  controller's user+system CPU over the throughput run (handshake and warm-up included) per packet handled,"
echo "  less sensitive than packets/s to other load on the machine."
echo
echo "| controller | throughput packets/s avg | min | max | controller CPU us/packet | latency avg us | latency p50 us | latency p99 us | latency-mode packets/s | ours / this (throughput) | this / ours (latency avg) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
ours_tp=""; ours_lat=""
[[ -n "${TP[ours]:-}" && ${TP[ours]} != n/a* ]] && ours_tp=$(field avg "${TP[ours]}")
[[ -n "${LAT[ours]:-}" && ${LAT[ours]} != n/a* ]] && ours_lat=$(field lat_avg_us "${LAT[ours]}")
notes=()
for n in "${names[@]}"; do
  tp=${TP[$n]} lat=${LAT[$n]}
  if [[ $tp == n/a* ]]; then a="n/a"; mi="n/a"; ma="n/a"; notes+=("$(label "$n") throughput: $tp"); else
    a=$(field avg "$tp"); mi=$(field min "$tp"); ma=$(field max "$tp"); fi
  if [[ $lat == n/a* ]]; then la="n/a"; l50="n/a"; l99="n/a"; lr="n/a"; notes+=("$(label "$n") latency: $lat"); else
    la=$(field lat_avg_us "$lat"); l50=$(field lat_p50_us "$lat"); l99=$(field lat_p99_us "$lat"); lr=$(field avg "$lat"); fi
  r1="n/a"; r2="n/a"
  if [ "$n" = ours ]; then r1="1.00"; r2="1.00"; [ -z "$ours_tp" ] && r1="n/a"; [ -z "$ours_lat" ] && r2="n/a"; else
    [ -n "$ours_tp" ] && [ "$a" != n/a ] && r1=$(awk -v o="$ours_tp" -v p="$a" 'BEGIN {printf "%.2f", o/p}')
    [ -n "$ours_lat" ] && [ "$la" != n/a ] && r2=$(awk -v o="$ours_lat" -v p="$la" 'BEGIN {printf "%.2f", p/o}')
  fi
  [ "$r1" = n/a ] || r1="${r1}x"
  [ "$r2" = n/a ] || r2="${r2}x"
  echo "| $(label "$n") | $a | $mi | $ma | ${CPU[$n]:-n/a} | $la | $l50 | $l99 | $lr | $r1 | $r2 |"
done
echo
echo "- Load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$tls" = 1 ]; then
  ratio() { # ratio A B -> A/B with two decimals, or n/a
    if [ -n "$1" ] && [ -n "$2" ] && [ "$1" != n/a ] && [ "$2" != n/a ]; then
      awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'
    else echo n/a; fi
  }
  pick() { [[ $2 == n/a* ]] && echo n/a || field "$1" "$2"; }
  tp_tcp=$(pick avg "${TP[ours]}") tp_tls=$(pick avg "${TP[ourstls]}")
  tp_ratio=$(ratio "$tp_tls" "$tp_tcp")
  verdict="n/a"
  [ "$tp_ratio" != n/a ] && verdict=$(awk -v r="$tp_ratio" 'BEGIN { print (r >= 0.70 ? "meets" : "misses") }')
  echo
  echo "### OpenFlow over TLS against TCP, same run"
  echo
  echo "| metric | TCP | TLS | TLS / TCP |"
  echo "|---|---:|---:|---:|"
  echo "| throughput packets/s avg | $tp_tcp | $tp_tls | $tp_ratio ($verdict the 0.70 target) |"
  echo "| controller CPU us/packet | ${CPU[ours]:-n/a} | ${CPU[ourstls]:-n/a} | $(ratio "${CPU[ourstls]:-n/a}" "${CPU[ours]:-n/a}") |"
  for k in lat_avg_us lat_p50_us lat_p99_us; do
    a=$(pick "$k" "${LAT[ours]}") b=$(pick "$k" "${LAT[ourstls]}")
    echo "| latency ${k#lat_} | $a | $b | $(ratio "$b" "$a") |" | sed 's/_us |/ us |/'
  done
  a=$(pick connect_ms "${TP[ours]}") b=$(pick connect_ms "${TP[ourstls]}")
  echo "| $switches switches connected (FEATURES_REPLY), ms | $a | $b | $(ratio "$b" "$a") |"
fi
if [ "$flood" = 1 ]; then
  victims=$((switches - 1))
  # victims NAME TAG DPID_BASE -> VICTIM: the RESULT line of N-1 switches in latency mode, or "n/a: ..."
  victims() {
    timeout 120 "${OFBENCH[@]}" --controller "127.0.0.1:$CTL_PORT" --switches "$victims" --dpid-base "$3" --mode latency \
      --rounds "$rounds" --round-ms "$round_ms" --warmup-rounds "$warmup" --connect-timeout-ms 10000 \
      >"$TMP/$1.$2.out" 2>&1 &
    local b=$!
    PIDS+=("$b"); wait "$b" || true; forget "$b"
    grep -v '^RESULT' "$TMP/$1.$2.out" | sed "s/^/[$1 $2] /" >&2 || true
    VICTIM=$(grep '^RESULT' "$TMP/$1.$2.out" || echo "n/a: no result")
    if [[ $VICTIM != n/a* ]]; then
      if [ -n "$(field error "$VICTIM")" ]; then VICTIM="n/a: $(sed -n 's/.*error=//p' <<<"$VICTIM")"
      elif [ "$(field avg "$VICTIM")" = 0 ]; then VICTIM="n/a: nothing answered"; fi
    fi
    return 0
  }
  declare -A ALONE WITH FLOODER
  for n in "${names[@]}"; do
    [[ $n == ourstls ]] && continue
    log "$n: $victims switches in latency mode alone, then while one switch floods"
    start_controller "$n"
    if [ "$CTL_PORT" = 0 ]; then ALONE[$n]="n/a: did not listen"; WITH[$n]=${ALONE[$n]}; FLOODER[$n]=n/a; continue; fi
    victims "$n" alone 1; ALONE[$n]=$VICTIM
    # The flooder runs until the victims are done, then is stopped by PID; its rate is read from the rounds it
    # printed while they ran (1 s rounds, from 2 s before they connect to when they finish).
    start_bg "$TMP/$n.flooder.out" "${OFBENCH[@]}" --controller "127.0.0.1:$CTL_PORT" --switches 1 --dpid-base 1000 \
      --mode throughput --rounds 100000 --round-ms 1000 --warmup-rounds 0 --connect-timeout-ms 10000
    fl=$BG_PID
    sleep 2
    victims "$n" flooded 100; WITH[$n]=$VICTIM
    stop_bg "$fl"
    FLOODER[$n]=$(awk '/round +[0-9]+:/ { for (i = 1; i <= NF; i++) if ($i == "responses/s") { s += $(i - 1); k++ } }
      END { if (k) printf "RESULT avg=%d rounds=%d\n", s / k, k; else print "n/a: no round" }' "$TMP/$n.flooder.out")
    stop_bg "$CTL_PID"
  done
  echo
  echo "### The others' latency while one switch floods ($victims switches in latency mode; one more in throughput mode)"
  echo
  echo "| controller | alone: latency avg / p50 / p99 us | packets/s | with the flooder: latency avg / p50 / p99 us | packets/s | flooded / alone (latency avg) | flooder's packets/s |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  lat3() { [[ $1 == n/a* ]] && echo "$1" || echo "$(field lat_avg_us "$1") / $(field lat_p50_us "$1") / $(field lat_p99_us "$1")"; }
  pps() { [[ $1 == n/a* ]] && echo n/a || field avg "$1"; }
  for n in "${names[@]}"; do
    [[ $n == ourstls ]] && continue
    a=${ALONE[$n]} w=${WITH[$n]} r=n/a
    if [[ $a != n/a* && $w != n/a* ]]; then
      r=$(awk -v x="$(field lat_avg_us "$w")" -v y="$(field lat_avg_us "$a")" 'BEGIN { if (y + 0 == 0) print "n/a"; else printf "%.2fx", x / y }')
    fi
    echo "| $(label "$n") | $(lat3 "$a") | $(pps "$a") | $(lat3 "$w") | $(pps "$w") | $r | $(pps "${FLOODER[$n]}") |"
  done
fi
if [ ${#notes[@]} -gt 0 ]; then
  echo
  for x in "${notes[@]}"; do echo "- $x"; done
fi
