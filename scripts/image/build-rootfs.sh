#!/usr/bin/env bash
# Builds the image's runtime root filesystem in $1: exactly the Debian packages of runtime-packages.txt,
# unpacked with dpkg-deb -x (no maintainer scripts, no package database, no shell, no package manager), plus
# the CA bundle that ca-certificates' postinst would have generated. Used by the Dockerfile and by
# check-runtime-root.sh, so both produce the same files. Needs current apt lists (apt-get update).
set -euo pipefail
out=${1:?usage: build-rootfs.sh <output dir>}
here=$(cd "$(dirname "$0")" && pwd)
mapfile -t packages < <(grep -Ev '^\s*(#|$)' "$here/runtime-packages.txt")
debs=$(mktemp -d)
trap 'rm -rf "$debs"' EXIT
# As root into a private temporary directory: no need for the _apt sandbox user.
(cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "${packages[@]}" >/dev/null)
rm -rf "$out"
mkdir -p "$out"
for deb in "$debs"/*.deb; do
    dpkg-deb -x "$deb" "$out"
    dpkg-deb --show --showformat='${Package} ${Version}\n' "$deb" >> "$debs/manifest"
done
# update-ca-certificates does not run under dpkg-deb -x: concatenate the roots it would have enabled.
mkdir -p "$out/etc/ssl/certs"
find "$out/usr/share/ca-certificates/mozilla" -name '*.crt' | LC_ALL=C sort | xargs cat > "$out/etc/ssl/certs/ca-certificates.crt"
# Nothing at run time reads these.
rm -rf "$out/usr/share/doc" "$out/usr/share/man" "$out/usr/share/lintian" "$out/usr/share/locale" \
       "$out/usr/share/gdb" "$out/usr/share/gcc" "$out/usr/sbin" "$out/sbin" "$out/usr/bin" "$out/bin" \
       "$out/usr/share/ca-certificates" "$out/usr/libexec"
# Mount points: the providers directory, the extra CA ConfigMap, and what the container runtime provides.
mkdir -p "$out/provider" "$out/etc/provider-azure/extra-ca" "$out/proc" "$out/dev" "$out/usr/local/bin"
install -D -m 0644 "$debs/manifest" "$out/usr/share/provider-azure/packages.txt"
