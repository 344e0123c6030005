#!/usr/bin/env bash
# Builds the three images docker-compose.yml runs, without any container registry:
#   ofc-base:bookworm   Debian 12 minbase made here with debootstrap from the mirror apt uses, then
#                       `docker import`ed; built once and kept (its label records what it was made from).
#   ofc-ovs:latest      the base + Debian's openvswitch-switch (deploy/ovs/); rebuilt only when the base or
#                       deploy/ovs/ changes.
#   ofcontroller:latest the base + `dotnet publish -r linux-x64 --self-contained` of src/Controller
#                       (deploy/Dockerfile); published every time, Docker's layer cache keeps the image when
#                       nothing changed.
# Needs root, a running Docker engine (scripts/docker-engine.sh), debootstrap and the .NET SDK.
# OFC_DEBIAN_MIRROR overrides the mirror; --rebuild makes the base and OVS images again; --base-only builds
# (or finds cached) only ofc-base:bookworm, for tests that need a plain container.
set -euo pipefail
cd "$(dirname "$0")/.."

rebuild=false
base_only=false
for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=true ;;
    --base-only) base_only=true ;;
    *) echo "usage: $0 [--rebuild] [--base-only]" >&2; exit 2 ;;
  esac
done

base_image=ofc-base:bookworm
ovs_image=ofc-ovs:latest
controller_image=ofcontroller:latest
key_label=org.ofcontroller.key
suite=bookworm
base_packages=libssl3,ca-certificates

say() { printf '%s [build-images] %s\n' "$(date +%T)" "$*" >&2; }

# The first mirror apt's own sources name for the suite (deb822 .sources or one-line .list files).
debian_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v suite="$suite" '
      function flush() { if (!done && uris != "" && (" " suites " ") ~ (" " suite " ")) { split(uris, u, " "); print u[1]; done = 1 } uris = suites = "" }
      /^[[:space:]]*$/ { flush(); next }
      /^URIs:/ { sub(/^URIs:[[:space:]]*/, ""); uris = $0 }
      /^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites = $0 }
      END { flush() }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v suite="$suite" '$1 == "deb" { for (i = 2; i < NF; i++) if ($i ~ /^https?:/ && $(i + 1) == suite) { print $i; exit } }' "$f"
  done
}

label_of() { docker image inspect -f "{{index .Config.Labels \"$key_label\"}}" "$1" 2>/dev/null || true; }

# Removes an image that a rebuild left without a tag (ignored while a container still uses it).
drop_if_untagged() {
  local id=$1
  [ -n "$id" ] || return 0
  [ "$(docker image inspect -f '{{len .RepoTags}}' "$id" 2>/dev/null || echo 1)" = 0 ] && docker image rm "$id" >/dev/null 2>&1 || true
}

build_base() {
  local mirror=${OFC_DEBIAN_MIRROR:-$(debian_mirror | head -n 1)}
  [ -n "$mirror" ] || { echo "no Debian $suite mirror in /etc/apt/sources*; set OFC_DEBIAN_MIRROR" >&2; exit 1; }
  command -v debootstrap >/dev/null || { echo "debootstrap not found (apt-get install debootstrap)" >&2; exit 1; }
  local key="debootstrap --variant=minbase --include=$base_packages $suite $mirror"
  if ! $rebuild && [ "$(label_of "$base_image")" = "$key" ]; then
    say "$base_image is cached ($key)"
    return
  fi
  local old root
  old=$(docker image inspect -f '{{.Id}}' "$base_image" 2>/dev/null || true)
  root=$(mktemp -d /tmp/ofc-base.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  say "$key"
  debootstrap --variant=minbase --include="$base_packages" "$suite" "$root" "$mirror" >"$root.log" 2>&1 \
    || { tail -n 20 "$root.log" >&2; rm -f "$root.log"; exit 1; }
  rm -f "$root.log"
  # As Debian's own images: services never start during a package install, no apt caches in the image.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/tmp/*
  tar -C "$root" --numeric-owner -c . \
    | docker import -c "LABEL $key_label=\"$key\"" -c 'CMD ["/bin/bash"]' - "$base_image" >/dev/null
  rm -rf "$root"
  trap - EXIT
  drop_if_untagged "$old"
  say "$base_image imported"
}

build_ovs() {
  local key old
  key="$(label_of "$base_image") / $(cat deploy/ovs/Dockerfile deploy/ovs/entrypoint.sh | sha256sum | cut -c1-16)"
  if ! $rebuild && [ "$(label_of "$ovs_image")" = "$key" ]; then
    say "$ovs_image is cached"
    return
  fi
  old=$(docker image inspect -f '{{.Id}}' "$ovs_image" 2>/dev/null || true)
  say "building $ovs_image (openvswitch-switch from Debian)"
  docker build -q --build-arg BASE="$base_image" --label "$key_label=$key" -t "$ovs_image" deploy/ovs >/dev/null
  drop_if_untagged "$old"
}

build_controller() {
  local out=artifacts/docker/controller old
  say "dotnet publish src/Controller -r linux-x64 --self-contained"
  rm -rf "$out"
  # Its own artifacts path: a RID-specific restore must not touch the obj/ of the normal build.
  dotnet publish src/Controller/Controller.csproj -c Release -r linux-x64 --self-contained \
    --artifacts-path artifacts/docker/build -o "$out" -nologo -v q -clp:ErrorsOnly >&2
  old=$(docker image inspect -f '{{.Id}}' "$controller_image" 2>/dev/null || true)
  docker build -q --build-arg BASE="$base_image" -f deploy/Dockerfile -t "$controller_image" "$out" >/dev/null
  [ "$(docker image inspect -f '{{.Id}}' "$controller_image")" = "$old" ] || drop_if_untagged "$old"
  say "$controller_image built"
}

# One build at a time on this engine (two test runs would otherwise race on the same tags).
exec 8>/run/ofc-build-images.lock
flock 8
build_base
$base_only && exit 0
build_ovs
build_controller
