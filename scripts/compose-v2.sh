#!/usr/bin/env bash
# Makes `docker compose` (Compose v2) available next to Debian 12's docker-compose 1.29, so that the tests run the
# repository's docker-compose.yml under both. Bookworm does not package Compose v2; Debian 13 (trixie) does, as a
# Docker CLI plugin built for libc6 >= 2.34, which bookworm's glibc 2.36 satisfies. The script downloads that one
# .deb from the Debian archive, checks its SHA-256 against the value pinned here (from trixie's Packages index), and
# unpacks only the plugin into /usr/local/lib/docker/cli-plugins (a directory the docker CLI searches); no dpkg state
# changes and docker-compose 1.29 stays installed. Does nothing when `docker compose version` already works.
# Needs root. OFC_DEBIAN_MIRROR overrides the mirror.
set -euo pipefail

version=2.26.1-4
sha256=47681197cb2b1ab88206b42a1a92fc75f50d9530a6322d03494a473eed0408ea
mirror=${OFC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
plugins=/usr/local/lib/docker/cli-plugins

if docker compose version >/dev/null 2>&1; then
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
deb="$work/docker-compose_${version}_amd64.deb"
curl -fsSL --retry 3 --max-time 300 -o "$deb" "$mirror/pool/main/d/docker-compose/docker-compose_${version}_amd64.deb"
echo "$sha256  $deb" | sha256sum -c --quiet -
dpkg-deb -x "$deb" "$work/root"
install -D -m 0755 "$work/root/usr/libexec/docker/cli-plugins/docker-compose" "$plugins/docker-compose"
docker compose version
