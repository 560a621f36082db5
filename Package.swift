// swift-tools-version:6.2
// The Azure Key Vault provider for the Secrets Store CSI Driver.
// Layering (dependencies point downwards):
//   Provider (executable) -> ProviderServer -> MountPipeline -> ProviderParameters / AzureAuth / KeyVaultClient / KeyVaultContent
//   System libraries: CMalloc (glibc's malloc.h, for ProviderServer), COpenSSL (libcrypto, for KeyVaultContent)
//   ProviderLint -> ProviderParameters -> AzureCloud, KeyVaultIdentifiers
//   AzureAuth, KeyVaultClient -> AzureHTTP -> AzureCloud;  KeyVaultClient -> KeyVaultIdentifiers
//   ProviderMetrics (metric names and recording, swift-metrics) sits under every module that records.
// Seams: MountPipeline reads vaults through `VaultReading` (KeyVaultClient), opened per mount by a
// `VaultReaderFactory`; ProviderServer calls a `MountHandler`. Tests put in-memory doubles there.
import PackageDescription

let package = Package(
    name: "secrets-store-csi-driver-provider-azure-swift",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "secrets-store-csi-driver-provider-azure", targets: ["Provider"]),
        // For the libFuzzer targets in Fuzz/ (a separate package, outside the default build).
        .library(name: "ProviderParameters", targets: ["ProviderParameters"]),
        .library(name: "MountPipeline", targets: ["MountPipeline"]),
        .library(name: "KeyVaultContent", targets: ["KeyVaultContent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Generated protobuf + gRPC code (scripts/generate-proto.sh). Never edited by hand.
        .target(
            name: "ProviderAPI",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // Named Azure clouds: authority host, Key Vault DNS suffix and resource.
        .target(name: "AzureCloud"),
        // Key Vault's own vocabulary: the object types and the object ids it answers with.
        .target(name: "KeyVaultIdentifiers"),
        // Every metric the provider records (swift-metrics); the executable bootstraps the Prometheus backend.
        .target(name: "ProviderMetrics", dependencies: [.product(name: "CoreMetrics", package: "swift-metrics")]),
        // SecretProviderClass parameters and the objects array: pure, no I/O.
        .target(
            name: "ProviderParameters",
            dependencies: ["AzureCloud", "KeyVaultIdentifiers", .product(name: "Yams", package: "Yams")]
        ),
        // Offline checks of SecretProviderClass manifests (`lint`).
        .target(
            name: "ProviderLint",
            dependencies: ["AzureCloud", "ProviderParameters", .product(name: "Yams", package: "Yams")]
        ),
        // glibc's malloc.h: arena limit and trimming (ProviderServer's ProcessHeap).
        .systemLibrary(name: "CMalloc"),
        // OpenSSL's libcrypto, for PKCS#12 only.
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // Pure conversions of Key Vault answers into file bytes.
        .target(
            name: "KeyVaultContent",
            dependencies: [
                "COpenSSL", "ProviderParameters",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // The process-wide HTTPS client: proxies from the environment, extra trust roots, retries.
        .target(
            name: "AzureHTTP",
            dependencies: [
                "ProviderMetrics",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Token credentials for every identity mode and the identity-scoped token cache.
        .target(
            name: "AzureAuth",
            dependencies: [
                "AzureHTTP", "AzureCloud", "ProviderMetrics",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Key Vault REST: secrets, keys, certificates, version listing.
        .target(
            name: "KeyVaultClient",
            dependencies: [
                "AzureHTTP", "AzureAuth", "AzureCloud", "KeyVaultIdentifiers", "ProviderMetrics",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Request JSON -> parameters -> vault reads -> conversion -> files. No gRPC types.
        .target(
            name: "MountPipeline",
            dependencies: [
                "ProviderParameters", "AzureCloud", "AzureHTTP", "AzureAuth", "KeyVaultClient", "KeyVaultContent",
                "KeyVaultIdentifiers", "ProviderMetrics", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // gRPC services, the Unix socket listener, /healthz, graceful shutdown.
        .target(
            name: "ProviderServer",
            dependencies: [
                "ProviderAPI", "MountPipeline", "ProviderMetrics", "CMalloc",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The command line: flags, logging set-up, subcommands.
        .executableTarget(
            name: "Provider",
            dependencies: [
                "ProviderServer", "ProviderLint", "ProviderParameters", "MountPipeline", "AzureHTTP", "AzureAuth",
                "AzureCloud", "KeyVaultContent", "KeyVaultClient", "KeyVaultIdentifiers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                "ProviderMetrics",
            ],
            // lld packs the ~144,000 relative relocations (DT_RELR, glibc 2.36+): 3.3 MB of .rela.dyn that the loader
            // read at every start, and which stayed resident, become a few KB. The static Swift runtime's link
            // arguments export every symbol of the executable; nothing looks them up (backtraces read .symtab), and
            // their 1.9 MB table was resident too.
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker",
                        "--no-export-dynamic",
                    ], .when(platforms: [.linux], configuration: .release))
            ]
        ),

        // Tests: one target per module, plus helpers several of them share.
        .target(
            name: "TestSupport",
            dependencies: [
                "AzureHTTP", "AzureAuth",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "KeyVaultIdentifiersTests", dependencies: ["KeyVaultIdentifiers"]),
        .testTarget(
            name: "ProviderParametersTests", dependencies: ["ProviderParameters", "AzureCloud", "TestSupport"]),
        .testTarget(
            name: "ProviderLintTests", dependencies: ["ProviderLint", "ProviderParameters", "TestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "KeyVaultContentTests",
            dependencies: [
                "KeyVaultContent", "KeyVaultIdentifiers", "ProviderParameters",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "AzureHTTPTests",
            dependencies: [
                "AzureHTTP", "TestSupport", .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "AzureAuthTests", dependencies: ["AzureAuth", "AzureCloud", "AzureHTTP", "TestSupport"]),
        .testTarget(
            name: "KeyVaultClientTests",
            dependencies: [
                "KeyVaultClient", "AzureAuth", "AzureHTTP", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "MountPipelineTests",
            dependencies: [
                "MountPipeline", "ProviderParameters", "KeyVaultClient", "KeyVaultIdentifiers", "AzureAuth",
                "AzureCloud",
                "TestSupport", .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "ProviderServerTests",
            dependencies: [
                "ProviderServer", "ProviderAPI", "MountPipeline",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "ProviderTests",
            dependencies: [
                "Provider", "MountPipeline", "ProviderParameters", "KeyVaultIdentifiers", "AzureCloud", "AzureHTTP",
                .product(name: "Logging", package: "swift-log"),
            ]),
    ]
)
