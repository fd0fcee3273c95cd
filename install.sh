#!/usr/bin/env bash
# Build prefect-rs from this checkout and install it, with its bash, zsh and fish completions.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: ./install.sh [--uninstall] [--help]

Builds prefect-rs (cargo build --release --locked) and installs:
  $PREFIX/bin/prefect-rs
  $PREFIX/share/bash-completion/completions/prefect-rs
  $PREFIX/share/zsh/site-functions/_prefect-rs
  $PREFIX/share/fish/vendor_completions.d/prefect-rs.fish

Options:
  --uninstall  Remove exactly those files
  -h, --help   Print this help

Environment:
  PREFIX            Where to install [default: $HOME/.local]
  CARGO_TARGET_DIR  Cargo's build directory, if not target/ in this checkout
EOF
}

say() { printf 'install.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

uninstall=0
for arg in "$@"; do
    case $arg in
        --uninstall) uninstall=1 ;;
        -h | --help) usage; exit 0 ;;
        *) say "unknown argument: $arg"; usage >&2; exit 2 ;;
    esac
done

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
prefix=${PREFIX:-${HOME:?neither PREFIX nor HOME is set}/.local}
[[ $prefix == /* ]] || prefix=$PWD/$prefix

bin=$prefix/bin/prefect-rs
# Completion file in the repository -> where it is installed.
completion_sources=(prefect-rs.bash _prefect-rs prefect-rs.fish)
completion_targets=(
    "$prefix/share/bash-completion/completions/prefect-rs"
    "$prefix/share/zsh/site-functions/_prefect-rs"
    "$prefix/share/fish/vendor_completions.d/prefect-rs.fish"
)

if ((uninstall)); then
    for file in "$bin" "${completion_targets[@]}"; do
        if [[ -e $file || -L $file ]]; then
            rm -f -- "$file"
            say "removed $file"
        else
            say "already absent: $file"
        fi
    done
    exit 0
fi

command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust from https://rustup.rs, then re-run ./install.sh"
for source in "${completion_sources[@]}"; do
    [[ -f $repo/completions/$source ]] || die "$repo/completions/$source is missing (is this a complete checkout?)"
done

say "building: cargo build --release --locked (in $repo)"
(cd "$repo" && cargo build --release --locked)
# cargo reads a relative CARGO_TARGET_DIR against the directory it runs in: the repository, here.
target=${CARGO_TARGET_DIR:-target}
[[ $target == /* ]] || target=$repo/$target
built=$target/release/prefect-rs
[[ -x $built ]] || die "cargo reported success but $built does not exist"

tmp=
trap 'if [[ -n $tmp ]]; then rm -f -- "$tmp"; fi' EXIT

# install_file SOURCE DEST MODE: copy next to DEST, then rename over it, so DEST (even a running binary) is never
# seen half-written.
install_file() {
    local source=$1 dest=$2 mode=$3
    mkdir -p -- "$(dirname -- "$dest")"
    tmp=$(mktemp "$(dirname -- "$dest")/.prefect-rs-install.XXXXXX")
    cp -- "$source" "$tmp"
    chmod "$mode" "$tmp"
    mv -f -- "$tmp" "$dest"
    tmp=
    say "installed $dest"
}

install_file "$built" "$bin" 0755
for i in "${!completion_sources[@]}"; do
    install_file "$repo/completions/${completion_sources[i]}" "${completion_targets[i]}" 0644
done

"$bin" --version >/dev/null || die "the installed $bin does not run"
case ":${PATH:-}:" in
    *":$prefix/bin:"*) ;;
    *) say "note: $prefix/bin is not on your PATH; add it, e.g. export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
say "zsh only loads completions from \$fpath: if $prefix/share/zsh/site-functions is not in it, add" \
    "fpath=($prefix/share/zsh/site-functions \$fpath) before compinit in ~/.zshrc"
