#!/usr/bin/env bash
# Container smoke test: builds the repository's Dockerfile WITHOUT Docker and without any registry
# (buildah + podman + runc from apt, base image made with debootstrap from the apt mirror), then
# inside the built image checks: --version, pg_dump --version, mariadb-dump --version, the user is
# not root, a real backup of the bundled SQLite example into a mounted host folder (read-only root
# filesystem, noexec tmpfs /tmp, no capabilities, as in deploy/kubernetes/cronjob.yaml), its sidecar with
# sha256sum -c on the host and the files' owner (uid 10001), and SIGTERM during a backup → exit 143
# with nothing half-written; before that, check --all and a restore drill of the backup into a scratch
# file (drill --json) in the same hardened container.
#
# Usage (root, Debian 12): tests/container/smoke.sh
# Env: W (state folder, default /var/tmp/dbbackup-container: storage, base image, test output; kept
#      between runs so a second run reuses the base image and the Maven layer), IMAGE, SMOKE_CLEAN=1
#      (remove W at the end).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
PROJECT=$(pwd)
W=${W:-/var/tmp/dbbackup-container}
IMAGE=${IMAGE:-localhost/dbbackup:ci}
BASE=localhost/debian:bookworm-slim
UID_EXPECTED=10001
START=$(date +%s)

t() { local s; s=$(date +%s); "$@"; echo "[time] $(($(date +%s) - s))s  $*" >&2; }
fail() { echo "SMOKE FAILED: $*" >&2; exit 1; }
step() { echo "== $*" >&2; }

[ "$(id -u)" = 0 ] || fail "run as root (buildah/podman with runc, debootstrap)"

