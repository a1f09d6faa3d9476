#!/usr/bin/env bash
# Build the container image, or remove what a build made.
#   scripts/build-image.sh [IMAGE]          build IMAGE (default aicontent-emulator:dev). The last
#                                           line of stdout is the command to run containers with:
#                                           `docker`, or `CONTAINERS_CONF=<path> podman`.
#   scripts/build-image.sh --clean [IMAGE]  remove IMAGE, the build's untagged leftovers, the base
#                                           image (podman) and build/container/.
# PYTHON (default python3) is the interpreter that builds the wheels on the podman path.
#
# With a working Docker engine: a plain `docker build .` (base python:3.12-slim pulled, the package
# installed from source; .dockerignore keeps the context to the package's files).
#
# Without one (this project's machines: a docker client, no engine, no reachable image registry):
# rootful podman from Debian's packages. Changes outside the checkout, each announced on stderr:
#   - apt-get installs podman runc netavark iptables debootstrap if podman or debootstrap is
#     missing (never removed; undo with apt-get purge);
#   - images in podman's storage, /var/lib/containers/storage: the base
#     localhost/debian-python:bookworm (debootstrap minbase + python3 3.11 from apt's mirror,
#     about 60-70 s, 176 MB) and IMAGE (about 260 MB). --clean removes both, so the next build
#     makes the base again; podman itself keeps an empty skeleton there and state under /run.
# No file under /etc is changed: podman's settings are written to build/container/containers.conf
# (git-ignored) and used through CONTAINERS_CONF, which replaces podman's system files: runc (crun
# refuses this kernel's hybrid cgroups), cgroupfs, netavark with its state in build/container/,
# and an open-files limit no higher than the hard limit (the default is above it here).
# The wheels of the package and its dependencies are built on the host (pip inside a build may
# not trust the route to the index), so the host's python3 must be 3.11 like the base's. The build
# context is a temporary directory holding only the Dockerfile and the wheels; the build runs
# without network and with --layers=false, so it leaves no intermediate images.
set -euo pipefail
cd "$(dirname "$0")/.."

CLEAN=false
if [[ ${1:-} == --clean ]]; then CLEAN=true; shift; fi
IMAGE=${1:-aicontent-emulator:dev}
BASE=localhost/debian-python:bookworm
LABEL=aicontent-emulator.stage          # set by the Dockerfile on both stages' images
WORK=$PWD/build/container               # git-ignored: containers.conf, pip's cache, temporaries
STORE=/var/lib/containers/storage
say() { echo "build-image.sh: $*" >&2; }

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    if $CLEAN; then
        if docker image inspect "$IMAGE" >/dev/null 2>&1; then docker rmi "$IMAGE" >&2; fi
        docker image prune -f --filter "label=$LABEL" >&2
    else
        docker build -t "$IMAGE" . >&2
        echo docker
    fi
    exit 0
fi

if ! $CLEAN && ! { command -v podman && command -v debootstrap; } >/dev/null 2>&1; then
    say "installing Debian packages with apt-get: podman runc netavark iptables debootstrap"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends podman runc netavark iptables debootstrap >&2
fi

mkdir -p "$WORK"
export CONTAINERS_CONF=$WORK/containers.conf
cat > "$CONTAINERS_CONF" <<CONF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=32768:32768"]
default_sysctls = ["net.ipv4.ping_group_range=0 0"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
[network]
network_backend = "netavark"
network_config_dir = "$WORK/networks"
CONF

if $CLEAN; then
    if command -v podman >/dev/null 2>&1; then
        say "removing $IMAGE, untagged images labelled $LABEL and $BASE from $STORE"
        if podman image exists "$IMAGE"; then podman rmi "$IMAGE" >/dev/null; fi
        podman image prune -f --filter "label=$LABEL" >/dev/null
        if podman image exists "$BASE" && ! podman rmi "$BASE" >/dev/null 2>&1; then
            say "kept $BASE: other images are built on it"
        fi
    fi
    rm -rf "$WORK"
    rmdir build 2>/dev/null || true     # only if nothing else is in it
    exit 0
fi

tmp=$(mktemp -d "$WORK/tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if ! podman image exists "$BASE"; then
    mirror=$(grep -hoE '^URIs: *\S+' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1 | awk '{print $2}' || true)
    mirror=${mirror:-$(grep -hoE '^deb +\S+debian\S*' /etc/apt/sources.list 2>/dev/null | head -n1 | awk '{print $2}' || true)}
    say "making base image $BASE in $STORE (debootstrap bookworm from ${mirror:-the default mirror})"
    debootstrap --variant=minbase --include=python3,python3-venv bookworm "$tmp/rootfs" ${mirror:+"$mirror"} >&2
    rm -rf "$tmp/rootfs/var/cache/apt/archives/"*.deb "$tmp/rootfs/var/lib/apt/lists/"*   # ~95 MB
    tar -C "$tmp/rootfs" -c . | podman import - "$BASE" >/dev/null
    rm -rf "$tmp/rootfs"
fi

# Wheels from a copy of the package's files (those .dockerignore lets in), so that pip leaves
# nothing in the checkout (setuptools' build/lib, *.egg-info) and no stale file gets into a wheel.
mkdir -p "$tmp/src" "$tmp/context/wheelhouse"
tar -c --exclude=__pycache__ --exclude='*.pyc' pyproject.toml README.md emulator fixtures | tar -x -C "$tmp/src"
PIP_CACHE_DIR=$WORK/pip-cache PIP_DISABLE_PIP_VERSION_CHECK=1 \
    "${PYTHON:-python3}" -m pip wheel --quiet "$tmp/src" -w "$tmp/context/wheelhouse" >&2
cp Dockerfile "$tmp/context/"
say "building $IMAGE in $STORE (context: $(du -sh "$tmp/context" | cut -f1))"
podman build --format docker --layers=false --pull=never --network=none \
    --build-arg BASE_IMAGE="$BASE" -t "$IMAGE" "$tmp/context" >&2
printf 'CONTAINERS_CONF=%q podman\n' "$CONTAINERS_CONF"
