#!/usr/bin/env bash
# How fast is a dbbackup backup compared with the dump tool itself? One command, one run:
#
#   bench/pipeline.sh                 # --scale 70: a PostgreSQL database of ~1.3 GiB
#   bench/pipeline.sh --scale 140     # 2x
#   bench/pipeline.sh --write         # also replace the pipeline section of docs/PERFORMANCE.md
#
# It makes a throwaway PostgreSQL cluster (temp dir, free port, as user postgres) holding
# `pgbench -i -s N` plus a table of less compressible text (md5 hex), starts s3proxy, then times
# side by side, interleaved, each --runs times (median reported):
#   1 pg_dump -Fc -Z0 > /dev/null            the limit
#   2 pg_dump -Fc -Z0 | zstd -3 > file       what a user would script
#   3 the seed's way: dump to a temp file, compress it, checksum it, copy it to the store
#   4 dbbackup backup, zstd 3, local store   5 the same to S3 (s3proxy)   6 gzip / lz4, local
#   7 dbbackup restore vs pg_restore of the same dump (and dbbackup verify: the restore's first pass; verify --deep)
# printing wall time, CPU (user+sys of the command's whole process tree; the server's CPU apart),
# peak RSS, bytes and throughput, ratios against (1) and (2); then peak RSS again at 2x the data,
# the prune decision over 100,000 backup names, `list` of a bucket holding 10,000 objects, and the
# start-up of `--version` and of a backup that has nothing to do. Each target prints PASS or FAIL;
# the exit status is 1 when one is missed (2 when the benchmark itself could not run).
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
cd "$repo"