# --- 1. tools --------------------------------------------------------------------------------------
missing=()
for c in buildah podman runc debootstrap zstd sqlite3 sha256sum; do command -v "$c" > /dev/null || missing+=("$c"); done
if [ ${#missing[@]} -gt 0 ]; then
  step "installing container tools (missing: ${missing[*]})"
  export DEBIAN_FRONTEND=noninteractive
  t apt-get update -qq
  t apt-get install -y -qq --no-install-recommends debootstrap buildah podman runc fuse-overlayfs \
      containernetworking-plugins iptables uidmap zstd sqlite3 coreutils > /dev/null
fi

# --- container config, all state under $W ----------------------------------------------------------
mkdir -p "$W"/{storage,run,tmp,libpod-tmp,networks}
cat > "$W/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$W/storage"
runroot = "$W/run"
EOF
cat > "$W/containers.conf" <<EOF
[containers]
# no CAP_SYS_RESOURCE here: podman's default rlimits (nofile=1048576) cannot be set
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
# crun 1.8 fails on hybrid cgroup v1/v2 hosts; runc works
runtime = "runc"
tmp_dir = "$W/libpod-tmp"
image_copy_tmp_dir = "$W/tmp"
[network]
network_config_dir = "$W/networks"
EOF
export CONTAINERS_STORAGE_CONF="$W/storage.conf" CONTAINERS_CONF="$W/containers.conf" TMPDIR="$W/tmp"

# --- 2. local base image from the apt mirror (no registry) -----------------------------------------
if ! podman image exists "$BASE"; then
  step "making $BASE with debootstrap"
  MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2> /dev/null || true)
  [ -n "$MIRROR" ] || MIRROR=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
  rm -rf "$W/rootfs"
  t debootstrap --variant=minbase bookworm "$W/rootfs" "$MIRROR" > "$W/debootstrap.log"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then  # same apt sources as the host (updates, security)
    rm -f "$W/rootfs/etc/apt/sources.list"
    cp /etc/apt/sources.list.d/debian.sources "$W/rootfs/etc/apt/sources.list.d/"
  fi
  # a TLS-intercepting egress proxy: the host's extra CAs, so that ca-certificates(-java) installed in
  # RUN steps trust them (Maven over https)
  mkdir -p "$W/rootfs/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$W/rootfs/usr/local/share/ca-certificates/" 2> /dev/null || true
  rm -rf "$W"/rootfs/var/cache/apt/archives/*.deb "$W"/rootfs/var/lib/apt/lists/*
  tar -C "$W/rootfs" -c . | t podman import -q --change 'CMD ["bash"]' - "$BASE" > /dev/null
  rm -rf "$W/rootfs"
fi

# --- 3. build the repository's Dockerfile ---------------------------------------------------------
step "building $IMAGE from $PROJECT/Dockerfile"
buildah rm -a > /dev/null 2>&1 || true  # working containers a failed earlier build left (private storage)
commit=$(bin/build-commit)  # the build identity the image's --version must name
s=$(date +%s)
buildah bud --pull=never --layers --force-rm --network host --build-arg BASE_IMAGE="$BASE" --build-arg BUILD_COMMIT="$commit" -t "$IMAGE" -f Dockerfile . \
  > "$W/build.log" 2>&1 || { tail -40 "$W/build.log" >&2; fail "image build (log: $W/build.log)"; }
echo "[time] $(($(date +%s) - s))s  buildah bud (log: $W/build.log)" >&2
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
echo "IMAGE SIZE: $IMAGE $((size / 1024 / 1024)) MiB ($size bytes)"

run() { podman run --rm --pull=never --network none "$@"; }

# --- 4. checks inside the image --------------------------------------------------------------------
step "dbbackup --version"
v=$(t run "$IMAGE" --version) || fail "dbbackup --version"
echo "  $v"
[[ $v == "dbbackup "*" (commit $commit, built "* ]] || fail "--version printed '$v' (expected the commit $commit)"

step "the image's default command (CMD --help): the usage, exit 0"
h=$(run "$IMAGE") || fail "the image's default command exited $? (dbbackup without a command is a usage error, exit 1: CMD must be --help)"
[[ $h == "Usage: dbbackup "* ]] || fail "the image's default command printed '${h%%$'\n'*}'"
echo "  ${h%%$'\n'*}"

step "pg_dump --version"
v=$(run --entrypoint pg_dump "$IMAGE" --version) || fail "pg_dump --version"
echo "  $v"
[[ $v == "pg_dump (PostgreSQL) "* ]] || fail "pg_dump --version printed '$v'"

step "mariadb-dump --version"
v=$(run --entrypoint mariadb-dump "$IMAGE" --version) || fail "mariadb-dump --version"
echo "  $v"
[[ $v == *"mariadb-dump"*"MariaDB"* ]] || fail "mariadb-dump --version printed '$v'"

step "runs as a non-root user"
u=$(run --entrypoint id "$IMAGE" -u)
echo "  uid $u"
[ "$u" != 0 ] || fail "the image runs as root"
[ "$u" = "$UID_EXPECTED" ] || fail "the image runs as uid $u, expected $UID_EXPECTED"

OUT="$W/out"
rm -rf "$OUT"
mkdir -p "$OUT/backups" "$OUT/config"
chown "$UID_EXPECTED:$UID_EXPECTED" "$OUT/backups"
# as the CronJob runs it: read-only root filesystem, writable /tmp, no capabilities, no new privileges; /tmp noexec as
# Docker's --tmpfs /tmp and compose's tmpfs give it (the native libraries load from the image's dbbackup.native, not /tmp)
# shellcheck disable=SC2054 # the commas are mount options of --tmpfs's one value, not array separators
hardened=(--read-only --tmpfs /tmp:rw,noexec,nosuid,nodev,size=256m --cap-drop ALL --security-opt no-new-privileges)

step "check --all of the bundled example, as the CronJob's pod would run it"
out=$(run "${hardened[@]}" -v "$OUT/backups:/backups" "$IMAGE" -c /opt/dbbackup/examples/config.yaml check --all) \
  || fail "check --all of the bundled example: $out"
# shellcheck disable=SC2001 # indents every line: ${out//…} cannot anchor at the start of each line
echo "$out" | sed 's/^/  /'
grep -q "passed every check (exit 0)" <<< "$out" || fail "check --all did not pass: $out"
[ -z "$(find "$OUT/backups" -type f)" ] || fail "check left files in the store: $(find "$OUT/backups" -type f)"

step "backup of the bundled SQLite example into a mounted folder"
t run "${hardened[@]}" -v "$OUT/backups:/backups" "$IMAGE" -c /opt/dbbackup/examples/config.yaml backup --all \
  || fail "backup --all of the bundled example"
shop="$OUT/backups/example/shop"
ls -ln "$shop"
sums=("$shop"/*.sha256)
[[ ${#sums[@]} = 1 && -f ${sums[0]} ]] || fail "expected one .sha256 sidecar in $shop"
(cd "$shop" && sha256sum -c ./*.sha256) || fail "sha256sum -c on the host"
artifact=$(ls "$shop"/shop-*.sqlite.zst)
zstd -q -dc "$artifact" > "$OUT/shop.db"
[ "$(sqlite3 "$OUT/shop.db" 'PRAGMA integrity_check')" = ok ] || fail "the backed-up SQLite file is not intact"
bad=$(find "$OUT/backups" -mindepth 1 ! -uid "$UID_EXPECTED" -printf '%u %p\n')
[ -z "$bad" ] || fail "files not owned by uid $UID_EXPECTED: $bad"
echo "  sidecar OK, files owned by uid $UID_EXPECTED"

step "drill: the backup just made restored into a scratch file in the hardened container, then removed"
cat > "$OUT/config/drill.yaml" <<'EOF'
datasources:
  shop:
    engine: sqlite
    path: /opt/dbbackup/examples/shop.db
  scratch:
    engine: sqlite
    path: /tmp/drill-shop.db
stores:
  local:
    type: local
    path: /backups
jobs:
  shop:
    datasource: shop
    store: local
    prefix: example
EOF
chmod 0644 "$OUT/config/drill.yaml"
out=$(run "${hardened[@]}" -v "$OUT/config:/config:ro" -v "$OUT/backups:/backups:ro" "$IMAGE" -c /config/drill.yaml \
  drill shop --to scratch --json) || fail "drill of the example's backup: $out"
# shellcheck disable=SC2001 # indents every line: ${out//…} cannot anchor at the start of each line
echo "$out" | sed 's/^/  /'
{ grep -q '"removed" *: *true' <<< "$out" && grep -q '"holds" *: *"/tmp/drill-shop.db holds [1-9]' <<< "$out"; } \
  || fail "the drill did not restore and remove: $out"

step "SIGTERM during a backup exits 143 and leaves nothing half-written"
# the default config path /config/config.yaml; the online strategy copying one page per second
# makes a backup of the example (~34 pages) last half a minute
cat > "$OUT/config/config.yaml" <<'EOF'
datasources:
  slow:
    engine: sqlite
    path: /opt/dbbackup/examples/shop.db
    pages_per_step: 1
    sleep_interval: 1s
stores:
  local:
    type: local
    path: /backups
jobs:
  slow:
    datasource: slow
    store: local
    prefix: sigterm
EOF
chmod 0644 "$OUT/config/config.yaml"
name="dbbackup-smoke-sigterm-$$"
podman rm -f "$name" > /dev/null 2>&1 || true
podman run -d --name "$name" --pull=never --network none "${hardened[@]}" \
  -v "$OUT/config:/config:ro" -v "$OUT/backups:/backups" "$IMAGE" backup --all > /dev/null
for _ in $(seq 1 60); do  # wait until the job has started (its first log line)
  podman logs "$name" 2>&1 | grep -q "backup started" && break
  sleep 0.5
done
sleep 2
podman kill --signal TERM "$name" > /dev/null
code=$(timeout 60 podman wait "$name")
podman logs "$name" 2>&1 | tail -5 | sed 's/^/  | /'
podman rm -f "$name" > /dev/null
echo "  exit code $code"
[ "$code" = 143 ] || fail "SIGTERM gave exit $code, expected 143"
left=$(find "$OUT/backups" -path '*sigterm*' -type f)
[ -z "$left" ] || fail "an interrupted backup left files: $left"

echo "SMOKE OK: $IMAGE ($((size / 1024 / 1024)) MiB) in $(($(date +%s) - START))s"
if [ "${SMOKE_CLEAN:-0}" = 1 ]; then
  podman rm -a -f > /dev/null 2>&1 || true
  buildah rm -a > /dev/null 2>&1 || true
  podman rmi -a -f > /dev/null 2>&1 || true
  podman system reset -f > /dev/null 2>&1 || true  # unmounts the storage
  rm -rf "$W"
fi
