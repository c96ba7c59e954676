#!/usr/bin/env bash
# PostgreSQL physical backup and restore, side by side on one throwaway pgbench cluster (median of 3):
#   pg_basebackup -Ft -D - -X fetch > /dev/null        the replication protocol's limit
#   pg_basebackup ... | zstd -3 > file                  what a user would script   (goal: dbbackup <= 1.0x)
#   pgbackrest backup (zst 3, process-max 2, local repo)                          (goal: dbbackup <= 0.6x)
#   pgbackrest restore                                  vs dbbackup restore --pgdata (goal: <= 1.0x)
# plus the cost of one wal-push JVM per WAL segment (PostgreSQL's archive_command).
# Usage: bench/physical.sh [--scale N] [--write]   (default scale 40: a ~630 MB cluster; --write puts the
# results into docs/PERFORMANCE.md between its bench:physical markers). As root it installs what is missing
# (postgresql, zstd, pgbackrest) and runs the servers as the postgres user.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
repo=$PWD
scale=40
write=0
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale="$2"; shift 2 ;;
    --write) write=1; shift ;;
    *) echo "usage: bench/physical.sh [--scale N] [--write]" >&2; exit 1 ;;
  esac
done

missing=()
command -v zstd > /dev/null || missing+=(zstd)
command -v pgbackrest > /dev/null || missing+=(pgbackrest)
compgen -G '/usr/lib/postgresql/*/bin/pg_basebackup' > /dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
  else
    echo "bench/physical.sh: install first: sudo apt-get install -y ${missing[*]}" >&2; exit 1
  fi
fi
[ "$(id -u)" = 0 ] || { echo "bench/physical.sh: run as root (the servers run as the postgres user)" >&2; exit 1; }
bin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
[ -f target/dbbackup.jar ] && [ -z "$(find src/main pom.xml -newer target/dbbackup.jar -print -quit)" ] \
  || mvn -B -q -o -DskipTests -Dbuild.commit="$(bin/build-commit)" package > /dev/null 2>&1 \
  || mvn -B -q -DskipTests -Dbuild.commit="$(bin/build-commit)" package > /dev/null
dbbackup() { "$repo/bin/dbbackup" "$@"; }
dbbackup --version > /dev/null   # first start: the launcher makes its class-data archive (~3 s, once per build), untimed
as_pg() { runuser -u postgres -- "$@"; }

W=$(mktemp -d /var/tmp/dbbackup-physical-bench.XXXXXX)
chmod 755 "$W"; chown postgres:postgres "$W"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() { as_pg "$bin/pg_ctl" -D "$W/data" -m immediate -w stop > /dev/null 2>&1 || true; rm -rf "$W"; }
trap cleanup EXIT
load_before=$(uptime)

# the cluster: archiving through pgbackrest (which its backups check), trust on loopback
cat > "$W/pgbackrest.conf" <<EOF
[global]
repo1-path=$W/pgbr-repo
compress-type=zst
compress-level=3
process-max=2
start-fast=y
repo1-retention-full=99
log-level-console=warn
log-level-file=off
lock-path=$W/pgbr-lock
spool-path=$W/pgbr-spool
[bench]
pg1-path=$W/data
pg1-port=$port
pg1-socket-path=$W
EOF
chown postgres:postgres "$W/pgbackrest.conf"
as_pg "$bin/initdb" -D "$W/data" -U postgres --auth=trust --no-sync -E UTF8 --no-locale > /dev/null
cat >> "$W/data/postgresql.conf" <<EOF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$W'
archive_mode = on
archive_command = 'pgbackrest --config=$W/pgbackrest.conf --stanza=bench archive-push %p'
EOF
as_pg "$bin/pg_ctl" -D "$W/data" -l "$W/server.log" -w start > /dev/null
as_pg "$bin/pgbench" -h "$W" -p "$port" -U postgres -i -q -s "$scale" postgres > /dev/null 2>&1
as_pg "$bin/psql" -h "$W" -p "$port" -U postgres -X -q -c checkpoint postgres
size=$(as_pg "$bin/psql" -h "$W" -p "$port" -U postgres -X -A -t -c "select pg_size_pretty(sum(pg_database_size(datname))::bigint) from pg_database" postgres)
as_pg pgbackrest --config="$W/pgbackrest.conf" --stanza=bench stanza-create > /dev/null