scale=70
runs=3
write=0
keep=0
double=1
priority=0
usage() {
  sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
  cat <<'EOF'
Options:
  --scale N      pgbench scale (default 70 = a database of ~1.3 GiB; the acceptance needs >= 1 GiB)
  --runs N       repetitions of each comparison, interleaved (default 3, at least 1)
  --no-2x        skip the memory check at twice the data (saves loading a 2x database)
  --write        write the results into docs/PERFORMANCE.md (between the bench:pipeline markers)
  --keep         keep the temp folder (cluster, dumps, logs) and print where it is
  --priority N   run the cluster, s3proxy and every measured command at nice level N (e.g. -5 on a
                 machine shared with other work: all cases alike get precedence over it; needs root)
EOF
}
die() { echo "bench/pipeline.sh: $*" >&2; exit 2; }
posint() { [[ $2 =~ ^[1-9][0-9]*$ ]] || { echo "bench/pipeline.sh: $1 needs a positive integer, got '$2'" >&2; exit 1; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) [ $# -ge 2 ] || { echo "bench/pipeline.sh: --scale needs a value" >&2; exit 1; }; posint --scale "$2"; scale=$2; shift 2 ;;
    --scale=*) posint --scale "${1#*=}"; scale=${1#*=}; shift ;;
    --runs) [ $# -ge 2 ] || { echo "bench/pipeline.sh: --runs needs a value" >&2; exit 1; }; posint --runs "$2"; runs=$2; shift 2 ;;
    --runs=*) posint --runs "${1#*=}"; runs=${1#*=}; shift ;;
    --no-2x) double=0; shift ;;
    --priority) [[ $# -ge 2 && $2 =~ ^-?[0-9]+$ ]] || { echo "bench/pipeline.sh: --priority needs a nice level such as -5" >&2; exit 1; }
      priority=$2; shift 2 ;;
    --write) write=1; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench/pipeline.sh: unknown argument '$1' (see --help)" >&2; exit 1 ;;
  esac
done

# ---------------------------------------------------------------- tools (installed when root)
missing=()
need() { # need <debian package> <path-glob-or-command>...
  local pkg=$1; shift
  for t in "$@"; do
    if [[ $t == /* ]]; then compgen -G "$t" > /dev/null || { missing+=("$pkg"); return; }
    else command -v "$t" > /dev/null 2>&1 || { missing+=("$pkg"); return; }; fi
  done
}
need openjdk-17-jdk-headless java
need maven mvn
need postgresql '/usr/lib/postgresql/*/bin/initdb' '/usr/lib/postgresql/*/bin/pgbench'
need postgresql-client '/usr/lib/postgresql/*/bin/pg_dump' '/usr/lib/postgresql/*/bin/pg_restore'
need zstd zstd
need lz4 lz4
need gzip gzip
need coreutils sha256sum
need time /usr/bin/time
need procps uptime
need util-linux runuser
need python3 python3
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    echo "bench: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
  else
    echo "bench/pipeline.sh: missing tools; install them first: sudo apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
fi
[ "$(id -u)" = 0 ] || id postgres > /dev/null 2>&1 || die "run as root (the cluster runs as user postgres)"
id postgres > /dev/null 2>&1 || die "the postgres user is missing (package postgresql)"
PGBIN=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
prio=(nice -n "$priority")   # nice -n 0: as is

# ---------------------------------------------------------------- build (the launcher's jar, s3proxy)
# the launcher's own check, run once without DBBACKUP_JAR: it (re)builds the jar when it is missing, older than a source,
# names another commit, or was built from other contents of src/main/pom.xml (an edit that kept an older time), saying why
jar="$repo/target/dbbackup.jar"
DBBACKUP_JAR="" "$repo/bin/dbbackup" --version > /dev/null
s3jar="$repo/target/test-servers/s3proxy.jar"
if [ ! -f "$s3jar" ]; then
  echo "bench: fetching s3proxy" >&2
  mvn -B -q -ntp dependency:copy@copy-test-servers >&2
fi
export DBBACKUP_JAR="$jar"   # as an installed launcher: no staleness check on every call
DBB="$repo/bin/dbbackup"
"$DBB" --version > /dev/null   # first start (and the launcher's class-data archive, when it makes one)

# ---------------------------------------------------------------- temp folder, cleanup
work=$(mktemp -d "${TMPDIR:-/tmp}/dbbackup-bench.XXXXXX")
chmod 755 "$work"
pgdir="$work/pg"
s3pid=""
cleanup() {
  set +e
  if [ -n "$s3pid" ]; then kill "$s3pid" 2> /dev/null; wait "$s3pid" 2> /dev/null; fi
  if [ -f "$pgdir/data/postmaster.pid" ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$pgdir/data" -m immediate -w stop > /dev/null 2>&1
  fi
  if [ "$keep" = 1 ]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
log() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------- PostgreSQL, data
mkdir -p "$pgdir"
chown postgres:postgres "$pgdir"
pgport=$(free_port)
(cd "$pgdir" && runuser -u postgres -- "$PGBIN/initdb" -D "$pgdir/data" -U postgres -A trust -E UTF8 \
  --no-instructions --no-sync > "$pgdir/initdb.log")
(cd "$pgdir" && "${prio[@]}" runuser -u postgres -- "$PGBIN/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 \
  -o "-p $pgport -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
      -c full_page_writes=off -c autovacuum=off -c max_wal_size=4GB -c checkpoint_timeout=1h \
      -c log_connections=on -c log_line_prefix=%n@" start > /dev/null)
export PGHOST=127.0.0.1 PGPORT=$pgport PGUSER=postgres
postmaster=$(head -1 "$pgdir/data/postmaster.pid")
psql_() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

load_db() { # load_db <name> <scale>
  local db=$1 s=$2
  "$PGBIN/createdb" "$db"
  "$PGBIN/pgbench" -i -s "$s" -q "$db" 2>&1 | grep -v '^creating\|^generating\|^vacuuming\|^done in' >&2 || true
  # less compressible: 128 hex characters of md5 per row, 20,000 rows per scale unit
  psql_ -d "$db" -c "CREATE TABLE noise AS SELECT g AS id, md5(random()::text) || md5(random()::text)
                       || md5(random()::text) || md5(random()::text) AS t FROM generate_series(1, $s * 20000) g" \
        -c "ALTER TABLE noise ADD PRIMARY KEY (id)" -c "VACUUM ANALYZE" -c "CHECKPOINT"
}
log "loading pgbench scale $scale + noise into a PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') cluster on port $pgport"
t0=$(date +%s.%N)
load_db bench "$scale"
log "loaded in $(printf '%.0f' "$(echo "$(date +%s.%N) - $t0" | bc)") s"
dbsize=$(psql_ -At -d bench -c "SELECT pg_database_size('bench')")
raw="$work/bench.dump"
"$PGBIN/pg_dump" -Fc -Z0 -f "$raw" bench   # warms the page cache; the same file is restored in (7)
rawbytes=$(stat -c %s "$raw")
log "database $(numfmt --to=iec-i --suffix=B "$dbsize"), custom dump $(numfmt --to=iec-i --suffix=B "$rawbytes")"

# ---------------------------------------------------------------- s3proxy
s3port=$(free_port)
mkdir -p "$work/s3/data/bench"   # the filesystem backend: a folder per bucket
s3id="AKIDBENCH$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
s3secret="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
export BENCH_S3_ACCESS_KEY="$s3id" BENCH_S3_SECRET_KEY="$s3secret"
cat > "$work/s3/s3proxy.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$s3port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$BENCH_S3_ACCESS_KEY
s3proxy.credential=$BENCH_S3_SECRET_KEY
s3proxy.ignore-unknown-headers=true
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$work/s3/data
EOF
"${prio[@]}" java -Xmx256m -jar "$s3jar" --properties "$work/s3/s3proxy.properties" > "$work/s3/s3proxy.log" 2>&1 &
s3pid=$!
for _ in $(seq 1 600); do
  (exec 3<> "/dev/tcp/127.0.0.1/$s3port") 2> /dev/null && break
  kill -0 "$s3pid" 2> /dev/null || { cat "$work/s3/s3proxy.log" >&2; die "s3proxy did not start"; }
  sleep 0.1
done

# ---------------------------------------------------------------- dbbackup config
store="$work/store"
mkdir -p "$store" "$work/out" "$work/keep" "$work/prune" "$work/empty"
cat > "$work/config.yaml" <<EOF
datasources:
  bench: &pg
    engine: postgres
    host: 127.0.0.1
    port: $pgport
    user: postgres
    database: bench
    format: custom
    compression: zstd
    compression_level: 3
  bench2x:
    <<: *pg
    database: bench2x
  restored:
    <<: *pg
    database: restored
stores:
  local:
    type: local
    path: $store
  keep:
    type: local
    path: $work/keep
    fsync: false
  prune:
    type: local
    path: $work/prune
  s3:
    type: s3
    endpoint: http://127.0.0.1:$s3port
    region: us-east-1
    path_style: true
    bucket: bench
    access_key_env: BENCH_S3_ACCESS_KEY
    secret_key_env: BENCH_S3_SECRET_KEY
jobs:
  zstd-local: {datasource: bench, store: local}
  zstd-s3: {datasource: bench, store: s3, prefix: run}
  gzip-local: {datasource: bench, store: local, prefix: gzip, compression: gzip, compression_level: 6}
  lz4-local: {datasource: bench, store: local, prefix: lz4, compression: lz4, compression_level: 1}
  zstd-local-2x: {datasource: bench2x, store: local}
  zstd-s3-2x: {datasource: bench2x, store: s3, prefix: run}
  restore-src: {datasource: bench, store: keep}
  list-10k: {datasource: bench, store: s3, prefix: list}
  prune-100k:
    datasource: bench
    store: prune
    retention: {keep_last: 3, keep_daily: 7, keep_weekly: 4, keep_monthly: 12, keep_yearly: 5}
EOF
# a config whose one job belongs to the other shard of two: `backup --all --shard` then has nothing to do
cat > "$work/noop.yaml" <<EOF
datasources:
  bench: {engine: postgres, host: 127.0.0.1, port: $pgport, user: postgres, database: bench, compression: zstd}
stores:
  local: {type: local, path: $work/empty}
jobs:
  nightly: {datasource: bench, store: local}
EOF
noop_shard=$(( 1 - (0x$(printf %s nightly | sha256sum | cut -c15-16) & 1) ))

# ---------------------------------------------------------------- measuring
results="$work/results.tsv"
: > "$results"
tf="$work/time.out"
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $16 + $17}' "/proc/$postmaster/stat"; }           # reaped backends (the dump's)
children() { cat /proc/"$postmaster"/task/*/children 2> /dev/null | wc -w; }
idle_children=$(children)
settle() { # until the backends of the last command have exited and been reaped (their CPU counted)
  local i
  for ((i = 0; i < 100; i++)); do [ "$(children)" -le "$idle_children" ] && return; sleep 0.05; done
}
s3_ticks() { awk '{print $14 + $15}' "/proc/$s3pid/stat"; }
# measure <case> <run> <bytes-file-or-number> <command...>: one timed run, appended to results.tsv
measure() {
  local name=$1 run=$2 bytes=$3; shift 3
  local load sv0 sv1 s30 s31 b
  load=$(cut -d' ' -f1 /proc/loadavg)
  sv0=$(cpu_ticks); s30=$(s3_ticks)
  t0=$(date +%s.%N)
  if ! "${prio[@]}" /usr/bin/time -f '%e %U %S %M' -o "$tf" "$@" > "$work/cmd.out" 2> "$work/cmd.err"; then
    cat "$work/cmd.err" >&2
    die "$name (run $run) failed: $*"
  fi
  settle
  sv1=$(cpu_ticks); s31=$(s3_ticks)
  if [[ $bytes =~ ^[0-9]+$ ]]; then b=$bytes; else b=$(find "$bytes" -type f -printf '%s\n' 2> /dev/null | sort -n | tail -1); fi
  read -r wall user sys rss < <(tail -1 "$tf")
  # start-up: from the command's start to the first connection the server received (its log, ms); - when none
  first=$(awk -F@ -v t0="$t0" '/connection received/ && $1 + 0 >= t0 + 0 { if (m == "" || $1 < m) m = $1 }
    END { if (m == "") print "-"; else printf "%.3f\n", m - t0 }' "$pgdir/server.log")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$run" "$wall" "$user" "$sys" "$rss" "${b:-0}" \
    "$(echo "($sv1 - $sv0) / $hz" | bc -l)" "$(echo "($s31 - $s30) / $hz" | bc -l)" "$load" "$first" >> "$results"
  printf '  %-14s run %s  %6.2f s  cpu %6.2f s  rss %4d MiB\n' "$name" "$run" "$wall" "$(echo "$user + $sys" | bc)" \
    $((rss / 1024)) >&2
}
fresh_restore_db() {
  "$PGBIN/dropdb" --if-exists restored
  "$PGBIN/createdb" restored
}
clean_outputs() { rm -rf "${store:?}"/* "$work/out"/* "$work/s3/data/bench/run"; }

uptime_start=$(uptime)
log "load: $uptime_start"
# the artifact the restores read (made once, kept)
"$DBB" -q -c "$work/config.yaml" backup restore-src > /dev/null
artifact=$(find "$work/keep" -name '*.dump.zst' | head -1)
# s3proxy warms up (JIT) on three untimed uploads, as a real S3 service is always warm
for _ in 1 2 3; do
  "$DBB" -q -c "$work/config.yaml" backup zstd-s3 > /dev/null
  clean_outputs
done

cases=(dump_null dump_zstd seed zstd_local zstd_s3 gzip_local lz4_local)
restores=(restore_pg restore_pipe restore_dbb verify_dbb verify_deep)
run_case() { # run_case <case> <run>
  local r=$2
  case "$1" in
    dump_null) measure "$1" "$r" "$rawbytes" bash -c "exec '$PGBIN/pg_dump' -Fc -Z0 bench > /dev/null" ;;
    dump_zstd) measure "$1" "$r" "$work/out" bash -c "'$PGBIN/pg_dump' -Fc -Z0 bench | zstd -3 -q > '$work/out/pipeline.dump.zst'" ;;
    seed) measure "$1" "$r" "$store/seed" bash -c "set -e; t=\$(mktemp -d '$work/out/seed.XXXX'); f=\$t/bench.dump
          '$PGBIN/pg_dump' -Fc -Z0 -f \$f bench; zstd -3 -q --rm \$f -o \$f.zst
          (cd \$t && sha256sum bench.dump.zst > bench.dump.zst.sha256)
          mkdir -p '$store/seed'; cp \$f.zst \$f.zst.sha256 '$store/seed/'; rm -rf \$t" ;;
    zstd_local) measure "$1" "$r" "$store" "$DBB" -q -c "$work/config.yaml" backup zstd-local ;;
    zstd_s3) measure "$1" "$r" "$work/s3/data/bench/run" "$DBB" -q -c "$work/config.yaml" backup zstd-s3 ;;
    gzip_local) measure "$1" "$r" "$store" "$DBB" -q -c "$work/config.yaml" backup gzip-local ;;
    lz4_local) measure "$1" "$r" "$store" "$DBB" -q -c "$work/config.yaml" backup lz4-local ;;
    restore_pg) fresh_restore_db
      measure "$1" "$r" "$rawbytes" "$PGBIN/pg_restore" --no-password --exit-on-error --single-transaction -d restored "$raw" ;;
    restore_pipe) fresh_restore_db
      measure "$1" "$r" "$rawbytes" bash -c "zstd -dc '$artifact' | '$PGBIN/pg_restore' --no-password --exit-on-error --single-transaction -d restored" ;;
    restore_dbb) fresh_restore_db
      measure "$1" "$r" "$rawbytes" "$DBB" -q -c "$work/config.yaml" restore restore-src --to restored ;;
    verify_dbb) measure "$1" "$r" "$rawbytes" "$DBB" -q -c "$work/config.yaml" verify restore-src ;;
    verify_deep) measure "$1" "$r" "$rawbytes" "$DBB" -q -c "$work/config.yaml" verify restore-src --deep ;;
  esac
  clean_outputs
}
# interleaved: every run goes through all cases, each run starting one case later, so that a burst
# of load from elsewhere falls on different cases
interleave() { # interleave <case>...
  local n=$# r i list=("$@")
  log "timing $* ($runs runs, interleaved)"
  for ((r = 1; r <= runs; r++)); do
    for ((i = 0; i < n; i++)); do run_case "${list[$(((i + r - 1) % n))]}" "$r"; done
  done
}
interleave "${cases[@]}"
interleave "${restores[@]}"
"$PGBIN/dropdb" --if-exists restored

# ---------------------------------------------------------------- memory at 2x
if [ "$double" = 1 ]; then
  log "loading scale $((scale * 2)) for the memory check at 2x"
  load_db bench2x $((scale * 2))
  dbsize2=$(psql_ -At -d bench -c "SELECT pg_database_size('bench2x')")
  "$PGBIN/pg_dump" -Fc -Z0 bench2x | wc -c > "$work/raw2x"
  rawbytes2=$(cat "$work/raw2x")
  for ((r = 1; r <= runs; r++)); do
    measure zstd_local_2x "$r" "$store" "$DBB" -q -c "$work/config.yaml" backup zstd-local-2x; clean_outputs
    measure zstd_s3_2x "$r" "$work/s3/data/bench/run" "$DBB" -q -c "$work/config.yaml" backup zstd-s3-2x; clean_outputs
    measure dump_null_2x "$r" "$rawbytes2" bash -c "exec '$PGBIN/pg_dump' -Fc -Z0 bench2x > /dev/null"
  done
  "$PGBIN/dropdb" bench2x
else
  dbsize2=0
  rawbytes2=0
fi

# ---------------------------------------------------------------- prune, list, start-up
log "prune decision over 100,000 backups; list of 10,000 objects; start-up"
python3 - "$work/prune/bench" "$work/s3/data/bench/list/bench" <<'EOF'
import os, sys, datetime
prune, listing = sys.argv[1], sys.argv[2]
os.makedirs(prune); os.makedirs(listing)
t = datetime.datetime(2026, 11, 30, 3, 0, 0)
for i in range(100_000):   # one backup an hour, back to 2015, with its .sha256 (without one it is no backup)
    name = os.path.join(prune, (t - datetime.timedelta(hours=i)).strftime("bench-%Y%m%d-%H%M%S.dump.zst"))
    open(name, "w").close(); open(name + ".sha256", "w").close()
for i in range(5_000):     # 5,000 backups with their .sha256: 10,000 objects
    name = (t - datetime.timedelta(hours=i)).strftime("bench-%Y%m%d-%H%M%S.dump.zst")
    with open(os.path.join(listing, name), "wb") as f: f.write(b"x" * 100)
    with open(os.path.join(listing, name + ".sha256"), "w") as f: f.write("0" * 64 + "  " + name + "\n")
EOF
javac -d "$work/classes" -cp "$jar" bench/PruneDecision.java
java -XX:+UseSerialGC -cp "$jar:$work/classes" PruneDecision 100000 > "$work/prune-decision.txt"
cat "$work/prune-decision.txt" >&2
for ((r = 1; r <= runs; r++)); do
  measure prune_100k "$r" 0 "$DBB" -q -c "$work/config.yaml" prune prune-100k --dry-run
  measure list_10k "$r" 0 "$DBB" -q -c "$work/config.yaml" list list-10k
done
grep -c 'bench-' "$work/cmd.out" > "$work/listed"
for ((r = 1; r <= 10; r++)); do
  measure version "$r" 0 "$DBB" --version
  measure noop_backup "$r" 0 "$DBB" -q -c "$work/noop.yaml" backup --all --shard "$noop_shard/2"
done
uptime_end=$(uptime)
log "load: $uptime_end"

# ---------------------------------------------------------------- report
{
  echo "scale=$scale"
  echo "runs=$runs"
  echo "priority=$priority"
  echo "dbsize=$dbsize"
  echo "rawbytes=$rawbytes"
  echo "dbsize2=$dbsize2"
  echo "rawbytes2=$rawbytes2"
  echo "listed=$(cat "$work/listed")"
  echo "prune_decision=$(grep -o 'cold_ms=[0-9.]*' "$work/prune-decision.txt" | cut -d= -f2)"
  echo "prune_decision_warm=$(grep -o 'warm_ms=[0-9.]*' "$work/prune-decision.txt" | cut -d= -f2)"
  echo "prune_kept=$(grep -o 'kept=[0-9]*' "$work/prune-decision.txt" | cut -d= -f2)"
  echo "uptime_start=$uptime_start"
  echo "uptime_end=$uptime_end"
  echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "cores=$(nproc)"
  echo "ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "disk=$(df -hT "$work" | awk 'NR == 2 {print $2 ", " $3 " (" $1 ")"}')$(lsblk -dno ROTA "$(df --output=source "$work" | tail -1)" 2> /dev/null | awk '{print $1 == 1 ? ", rotational" : ", non-rotational"}')"
  echo "kernel=$(uname -sr)"
  echo "jdk=$(java -version 2>&1 | sed -n 2p)"
  echo "pg=$("$PGBIN/pg_dump" --version)"
  echo "zstd=$(zstd -V | sed 's/^\*\*\* //; s/ \*\*\*$//')"
  echo "lz4=$(lz4 -V 2>&1 | head -1 | sed 's/^\*\*\* //; s/ \*\*\*$//')"
  echo "gzip=$(gzip --version | head -1)"
  echo "java_opts=$(sed -n 's/^default_opts=//p' bin/dbbackup | tr -d '"')"
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit=$(git rev-parse --short HEAD 2> /dev/null || echo unknown)$(git diff --quiet HEAD -- src bin pom.xml 2> /dev/null || echo '+changes')"
} > "$work/meta.txt"
args=("$results" "$work/meta.txt")
[ "$write" = 1 ] && args+=(--write "$repo/docs/PERFORMANCE.md")
python3 bench/report.py "${args[@]}"
