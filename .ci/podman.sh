# shellcheck shell=bash
# Sets up a real container engine for the job-runner tests: Podman's Docker-compatible API on a unix
# socket, a tiny busybox test image, and a local registry holding it (so pulls by digest can be tested).
#
#   source .ci/podman.sh          # locally (as root) or from .ci/run
#
# Idempotent: sourcing it again reuses the running service and registry. Exports:
#   CONTAINERS_CONF, CONTAINERS_REGISTRIES_CONF, DOCKER_HOST, OFFHOURS_TEST_IMAGE (localhost/offhours-test:busybox),
#   OFFHOURS_TEST_REGISTRY (127.0.0.1:5000), OFFHOURS_TEST_IMAGE_REF (127.0.0.1:5000/offhours-test@sha256:...)
# Stop everything with: offhours_podman_down
# crun does not work on these machines, hence runtime = "runc".

_offhours_podman_setup() {
  local dir="${OFFHOURS_PODMAN_DIR:-${TMPDIR:-/tmp}/offhours-podman}"
  mkdir -p "$dir" "$dir/registry-data" || return 1

  # 1. containers.conf
  cat >"$dir/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
runtime = "runc"
EOF
  export CONTAINERS_CONF="$dir/containers.conf"
  # the local test registry speaks plain HTTP
  cat >"$dir/registries.conf" <<'EOF'
unqualified-search-registries = []

[[registry]]
location = "127.0.0.1:5000"
insecure = true
EOF
  export CONTAINERS_REGISTRIES_CONF="$dir/registries.conf"

  # 2. podman system service on a unix socket
  local sock="$dir/podman.sock"
  export DOCKER_HOST="unix://$sock"
  if ! curl -fsS --max-time 2 --unix-socket "$sock" http://d/_ping >/dev/null 2>&1; then
    if [ -f "$dir/podman.pid" ] && kill -0 "$(cat "$dir/podman.pid")" 2>/dev/null; then
      kill "$(cat "$dir/podman.pid")" 2>/dev/null || true
      sleep 0.5
    fi
    rm -f "$sock"
    nohup podman system service --time=0 "unix://$sock" >"$dir/podman.log" 2>&1 </dev/null &
    echo $! >"$dir/podman.pid"
    local i
    for i in $(seq 1 100); do
      curl -fsS --max-time 2 --unix-socket "$sock" http://d/_ping >/dev/null 2>&1 && break
      sleep 0.2
    done
    if ! curl -fsS --max-time 2 --unix-socket "$sock" http://d/_ping >/dev/null 2>&1; then
      echo "podman.sh: podman system service did not come up; see $dir/podman.log" >&2
      return 1
    fi
  fi

  # 3. the test image, imported from a busybox-static rootfs
  export OFFHOURS_TEST_IMAGE="localhost/offhours-test:busybox"
  if ! podman image exists "$OFFHOURS_TEST_IMAGE"; then
    local rootfs="$dir/rootfs"
    rm -rf "$rootfs"
    mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/scratch"
    cp /bin/busybox "$rootfs/bin/busybox"
    local applet
    for applet in sh echo cat sleep yes head seq true false id ls env dd sha256sum printf wc date kill; do
      ln -sf busybox "$rootfs/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' >"$rootfs/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
    chmod 1777 "$rootfs/tmp" "$rootfs/scratch"
    tar -C "$rootfs" -cf "$dir/rootfs.tar" . || return 1
    podman import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin' "$dir/rootfs.tar" "$OFFHOURS_TEST_IMAGE" >/dev/null || return 1
  fi

  # 4. a local registry (Debian's docker-registry) holding the test image
  export OFFHOURS_TEST_REGISTRY="127.0.0.1:5000"
  if ! curl -fsS --max-time 2 "http://$OFFHOURS_TEST_REGISTRY/v2/" >/dev/null 2>&1; then
    cat >"$dir/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/registry-data
  delete:
    enabled: true
http:
  addr: $OFFHOURS_TEST_REGISTRY
EOF
    nohup docker-registry serve "$dir/registry.yml" >"$dir/registry.log" 2>&1 </dev/null &
    echo $! >"$dir/registry.pid"
    local j
    for j in $(seq 1 50); do
      curl -fsS --max-time 2 "http://$OFFHOURS_TEST_REGISTRY/v2/" >/dev/null 2>&1 && break
      sleep 0.2
    done
    if ! curl -fsS --max-time 2 "http://$OFFHOURS_TEST_REGISTRY/v2/" >/dev/null 2>&1; then
      echo "podman.sh: docker-registry did not come up; see $dir/registry.log" >&2
      return 1
    fi
  fi
  # The registry copy carries an extra 4 MiB of random bytes so its layer differs from the local test
  # image: pulling it really downloads, and the pull shows byte progress. It is not kept in local storage.
  local remote="$OFFHOURS_TEST_REGISTRY/offhours-test:pull"
  if [ ! -s "$dir/digest" ] || ! curl -fsS --max-time 2 -o /dev/null \
      -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
      "http://$OFFHOURS_TEST_REGISTRY/v2/offhours-test/manifests/$(cat "$dir/digest")"; then
    local pullfs="$dir/pullfs"
    rm -rf "$pullfs"
    cp -a "$dir/rootfs" "$pullfs" 2>/dev/null || { mkdir -p "$pullfs/bin"; cp /bin/busybox "$pullfs/bin/busybox"; ln -sf busybox "$pullfs/bin/sh"; }
    mkdir -p "$pullfs/data"
    head -c 4194304 /dev/urandom >"$pullfs/data/blob"
    tar -C "$pullfs" -cf "$dir/pullfs.tar" . || return 1
    podman import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin' "$dir/pullfs.tar" "localhost/offhours-test:pull" >/dev/null || return 1
    podman push --quiet --tls-verify=false --format v2s2 --digestfile "$dir/digest" \
      "localhost/offhours-test:pull" "docker://$remote" >/dev/null 2>&1 || return 1
    podman rmi -f "localhost/offhours-test:pull" >/dev/null 2>&1 || true
  fi
  export OFFHOURS_TEST_IMAGE_REF="$OFFHOURS_TEST_REGISTRY/offhours-test@$(cat "$dir/digest")"
  export OFFHOURS_PODMAN_DIR="$dir"
  echo "podman.sh: DOCKER_HOST=$DOCKER_HOST test image $OFFHOURS_TEST_IMAGE_REF" >&2
}

offhours_podman_down() {
  local dir="${OFFHOURS_PODMAN_DIR:-${TMPDIR:-/tmp}/offhours-podman}" f
  for f in podman registry; do
    if [ -f "$dir/$f.pid" ]; then
      kill "$(cat "$dir/$f.pid")" 2>/dev/null || true
      rm -f "$dir/$f.pid"
    fi
  done
}

_offhours_podman_setup || echo "podman.sh: setup failed" >&2
