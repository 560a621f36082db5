#!/usr/bin/env bash
# `make image-check`: proves the Dockerfile's runtime stage without a container engine. Builds the release
# binary as the Dockerfile does, the runtime root filesystem from the same Debian packages (build-rootfs.sh),
# copies the stripped binary in, reports the sizes, and runs check_runtime_root.py against the local fakes.
set -euo pipefail
cd "$(dirname "$0")/../.."
product=secrets-store-csi-driver-provider-azure
scratch=.build-release
work=.build-image
root=$work/rootfs

for tool in unshare mount dpkg-deb apt-get strip; do
    command -v "$tool" >/dev/null || { echo "image-check: $tool is missing" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "image-check: must run as root (mount namespace, chroot)" >&2; exit 1; }

if [ -n "${PROVIDER_BINARY:-}" ]; then
    # A release binary built elsewhere (for example from a clean checkout while this tree is being edited).
    binary=$PROVIDER_BINARY
    [ -x "$binary" ] || { echo "image-check: PROVIDER_BINARY=$binary is not an executable" >&2; exit 1; }
else
    echo "== release build (--static-swift-stdlib, as in the Dockerfile)"
    nice -n 19 swift build -c release --static-swift-stdlib --product "$product" --scratch-path "$scratch"
    binary="$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)/$product"
fi

echo "== runtime root filesystem from scripts/image/runtime-packages.txt"
apt-get update -qq
bash scripts/image/build-rootfs.sh "$root"
base_kib=$(du -sk "$root" | cut -f1)
install -m 0755 "$binary" "$root/usr/local/bin/$product"
strip "$root/usr/local/bin/$product"
total_kib=$(du -sk "$root" | cut -f1)

echo "== shared libraries the binary needs, resolved inside the root"
missing=$(chroot "$root" /lib64/ld-linux-x86-64.so.2 --list "/usr/local/bin/$product" | tee /dev/stderr | grep -c "not found" || true)
[ "$missing" = 0 ] || { echo "image-check: $missing libraries not found in the root" >&2; exit 1; }
# With /proc, as in every container: the Swift runtime reads the arguments from /proc/self/cmdline, and
# without it the binary would see none (and start `serve` with its defaults).
unshare --mount --propagation private sh -c 'mount -t proc proc "$1/proc" && exec chroot "$1" "$2" version' - "$root" "/usr/local/bin/$product"

echo "== serve inside the root against the local fakes"
.venv/bin/python scripts/image/check_runtime_root.py "$root"

printf '\n== sizes\n'
printf '  binary: %s unstripped, %s stripped\n' "$(du -h "$binary" | cut -f1)" "$(du -h "$root/usr/local/bin/$product" | cut -f1)"
printf '  root filesystem: %d KiB without the binary, %d KiB with it (%s packages):\n' "$base_kib" "$total_kib" \
    "$(wc -l < "$root/usr/share/provider-azure/packages.txt")"
sed 's/^/    /' "$root/usr/share/provider-azure/packages.txt"
