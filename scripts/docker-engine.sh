#!/usr/bin/env bash
# Makes sure a Docker engine answers on the default socket. When `docker info` already works it prints
# nothing and leaves that engine alone; otherwise it starts dockerd in the background (its own session,
# log in ${DOCKERD_LOG:-/var/log/ofc-dockerd.log}), waits until it answers and prints the PID it started,
# so that the caller, and only the caller, can stop it later with `kill <pid>`. Safe to run concurrently:
# a lock keeps two callers from starting two daemons. Needs root.
set -euo pipefail

docker info >/dev/null 2>&1 && exit 0

command -v dockerd >/dev/null || { echo "dockerd not found (apt-get install docker.io)" >&2; exit 1; }
exec 9>/run/ofc-docker-engine.lock
flock 9
docker info >/dev/null 2>&1 && exit 0   # another caller started it while we waited for the lock

log=${DOCKERD_LOG:-/var/log/ofc-dockerd.log}
setsid dockerd >"$log" 2>&1 </dev/null 9>&- &
pid=$!
deadline=$((SECONDS + 60))
until docker info >/dev/null 2>&1; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "dockerd exited; last lines of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "dockerd (pid $pid) did not answer within 60 s; see $log" >&2
    exit 1
  fi
  sleep 0.5
done
echo "$pid"
