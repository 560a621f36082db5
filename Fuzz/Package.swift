// swift-tools-version:6.2
// libFuzzer targets for the provider's input parsers and content conversions (docs/fuzzing.md).
// Not part of the default build: built by `make fuzz` with `-sanitize=fuzzer,address -parse-as-library`.
import PackageDescription

// The root package's identity is the name of the folder holding this one (a clone may be named anything).
let root = Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init) ?? "main"

let package = Package(
    name: "provider-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        // Splitting one fuzzer input into fields; no provider code.
        .target(name: "FuzzInput"),
        // `objects` and the SecretProviderClass parameters: ObjectList.parse, MountParameters.parse.
        .executableTarget(
            name: "FuzzParameters",
            dependencies: ["FuzzInput", .product(name: "ProviderParameters", package: root)]
        ),
        // A MountRequest's three JSON strings: MountRequestDecoder.decode, then MountParameters.parse.
        .executableTarget(
            name: "FuzzMountRequest",
            dependencies: [
                "FuzzInput", .product(name: "MountPipeline", package: root),
                .product(name: "ProviderParameters", package: root),
            ]
        ),
        // Key Vault answers into file bytes: PKCS#12/PEM secrets, JWK public keys, certificates.
        .executableTarget(
            name: "FuzzContent",
            dependencies: [
                "FuzzInput", .product(name: "KeyVaultContent", package: root),
                .product(name: "ProviderParameters", package: root),
            ]
        ),
    ]
)
