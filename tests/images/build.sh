#!/usr/bin/env bash
# Builds the container images the integration tests run, with the local Docker engine alone: no image registry is
# needed (none is reachable on the project's machines), only Debian's package mirror.
#
#   tests/images/build.sh base            -> prefect-rs-test/debian:<hash>    Debian bookworm minbase + CA certificates
#   tests/images/build.sh postgres        -> prefect-rs-test/postgres:<hash>  PostgreSQL 15 with the official image's
#                                            environment contract (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, ...)
#   tests/images/build.sh server BINARY   -> prefect-rs-test/server:<hash>    the base image + BINARY as `prefect-rs`
#   tests/images/build.sh registry DIR    -> "127.0.0.1:PORT PID": a throwaway Docker registry (Debian's
#                                            docker-registry) on a free loopback port, storing under DIR; the caller
#                                            kills PID when done
#
# Only the result goes to stdout; progress and errors go to stderr. <hash> is the first 12 hex digits of this file's
# SHA-256 (for `server`, of this file followed by BINARY), so an image is rebuilt exactly when its recipe changes and a
# rerun is instant. The debootstrapped tree is cached as a tarball under ${XDG_CACHE_HOME:-~/.cache}/prefect-rs/images/
# so `base` and `postgres` share one debootstrap. Builds take a lock in that directory: concurrent callers wait for one
# build instead of racing.
#
# Needs: docker (engine reachable), debootstrap (for base/postgres) and docker-registry (for registry); when they are
# missing and we are root, they are installed with apt-get.
set -euo pipefail

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

SELF=$(readlink -f "${BASH_SOURCE[0]}")
HASH=$(sha256sum "$SELF" | cut -c1-12)
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/prefect-rs/images"
SUITE=bookworm
ROOTFS_TAR="$CACHE/debian-$SUITE-$HASH.tar"
BASE_REF="prefect-rs-test/debian:$HASH"
POSTGRES_REF="prefect-rs-test/postgres:$HASH"
DEFAULT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export DOCKER_BUILDKIT=0 # the classic builder: it uses local images for FROM and never tries to pull them

