#!/bin/sh
# shellcheck disable=SC2086 # $2 (a command's arguments) and $a/$b/$c (lists of times) are split into words on purpose
# Used once to decide about the AppCDS archive (docs/DECISIONS.md). Run inside the image:
#   podman run --rm -v "$PWD/tests/container/cds-bench.sh:/bench.sh:ro" --entrypoint sh IMAGE /bench.sh
# runs inside the image: median wall time of 15 interleaved runs of a command under three JAVA_OPTS
base="-XX:MaxRAMPercentage=50 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
cds="-XX:SharedArchiveFile=/opt/dbbackup/dbbackup.jsa -Xlog:cds=off,cds+dynamic=off"
cat > /tmp/c.yaml <<Y
datasources: {shop: {engine: sqlite, path: /opt/dbbackup/examples/shop.db, compression: zstd}}
stores: {local: {type: local, path: /tmp/b}}
jobs: {shop: {datasource: shop, store: local, verify: true}}
Y
one() { rm -rf /tmp/b; s=$(date +%s%N); JAVA_OPTS="$1" dbbackup $2 >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
med() { printf '%s\n' "$@" | sort -n | sed -n 5p; }
for args in "--version" "-c /opt/dbbackup/examples/config.yaml config validate" "-q -c /tmp/c.yaml backup --all"; do
  a=""; b=""; c=""
  for _ in $(seq 9); do
    a="$a $(one "$base -Xshare:off" "$args")"; b="$b $(one "$base" "$args")"; c="$c $(one "$base $cds" "$args")"
  done
  echo "== dbbackup $args   (median of 9, ms)"
  echo "  -Xshare:off           $(med $a)   [$a ]"
  echo "  JDK default CDS       $(med $b)   [$b ]"
  echo "  + AppCDS (image)      $(med $c)   [$c ]"
done
