// swift-tools-version:6.2
// Builds the protoc plugins at the exact versions the project depends on. Used only by
// scripts/generate-proto.sh; it has no targets of its own.
import PackageDescription

let package = Package(
    name: "protoc-plugins",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
    ],
    targets: []
)