mkdir -p "$W/store"
cat > "$W/config.yaml" <<EOF
datasources:
  bench: {engine: postgres, method: physical, host: 127.0.0.1, port: $port, user: postgres, cluster: bench}
  tool: {engine: postgres, method: physical, host: 127.0.0.1, port: $port, user: postgres, cluster: tool, base_backup_client: pg_basebackup}
stores:
  local: {type: local, path: store}
jobs:
  bench: {datasource: bench, store: local, compression: zstd, compression_level: 3}
  tool: {datasource: tool, store: local, compression: zstd, compression_level: 3}
EOF
chmod 644 "$W/config.yaml"

ms() { local t0 t1; t0=$(date +%s%N); "$@"; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
secs() { awk -v m="$1" 'BEGIN { printf "%.2f", m / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

limit=(); pipe=(); pgbr=(); ours=(); tool=(); pgbr_r=(); ours_r=()
bb() { "$bin/pg_basebackup" -h 127.0.0.1 -p "$port" -U postgres -D - -Ft -X fetch -c fast 2> /dev/null; }
for _ in 1 2 3; do
  limit+=("$(ms bash -c "$(declare -f bb); bin=$bin port=$port; bb > /dev/null")")
  pipe+=("$(ms bash -c "$(declare -f bb); bin=$bin port=$port; set -o pipefail; bb | zstd -q -3 > '$W/pipe.tar.zst'")")
  pipe_size=$(stat -c %s "$W/pipe.tar.zst"); rm -f "$W/pipe.tar.zst"
  pgbr+=("$(ms as_pg pgbackrest --config="$W/pgbackrest.conf" --stanza=bench backup --type=full)")
  sleep 1   # dbbackup keys are per second
  ours+=("$(ms bash -c "cd '$W' && '$repo/bin/dbbackup' -q -c config.yaml backup bench > /dev/null")")
  tool+=("$(ms bash -c "cd '$W' && '$repo/bin/dbbackup' -q -c config.yaml backup tool > /dev/null")")
done
ours_size=$(find "$W/store/bench" -name '*.tar.zst' -printf '%s\n' | head -1)
pgbr_size=$(du -sb "$W/pgbr-repo/backup" | cut -f1)
for _ in 1 2 3; do
  rm -rf "$W/r-pgbr" "$W/r-ours"; install -d -o postgres -g postgres -m 700 "$W/r-pgbr"
  pgbr_r+=("$(ms as_pg pgbackrest --config="$W/pgbackrest.conf" --stanza=bench --pg1-path="$W/r-pgbr" restore)")
  ours_r+=("$(ms bash -c "cd '$W' && '$repo/bin/dbbackup' -q -c config.yaml restore bench --pgdata r-ours > /dev/null")")
done
rm -rf "$W/r-pgbr" "$W/r-ours"

# one JVM per WAL segment: wal-push of 5 real segments (local store), then the archiver's call for a file
# already archived ahead (acknowledged from pg_wal/dbbackup before the config is read)
mkdir -p "$W/walsrc/pg_wal/archive_status"
for n in 1 2 3 4 5 6; do
  as_pg "$bin/psql" -h "$W" -p "$port" -U postgres -X -q -c "select pg_switch_wal(); update pgbench_accounts set abalance = abalance + 1 where aid % 50 = $n" postgres > /dev/null
done
# the first six segments still there when copied (the server recycles archived ones meanwhile)
copied=()
for f in "$W"/data/pg_wal/*; do
  s=${f##*/}
  [[ $s =~ ^[0-9A-F]{24}$ ]] || continue
  cp "$f" "$W/walsrc/pg_wal/$s" 2> /dev/null && copied+=("$s")
  [ ${#copied[@]} -ge 6 ] && break
done
segs=$(printf '%s\n' "${copied[@]}")
push=(); ack=(); version=()
for s in $(echo "$segs" | head -5); do
  push+=("$(ms bash -c "cd '$W/walsrc' && '$repo/bin/dbbackup' -q -c '$W/config.yaml' wal-push --job bench --ahead 0 pg_wal/$s $s")")
  version+=("$(ms bash -c "'$repo/bin/dbbackup' --version > /dev/null")")
done
for s in $(echo "$segs" | tail -5); do touch "$W/walsrc/pg_wal/archive_status/$s.ready"; done
first=$(echo "$segs" | tail -5 | head -1)
(cd "$W/walsrc" && "$repo/bin/dbbackup" -q -c "$W/config.yaml" wal-push --job bench pg_wal/"$first" "$first")
for s in $(echo "$segs" | tail -4); do
  ack+=("$(ms bash -c "cd '$W/walsrc' && '$repo/bin/dbbackup' -q -c '$W/config.yaml' wal-push --job bench pg_wal/$s $s")")
done
load_after=$(uptime)

L=$(median "${limit[@]}"); P=$(median "${pipe[@]}"); B=$(median "${pgbr[@]}"); O=$(median "${ours[@]}"); T=$(median "${tool[@]}")
BR=$(median "${pgbr_r[@]}"); OR=$(median "${ours_r[@]}")
PU=$(median "${push[@]}"); AK=$(median "${ack[@]}"); VE=$(median "${version[@]}")
report=$(cat <<EOF
## PostgreSQL physical backups (\`bench/physical.sh\`)

$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, PostgreSQL $("$bin/postgres" --version | awk '{print $3}'), pgBackRest $(pgbackrest version | awk '{print $2}'),
pgbench scale $scale (cluster $size), median of 3 runs (all runs in ms in brackets).
Load before: \`${load_before##*load average: }\`, after: \`${load_after##*load average: }\` (1/5/15 min).

| base backup | median s | dbbackup ÷ it | goal |
|---|---|---|---|
| \`pg_basebackup -Ft -D - -X fetch > /dev/null\` (the protocol's limit) [${limit[*]}] | $(secs "$L") | $(ratio "$O" "$L") | |
| \`pg_basebackup … \| zstd -3 > file\` (what a user would script) [${pipe[*]}] | $(secs "$P") | $(ratio "$O" "$P") | ≤ 1.0 |
| \`pgbackrest backup\` (zst 3, process-max 2, local repo) [${pgbr[*]}] | $(secs "$B") | $(ratio "$O" "$B") | ≤ 0.6 |
| **\`dbbackup backup\`** (zstd 3, local store, JVM start included; its own replication client) [${ours[*]}] | $(secs "$O") | 1.00 | |
| \`dbbackup backup\` with \`base_backup_client: pg_basebackup\` (the tool in a child process) [${tool[*]}] | $(secs "$T") | $(ratio "$O" "$T") | |

| restore | median s | dbbackup ÷ it | goal |
|---|---|---|---|
| \`pgbackrest restore\` [${pgbr_r[*]}] | $(secs "$BR") | $(ratio "$OR" "$BR") | ≤ 1.0 |
| **\`dbbackup restore --pgdata\`** (SHA-256 checked while extracting, every file fsynced) [${ours_r[*]}] | $(secs "$OR") | 1.00 | |

Stored size: dbbackup $(( ours_size / 1048576 )) MiB, \`zstd -3\` pipe $(( pipe_size / 1048576 )) MiB, pgBackRest $(( pgbr_size / 1048576 )) MiB.

WAL archiving, one JVM per call (PostgreSQL's archive_command), local store, 16 MiB segments:
\`wal-push\` of a segment $(secs "$PU") s [${push[*]}]; the call for a segment already archived ahead
(\`--ahead\`, acknowledged before the config is read) $(secs "$AK") s [${ack[*]}]; \`dbbackup --version\` $(secs "$VE") s [${version[*]}].
EOF
)
echo "$report"
if [ "$write" = 1 ]; then
  f=docs/PERFORMANCE.md
  [ -f "$f" ] || printf '# Performance\n' > "$f"
  python3 - "$f" "$report" <<'PY'
import sys
path, body = sys.argv[1], sys.argv[2]
begin, end = "<!-- bench:physical:begin -->", "<!-- bench:physical:end -->"
text = open(path).read()
section = begin + "\n" + body.strip() + "\n" + end
if begin in text and end in text:
    text = text[:text.index(begin)] + section + text[text.index(end) + len(end):]
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
  echo "written to $f"
fi
