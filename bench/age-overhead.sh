#!/usr/bin/env bash
# Prints what age encryption adds to a backup's wall time: a dump-like stream (default 512 MiB)
# through zstd -> (age) -> SHA-256, with and without encryption (src/test/java/io/dbbackup/codec/age/AgeOverheadBench.java).
# Exit 1 when encrypting doubles the time.
# Usage: bench/age-overhead.sh [MiB]
set -euo pipefail
cd "$(dirname "$0")/.."
mib="${1:-512}"
status=0
mvn -B -q -o verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=AgeOverheadBench -Dfailsafe.failIfNoSpecifiedTests=false -Dbench.mib="$mib" || status=$?
grep -ho 'age overhead: [^]<]*' target/failsafe-reports/TEST-io.dbbackup.codec.age.AgeOverheadBench.xml
exit "$status"
