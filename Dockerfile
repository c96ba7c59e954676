# dbbackup container image.
#
#   docker build -t dbbackup .
#   docker build --build-arg PG_VERSIONS="13 16 17" -t dbbackup .    # extra pg_dump majors from apt.postgresql.org
#   docker build --build-arg BASE_IMAGE=localhost/debian:bookworm-slim -t dbbackup .   # no registry (CI)
#   docker build --build-arg BUILD_COMMIT="$(bin/build-commit)" -t dbbackup .          # --version names the commit
#
# Runtime: Debian bookworm, headless JRE 17, pg_dump/pg_restore/psql (Debian's 15, plus PG_VERSIONS),
# mariadb-dump/mariadb, sqlite3; runs as uid 10001 under tini; see README.md ("Container image", "Kubernetes") and deploy/kubernetes/.

ARG BASE_IMAGE=debian:bookworm-slim

# ---------------------------------------------------------------- build: Maven + JDK 17 (Debian's)
FROM ${BASE_IMAGE} AS build
RUN set -eux; \
    export DEBIAN_FRONTEND=noninteractive; \
    mkdir -p /usr/share/man/man1; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates ca-certificates-java openjdk-17-jdk-headless maven; \
    rm -rf /var/lib/apt/lists/*
WORKDIR /build
# dependency cache layer: depends on pom.xml only. Compiling one throw-away class also fetches the
# compiler's annotation processor (picocli-codegen) and every plugin the package phase runs.
COPY pom.xml ./
RUN set -eux; \
    mkdir -p src/main/java; echo 'class Warm {}' > src/main/java/Warm.java; \
    mvn -B -q -ntp -DskipTests package; \
    rm -rf src target
COPY src/main ./src/main
# the build identity (dbbackup --version, every manifest's tool_commit): the context has no .git, so the builder says
# which commit it is (tests/container/smoke.sh passes bin/build-commit's); without it the image says "unknown"; given
# empty (--build-arg BUILD_COMMIT=, a CI variable that was not set), --version says the image build was not given it
ARG BUILD_COMMIT=unknown
RUN mvn -B -q -o -DskipTests -Dbuild.commit="$BUILD_COMMIT" -Dbuild.builder=image package && cp target/dbbackup.jar /build/dbbackup.jar

# ---------------------------------------------------------------- runtime
FROM ${BASE_IMAGE}
# Extra PostgreSQL client majors, e.g. "13 16 17", from the PGDG apt repository (apt.postgresql.org).
# Empty (default): only Debian's postgresql-client (15). dbbackup picks /usr/lib/postgresql/<major>/bin
# matching each server (or the newest above it).
ARG PG_VERSIONS=""
RUN set -eux; \
    export DEBIAN_FRONTEND=noninteractive; \
    # no docs, man pages or translations from the packages below (as the official slim images)
    printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
        'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' \
        'path-exclude /usr/share/locale/*' 'path-include /usr/share/locale/locale.alias' \
        > /etc/dpkg/dpkg.cfg.d/dbbackup-slim; \
    mkdir -p /usr/share/man/man1; \
    apt-get update; \
    apt-get install -y --no-install-recommends \
        openjdk-17-jre-headless ca-certificates tini sqlite3 postgresql-client mariadb-client; \
    if [ -n "$PG_VERSIONS" ]; then \
        # PGDG's signing key as Debian ships it (package postgresql-common), not fetched over the network
        cd /tmp; apt-get download postgresql-common; dpkg-deb -x postgresql-common_*.deb pgc; \
        install -m 0644 pgc/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc /usr/share/keyrings/pgdg.asc; \
        rm -rf pgc postgresql-common_*.deb; cd /; \
        . /etc/os-release; \
        echo "deb [signed-by=/usr/share/keyrings/pgdg.asc] https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" \
            > /etc/apt/sources.list.d/pgdg.list; \
        apt-get update --error-on=any; \
        for v in $PG_VERSIONS; do apt-get install -y --no-install-recommends "postgresql-client-$v"; done; \
    fi; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/debconf/*-old /var/log/apt /var/log/dpkg.log; \
    groupadd --system --gid 10001 dbbackup; \
    useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin dbbackup; \
    mkdir -p /config /backups /opt/dbbackup/bin /opt/dbbackup/examples; \
    chown 10001:10001 /backups

COPY --from=build /build/dbbackup.jar /opt/dbbackup/dbbackup.jar
COPY bin/dbbackup /opt/dbbackup/bin/dbbackup
COPY examples/config.yaml examples/shop.db /opt/dbbackup/examples/
# The bundled example writes to ../backups = /opt/dbbackup/backups → /backups (mount a volume there):
#   docker run --rm -v "$PWD/backups:/backups" dbbackup -c /opt/dbbackup/examples/config.yaml backup --all
# Class-data sharing: an AppCDS archive of the classes a real backup loads (io.dbbackup.cli.ArchiveTraining: the example backed up,
# a multipart S3 upload to an endpoint inside the training run), made by the launcher's first run here at build time, beside the jar, with
# the launcher's JVM flags (see docs/DECISIONS.md for the measured start-up gain). At run time the
# folder is read-only for uid 10001 and the launcher just uses the archive.
# Native libraries: that first run also unpacks zstd-jni's and sqlite-jdbc's into /opt/dbbackup/dbbackup.native/<os>-<arch>/
# (root-owned, readable), and every run loads them from there: they used to be unpacked into /tmp at every run and mapped
# from there, which fails where /tmp is mounted noexec (Docker's --tmpfs /tmp, compose's tmpfs, as the smoke test runs it).
RUN set -eux; \
    chmod 0755 /opt/dbbackup/bin/dbbackup; \
    ln -s /opt/dbbackup/bin/dbbackup /usr/local/bin/dbbackup; \
    ln -s /backups /opt/dbbackup/backups; \
    DBBACKUP_JAR=/opt/dbbackup/dbbackup.jar DBBACKUP_TMPDIR=/tmp /opt/dbbackup/bin/dbbackup --version; \
    test -s /opt/dbbackup/dbbackup.jsa; \
    test -n "$(find /opt/dbbackup/dbbackup.native -name 'libzstd-jni-*' -size +0)"; \
    rm -rf /backups/* /tmp/*; \
    chmod 0644 /opt/dbbackup/dbbackup.jsa; \
    chmod -R u=rwX,go=rX /opt/dbbackup/dbbackup.native

# JVM flags: bin/dbbackup's defaults (serial GC, 64 MiB initial heap, heap up to 50 % of the container's
# memory, MALLOC_ARENA_MAX=2, the archive above). JAVA_OPTS replaces the flags. No LANG here: the launcher
# runs Java under C.UTF-8 when the locale is ASCII (non-ASCII paths and database names).
ENV DBBACKUP_JAR=/opt/dbbackup/dbbackup.jar \
    DBBACKUP_CONFIG=/config/config.yaml \
    DBBACKUP_TMPDIR=/tmp

USER 10001:10001
WORKDIR /config
# tini is PID 1: it forwards SIGTERM/SIGINT to the JVM (which stops cleanly and exits 143/130) and
# reaps any orphaned child processes.
ENTRYPOINT ["/usr/bin/tini", "--", "dbbackup"]
CMD ["--help"]
