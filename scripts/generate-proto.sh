#!/usr/bin/env bash
# Regenerates the committed protobuf/gRPC code from proto/:
#   Sources/ProviderAPI/*.pb.swift, *.grpc.swift   (Swift: swift-protobuf + grpc-swift-2 plugins)
#   Tests/e2e/gen/*_pb2*.py                          (Python: grpcio-tools, for the driver-like test client)
# Not run by CI. Needs protoc (Debian: protobuf-compiler) and the e2e venv (make venv).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v protoc >/dev/null || { echo "protoc is missing: apt-get install -y protobuf-compiler" >&2; exit 1; }

plugins=scripts/protoc-plugins
swift build -c release --package-path "$plugins" --scratch-path .build-protoc --product protoc-gen-swift
swift build -c release --package-path "$plugins" --scratch-path .build-protoc --product protoc-gen-grpc-swift-2
bin=$(swift build -c release --package-path "$plugins" --scratch-path .build-protoc --show-bin-path)

out=Sources/ProviderAPI
rm -f "$out"/*.pb.swift "$out"/*.grpc.swift
protoc -I proto \
  --plugin=protoc-gen-swift="$bin/protoc-gen-swift" \
  --plugin=protoc-gen-grpc-swift-2="$bin/protoc-gen-grpc-swift-2" \
  --swift_out="$out" --swift_opt=Visibility=Public --swift_opt=FileNaming=DropPath \
  --grpc-swift-2_out="$out" --grpc-swift-2_opt=Visibility=Public --grpc-swift-2_opt=FileNaming=DropPath \
  --grpc-swift-2_opt=Server=true --grpc-swift-2_opt=Client=true \
  service.proto grpc/health/v1/health.proto

py=Tests/e2e/gen
mkdir -p "$py"
rm -f "$py"/service_pb2*.py
.venv/bin/python -m grpc_tools.protoc -I proto --python_out="$py" --grpc_python_out="$py" service.proto
echo "generated: $out, $py"
