# syntax=docker/dockerfile:1
# The provider's image: built with the Swift toolchain, run on a root filesystem of exactly the Debian
# packages in scripts/image/runtime-packages.txt (no shell, no package manager). `make image-check` builds
# that same root filesystem and runs the binary in it without a container engine.
#
#   docker build -t <registry>/secrets-store-csi-driver-provider-azure:0.1.0 .

ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG DEBIAN_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Package.resolved is not committed: dependencies resolve within Package.swift's version ranges.
COPY Package.* ./
RUN swift package resolve
COPY Sources Sources
# SwiftPM checks that every declared target's directory exists, test targets included.
COPY Tests Tests
# The Swift runtime and Foundation linked statically: the runtime stage needs no Swift libraries.
RUN swift build -c release --static-swift-stdlib --product secrets-store-csi-driver-provider-azure \
 && install -D -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/secrets-store-csi-driver-provider-azure" \
        /out/usr/local/bin/secrets-store-csi-driver-provider-azure \
 && strip /out/usr/local/bin/secrets-store-csi-driver-provider-azure

FROM ${DEBIAN_IMAGE} AS rootfs
COPY scripts/image/build-rootfs.sh scripts/image/runtime-packages.txt /image/
RUN apt-get update && bash /image/build-rootfs.sh /rootfs && rm -rf /var/lib/apt/lists/*

FROM scratch
COPY --from=rootfs /rootfs/ /
COPY --from=build /out/ /
# uid 0 with every capability dropped (the chart's securityContext): the driver creates the host's providers
# directory root-owned and shared with other providers, so a non-root uid could not create azure.sock there
# without changing that directory's ownership on every node. See docs/operations.md.
USER 0:0
ENTRYPOINT ["/usr/local/bin/secrets-store-csi-driver-provider-azure"]
CMD ["--endpoint=unix:///provider/azure.sock"]
