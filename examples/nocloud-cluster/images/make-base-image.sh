#!/bin/sh
# Writes a small sparse raw disk for trying the build: the overlays need a base image.
set -eu
cd "$(dirname "$0")"
[ -e debian-base.raw ] && { echo "debian-base.raw exists"; exit 0; }
truncate -s 64M debian-base.raw
echo "wrote images/debian-base.raw (64 MiB, blank)"