# The Debian mirror for debootstrap: $PREFECT_RS_DEBIAN_MIRROR, else the host's own (deb822 or one-line sources).
debian_mirror() {
    if [[ -n ${PREFECT_RS_DEBIAN_MIRROR:-} ]]; then printf '%s\n' "$PREFECT_RS_DEBIAN_MIRROR"; return; fi
    local uri=''
    if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
        uri=$(awk 'tolower($1) == "uris:" && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
    fi
    if [[ -z $uri && -r /etc/apt/sources.list ]]; then
        uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
            /etc/apt/sources.list)
    fi
    printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

need_docker() {
    command -v docker >/dev/null || die "the docker CLI is not installed (apt-get install docker.io)"
    docker version --format '{{.Server.Version}}' >/dev/null 2>&1 \
        || die "the Docker engine does not answer (is dockerd running, and may this user use its socket?)"
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# One lock for every build and install, taken once per process (flock on a second descriptor would deadlock).
LOCKED=''
lock() {
    [[ -n $LOCKED ]] && return
    mkdir -p "$CACHE" || die "cannot create the cache directory $CACHE"
    exec {LOCK_FD}>"$CACHE/.lock"
    if ! flock -n "$LOCK_FD"; then
        say "waiting for another build (lock $CACHE/.lock)"
        flock -w 1200 "$LOCK_FD" || die "timed out after 20 min waiting for the lock $CACHE/.lock"
    fi
    LOCKED=1
    # Every user of a temporary directory holds the lock, so any left now belongs to a build that was killed.
    rm -rf -- "$CACHE"/.tmp.* "$CACHE"/*.part
}

# Temporary directories, removed on exit. Nothing is ever mounted inside them, so rm -rf is safe.
# make_tmp VAR: a new directory under the cache (same file system as the cached tarball), its path put in VAR.
TMPDIRS=()
cleanup() { local d; for d in "${TMPDIRS[@]}"; do rm -rf -- "$d"; done; }
trap cleanup EXIT
make_tmp() {
    local d
    d=$(mktemp -d "$CACHE/.tmp.XXXXXX") || die "cannot create a temporary directory in $CACHE"
    TMPDIRS+=("$d")
    printf -v "$1" '%s' "$d"
}

# ensure_tool COMMAND PACKAGE: install PACKAGE with apt-get when COMMAND is missing and we are root.
ensure_tool() {
    local cmd=$1 pkg=$2
    command -v "$cmd" >/dev/null && return
    PATH="$PATH:/usr/sbin:/sbin" command -v "$cmd" >/dev/null && { PATH="$PATH:/usr/sbin:/sbin"; return; }
    if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
        die "$cmd not found and we are not root: install the Debian package $pkg (sudo apt-get install $pkg)"
    fi
    lock
    command -v "$cmd" >/dev/null && return
    say "installing $pkg with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$pkg" >&2 \
        || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$pkg" >&2; } \
        || die "could not install $pkg with apt-get"
    command -v "$cmd" >/dev/null || die "$pkg was installed but $cmd is still not on PATH"
}

# run_logged LOG COMMAND...: run quietly, showing the log's tail on failure.
run_logged() {
    local log=$1; shift
    if ! "$@" >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        die "failed: $* (full log: $log)"
    fi
}

# Leaves a fresh copy of the debootstrapped tree in DIR: from the cached tarball, else by running debootstrap (and
# caching its result). Caller holds the lock.
rootfs_tree() {
    local dir=$1
    if [[ ! -s $ROOTFS_TAR ]]; then
        ensure_tool debootstrap debootstrap
        [[ $(id -u) == 0 ]] || die "debootstrap needs root (it creates device nodes and chroots)"
        local mirror started=$SECONDS
        mirror=$(debian_mirror)
        say "debootstrap --variant=minbase $SUITE from $mirror (about 30 s)"
        run_logged "$CACHE/debootstrap.log" \
            debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$dir" "$mirror"
        tar -C "$dir" --numeric-owner -cf "$ROOTFS_TAR.part" . || die "could not write $ROOTFS_TAR"
        mv -f "$ROOTFS_TAR.part" "$ROOTFS_TAR"
        # Trees of older recipes are of no further use.
        find "$CACHE" -maxdepth 1 -name "debian-$SUITE-*.tar" ! -name "${ROOTFS_TAR##*/}" -delete
        say "debootstrap done in $((SECONDS - started)) s; cached as $ROOTFS_TAR"
    else
        mkdir -p "$dir"
        tar -C "$dir" --numeric-owner -xpf "$ROOTFS_TAR" || die "could not unpack $ROOTFS_TAR"
    fi
}

# What an image does not need: package lists, caches, logs, documentation.
strip_tree() {
    local root=$1
    [[ -n $root && -d $root/etc ]] || die "strip_tree: $root is not a root file system"
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
        "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/debootstrap
    find "$root/var/log" -type f -delete
    : >"$root/etc/resolv.conf" # Docker bind-mounts its own
}

# import_tree DIR REF [CHANGE...]: the tree as a single-layer image; each CHANGE is a Dockerfile instruction that
# `docker import -c` takes (ENV, CMD, ENTRYPOINT, EXPOSE, ...; not STOPSIGNAL).
import_tree() {
    local root=$1 ref=$2 change changes=(-c "ENV PATH=$DEFAULT_PATH" -c 'ENV LANG=C.UTF-8' -c 'CMD ["bash"]')
    shift 2
    for change in "$@"; do changes+=(-c "$change"); done
    tar -C "$root" --numeric-owner -c . | docker import "${changes[@]}" - "$ref" >/dev/null \
        || die "docker import of $ref failed"
}

# Removes tags of REPO other than the newest KEEP (an image in use by a container stays: rmi refuses it).
prune_repo() {
    local repo=$1 keep=$2 tag
    docker images --format '{{.Tag}}' "$repo" | tail -n +"$((keep + 1))" | while read -r tag; do
        docker rmi "$repo:$tag" >/dev/null 2>&1 && say "removed the outdated image $repo:$tag" || true
    done
}

build_base() {
    image_exists "$BASE_REF" && return
    lock
    image_exists "$BASE_REF" && return
    local started=$SECONDS tmp
    make_tmp tmp
    rootfs_tree "$tmp/root"
    strip_tree "$tmp/root"
    say "importing $BASE_REF"
    import_tree "$tmp/root" "$BASE_REF"
    rm -rf -- "$tmp"
    prune_repo prefect-rs-test/debian 2
    say "built $BASE_REF in $((SECONDS - started)) s"
}

# The entrypoint of the postgres image: the official postgres image's contract, for a Debian package's PostgreSQL.
write_postgres_entrypoint() {
    cat >"$1" <<'ENTRYPOINT'
#!/usr/bin/env bash
# Stand-in for the official postgres image's entrypoint, with its environment contract:
#   POSTGRES_USER (default postgres), POSTGRES_PASSWORD (required unless POSTGRES_HOST_AUTH_METHOD=trust; or
#   POSTGRES_PASSWORD_FILE), POSTGRES_DB (default: the user's name), POSTGRES_HOST_AUTH_METHOD (default
#   scram-sha-256), POSTGRES_INITDB_ARGS, PGDATA (default /var/lib/postgresql/data).
# An empty data directory is initialised once (scripts in /docker-entrypoint-initdb.d/ run then); postgres then
# replaces this script in the foreground, as user postgres, so `docker stop` reaches it directly.
set -Eeuo pipefail

log() { printf '%s [entrypoint] %s\n' "$(date -u '+%F %T UTC')" "$*" >&2; }

# file_env VAR: VAR from VAR_FILE when that is set instead.
file_env() {
    local var=$1 file_var="${1}_FILE"
    if [[ -n ${!var:-} && -n ${!file_var:-} ]]; then
        log "error: both $var and $file_var are set (but are exclusive)"; exit 1
    fi
    if [[ -n ${!file_var:-} ]]; then export "$var=$(<"${!file_var}")"; fi
    unset "$file_var"
}

export PGDATA=${PGDATA:-/var/lib/postgresql/data}

# `docker run IMAGE -c fsync=off` means `postgres -c fsync=off`.
if [[ ${1:-} == -* ]]; then set -- postgres "$@"; fi

if [[ ${1:-} == postgres && $(id -u) == 0 ]]; then
    # Bind mounts arrive owned by root: hand the data directory to postgres, then start over as that user.
    mkdir -p "$PGDATA" /var/run/postgresql
    find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' +
    chmod 700 "$PGDATA" || :
    chown postgres:postgres /var/run/postgresql
    chmod 3777 /var/run/postgresql
    export HOME=/var/lib/postgresql
    exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

if [[ ${1:-} == postgres && ! -s $PGDATA/PG_VERSION ]]; then
    file_env POSTGRES_PASSWORD
    export POSTGRES_USER=${POSTGRES_USER:-postgres}
    export POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}
    export POSTGRES_HOST_AUTH_METHOD=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
    if [[ -z ${POSTGRES_PASSWORD:-} && $POSTGRES_HOST_AUTH_METHOD != trust ]]; then
        cat >&2 <<'EOF'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
       connections without a password. This is *not* recommended.
EOF
        exit 1
    fi

    mkdir -p "$PGDATA"
    chmod 700 "$PGDATA" || :
    log "initialising $PGDATA for user $POSTGRES_USER"
    args=(--username="$POSTGRES_USER" --auth-local=trust --auth-host="$POSTGRES_HOST_AUTH_METHOD"
        --encoding=UTF8 --locale=C.UTF-8 -D "$PGDATA")
    if [[ -n ${POSTGRES_PASSWORD:-} ]]; then
        eval 'initdb "${args[@]}" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") '"${POSTGRES_INITDB_ARGS:-}" >&2
    else
        eval 'initdb "${args[@]}" '"${POSTGRES_INITDB_ARGS:-}" >&2
    fi
    {
        echo
        echo "listen_addresses = '*'"
    } >>"$PGDATA/postgresql.conf"
    {
        echo
        echo "host all all all $POSTGRES_HOST_AUTH_METHOD"
    } >>"$PGDATA/pg_hba.conf"

    # A server on the unix socket only, for creating the database and running init scripts.
    pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p ${PGPORT:-5432}" -w start >&2
    export PGUSER=$POSTGRES_USER PGHOST=/var/run/postgresql PGPORT=${PGPORT:-5432}
    psql_cmd=(psql -X -v ON_ERROR_STOP=1 --no-password --dbname postgres)
    if [[ $POSTGRES_DB != postgres ]]; then
        exists=$("${psql_cmd[@]}" -tA --set db="$POSTGRES_DB" <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")
        if [[ $exists != 1 ]]; then
            "${psql_cmd[@]}" -q --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
            log "created database $POSTGRES_DB"
        fi
    fi
    if [[ -d /docker-entrypoint-initdb.d ]]; then
        for f in /docker-entrypoint-initdb.d/*; do
            case $f in
                *.sh) log "running $f"; if [[ -x $f ]]; then "$f"; else . "$f"; fi ;;
                *.sql) log "running $f"; "${psql_cmd[@]}" --dbname "$POSTGRES_DB" -f "$f" >&2 ;;
                *) [[ -e $f ]] && log "ignoring $f" ;;
            esac
        done
    fi
    pg_ctl -D "$PGDATA" -m fast -w stop >&2
    unset PGHOST PGUSER
    log "PostgreSQL init process complete; ready for start up."
fi

exec "$@"
ENTRYPOINT
    chmod 755 "$1"
}

build_postgres() {
    image_exists "$POSTGRES_REF" && return
    lock
    image_exists "$POSTGRES_REF" && return
    local started=$SECONDS tmp root
    make_tmp tmp
    root=$tmp/root
    rootfs_tree "$root"
    # No daemon may start inside the chroot; apt needs a resolver.
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
    chmod 755 "$root/usr/sbin/policy-rc.d"
    cp -L /etc/resolv.conf "$root/etc/resolv.conf"
    say "installing postgresql-15 in the chroot (about 20 s)"
    # As the official image does: no cluster is created at install time (the entrypoint makes one in PGDATA).
    # The official image's user and group ids (999), so bind-mounted data directories are owned alike.
    run_logged "$CACHE/postgres-chroot.log" chroot "$root" /usr/bin/env -i PATH="$DEFAULT_PATH" LANG=C.UTF-8 \
        DEBIAN_FRONTEND=noninteractive /bin/bash -euo pipefail -c '
            groupadd -r postgres --gid=999
            useradd -r -g postgres --uid=999 --home-dir=/var/lib/postgresql --shell=/bin/bash postgres
            mkdir -p /var/lib/postgresql
            chown -R postgres:postgres /var/lib/postgresql
            apt-get update -q
            apt-get install -y -q --no-install-recommends postgresql-common
            sed -ri "s/#(create_main_cluster) .*$/\1 = false/" /etc/postgresql-common/createcluster.conf
            apt-get install -y -q --no-install-recommends postgresql-15
            apt-get clean
            test -x /usr/lib/postgresql/15/bin/postgres
            test -x /usr/lib/postgresql/15/bin/pg_isready
            command -v setpriv'
    rm -f "$root/usr/sbin/policy-rc.d"
    strip_tree "$root"

    # The image's configuration comes with the import (each Dockerfile instruction costs a commit of ~2 s on
    # fuse-overlayfs); `docker build` adds the entrypoint and what import cannot set: STOPSIGNAL.
    local rootfs_ref="prefect-rs-test/postgres-rootfs:$HASH"
    say "importing $rootfs_ref"
    import_tree "$root" "$rootfs_ref" \
        "ENV PATH=/usr/lib/postgresql/15/bin:$DEFAULT_PATH" \
        'ENV PGDATA=/var/lib/postgresql/data' \
        'ENTRYPOINT ["docker-entrypoint.sh"]' \
        'CMD ["postgres"]' \
        'EXPOSE 5432'
    rm -rf -- "$root"

    local ctx=$tmp/context
    mkdir -p "$ctx"
    write_postgres_entrypoint "$ctx/docker-entrypoint.sh"
    cat >"$ctx/Dockerfile" <<EOF
FROM $rootfs_ref
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
STOPSIGNAL SIGINT
EOF
    say "docker build $POSTGRES_REF"
    local ok=1
    docker build --no-cache -t "$POSTGRES_REF" "$ctx" >"$CACHE/postgres-build.log" 2>&1 || ok=''
    docker rmi "$rootfs_ref" >/dev/null 2>&1 || true # the built image keeps its layer
    [[ -n $ok ]] || { tail -n 30 "$CACHE/postgres-build.log" >&2; die "docker build of $POSTGRES_REF failed"; }
    rm -rf -- "$tmp"
    prune_repo prefect-rs-test/postgres 2
    say "built $POSTGRES_REF in $((SECONDS - started)) s"
}

build_server() {
    local binary=${1:-}
    [[ -n $binary ]] || die "usage: $0 server BINARY (the prefect-rs executable to put in the image)"
    [[ -f $binary ]] || die "server: $binary does not exist or is not a file"
    [[ -r $binary ]] || die "server: $binary is not readable"
    local hash ref
    hash=$(cat "$SELF" "$binary" | sha256sum | cut -c1-12)
    ref="prefect-rs-test/server:$hash"
    if ! image_exists "$ref"; then
        build_base
        lock
        if ! image_exists "$ref"; then
            local started=$SECONDS tmp
            make_tmp tmp
            # A hard link keeps the context cheap (never chmod it: that would change BINARY itself); a copy when
            # the binary is not executable by all or lives on another file system.
            if [[ $(stat -c %a "$binary") != 755 ]] || ! ln "$binary" "$tmp/prefect-rs" 2>/dev/null; then
                cp "$binary" "$tmp/prefect-rs" && chmod 755 "$tmp/prefect-rs" || die "cannot copy $binary to $tmp"
            fi
            cat >"$tmp/Dockerfile" <<EOF
FROM $BASE_REF
COPY prefect-rs /usr/local/bin/prefect-rs
ENV PREFECT_RS_SERVER_MODE=process PREFECT_HOME=/var/lib/prefect PREFECT_SERVER_API_HOST=0.0.0.0
EXPOSE 4200
CMD ["prefect-rs", "server", "start", "--no-docker", "--host", "0.0.0.0"]
EOF
            say "docker build $ref from $binary"
            run_logged "$CACHE/server-build.log" docker build -t "$ref" "$tmp"
            rm -rf -- "$tmp"
            prune_repo prefect-rs-test/server 3
            say "built $ref in $((SECONDS - started)) s"
        fi
    fi
    printf '%s\n' "$ref"
}

# Is something listening on 127.0.0.1:PORT?
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Does http://127.0.0.1:PORT/v2/ answer 200?
registry_answers() {
    (
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf 'GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$1" >&3
        read -r -t 2 _ status _ <&3 || exit 1
        [[ $status == 200 ]]
    ) 2>/dev/null
}

start_registry() {
    local dir=${1:-}
    [[ -n $dir ]] || die "usage: $0 registry DIR (where the registry keeps its config, log and storage)"
    ensure_tool docker-registry docker-registry
    mkdir -p "$dir/storage" || die "registry: cannot create $dir/storage"
    dir=$(cd "$dir" && pwd)
    local attempt port pid deadline
    for attempt in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 40000))
        port_in_use "$port" && continue
        cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
        # No descriptor of ours (stdout, stderr, the lock) may stay open in the server: callers read our output to EOF.
        if [[ -n ${LOCK_FD:-} ]]; then
            docker-registry serve "$dir/config.yml" </dev/null >"$dir/registry.log" 2>&1 {LOCK_FD}>&- &
        else
            docker-registry serve "$dir/config.yml" </dev/null >"$dir/registry.log" 2>&1 &
        fi
        pid=$!
        deadline=$((SECONDS + 20))
        while ((SECONDS < deadline)); do
            if ! kill -0 "$pid" 2>/dev/null; then break; fi
            if registry_answers "$port"; then
                say "registry on 127.0.0.1:$port (pid $pid, storage $dir/storage, log $dir/registry.log)"
                printf '127.0.0.1:%s %s\n' "$port" "$pid"
                return 0
            fi
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
            tail -n 20 "$dir/registry.log" >&2
            die "the registry did not answer http://127.0.0.1:$port/v2/ within 20 s"
        fi
        wait "$pid" 2>/dev/null || true
        if grep -q 'address already in use' "$dir/registry.log"; then
            say "port $port was taken meanwhile; trying another"
            continue
        fi
        tail -n 20 "$dir/registry.log" >&2
        die "docker-registry exited at once (log: $dir/registry.log)"
    done
    die "could not find a free port for the registry in 5 tries"
}

usage() {
    cat >&2 <<EOF
usage: $0 base | postgres | server BINARY | registry DIR
  base             build (once) and print prefect-rs-test/debian:<hash>
  postgres         build (once) and print prefect-rs-test/postgres:<hash>
  server BINARY    build (once per binary) and print prefect-rs-test/server:<hash>
  registry DIR     start a local registry under DIR; print "127.0.0.1:PORT PID"
EOF
    exit 2
}

case ${1:-} in
    base)
        need_docker
        build_base
        printf '%s\n' "$BASE_REF"
        ;;
    postgres)
        need_docker
        build_postgres
        printf '%s\n' "$POSTGRES_REF"
        ;;
    server)
        need_docker
        build_server "${2:-}"
        ;;
    registry)
        start_registry "${2:-}"
        ;;
    *) usage ;;
esac
