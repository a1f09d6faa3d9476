#!/usr/bin/env bash
# Build the container image. With a working Docker engine: a plain `docker build`. Without one
# (these development and CI machines): rootful podman from Debian's packages, a locally made
# Debian base image and wheels built on the host, as ../shared/notes/containers.md explains.
# Usage: scripts/build-image.sh [IMAGE]   (default aicontent-emulator:dev). Prints the engine used.
set -euo pipefail
IMAGE=${1:-aicontent-emulator:dev}
cd "$(dirname "$0")/.."

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    docker build -t "$IMAGE" . >&2
    echo docker
    exit 0
fi

if ! command -v podman >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends podman runc netavark iptables debootstrap >&2
fi

# crun refuses hybrid cgroups here, and the default open-files limit exceeds the hard limit.
conf=/etc/containers/containers.conf
if ! grep -q 'runtime = "runc"' "$conf" 2>/dev/null; then
    mkdir -p /etc/containers
    cat > "$conf" <<CONF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
[network]
network_backend = "netavark"
CONF
fi

BASE=localhost/debian-python:bookworm
if ! podman image exists "$BASE"; then
    mirror=$(grep -hoE '^URIs: *\S+' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1 | awk '{print $2}')
    mirror=${mirror:-$(grep -hoE '^deb +\S+debian\S*' /etc/apt/sources.list 2>/dev/null | head -n1 | awk '{print $2}')}
    rootfs=$(mktemp -d)
    debootstrap --variant=minbase --include=python3,python3-venv bookworm "$rootfs" "$mirror" >&2
    tar -C "$rootfs" -c . | podman import - "$BASE" >&2
    rm -rf "$rootfs"
fi

rm -rf wheelhouse
python3 -m pip wheel --quiet . -w wheelhouse >&2
podman build --format docker --build-arg BASE_IMAGE="$BASE" -t "$IMAGE" . >&2
rm -rf wheelhouse
echo podman
