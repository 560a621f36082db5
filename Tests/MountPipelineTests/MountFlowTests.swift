import Foundation
import KeyVaultClient
import KeyVaultIdentifiers
import Logging
import MountPipeline
import TestSupport
import Testing

/// The whole mount flow (request JSON -> parameters -> reads -> conversion -> files) against an in-memory
/// vault: every decision the pipeline makes, without a network.
@Suite struct MountFlowTests {
    let vault = InMemoryVault()

    func mount(_ objects: String, timeout: Duration = .seconds(10)) async throws(MountError) -> MountResult {
        try await MountFlow.mounter(vault, timeout: timeout).mount(MountFlow.input(objects: objects))
    }

    @Test func filesAndVersionsFollowTheClassOrderWhateverOrderReadsFinishIn() async throws {
        for (index, name) in ["a", "b", "c", "d"].enumerated() {
            vault.add(.secret, name, version: "v-\(name)", value: "value-\(name)")
            // The first object answers last.
            vault.delay(.secret, name, by: .milliseconds(40 - 10 * index))
        }
        let result = try await mount(
            objectsYAML(
                "objectName: a\nobjectType: secret", "objectName: b\nobjectType: secret",
                "objectName: c\nobjectType: secret", "objectName: d\nobjectType: secret"))
        #expect(result.files.map(\.path) == ["a", "b", "c", "d"])
        #expect(
            result.files.map { String(decoding: $0.contents, as: UTF8.self) } == [
                "value-a", "value-b", "value-c", "value-d",
            ])
        #expect(
            result.objectVersions == ["a", "b", "c", "d"].map { ObjectVersion(id: "secret/\($0)", version: "v-\($0)") })
        #expect(result.files.allSatisfy { $0.mode == 0o644 })
    }

    @Test func historyIsTheNewestEnabledVersionsNewestFirst() async throws {
        vault.add(.secret, "h", version: "v1", value: "one", created: 100)
        vault.add(.secret, "h", version: "v3", value: "three", created: 300)
        vault.add(.secret, "h", version: "v2", value: "two", created: 200, enabled: false)
        vault.add(.secret, "h", version: "v4", value: "four", created: 400)
        let result = try await mount(objectsYAML("objectName: h\nobjectType: secret\nobjectVersionHistory: 2"))
        #expect(result.files.map(\.path) == ["h/0", "h/1"])
        #expect(result.files.map { String(decoding: $0.contents, as: UTF8.self) } == ["four", "three"])
        #expect(
            result.objectVersions == [
                ObjectVersion(id: "secret/h/0", version: "v4"), ObjectVersion(id: "secret/h/1", version: "v3"),
            ])
        #expect(vault.reads.sorted() == ["secrets/h/v3", "secrets/h/v4", "secrets/h/versions"])
    }

    @Test func aPinnedVersionStartsTheHistory() async throws {
        for n in 1...4 { vault.add(.secret, "h", version: "v\(n)", value: "\(n)", created: Int64(n)) }
        let result = try await mount(
            objectsYAML("objectName: h\nobjectType: secret\nobjectVersion: v3\nobjectVersionHistory: 2"))
        #expect(result.objectVersions.map(\.version) == ["v3", "v2"])
    }

    @Test func fewerVersionsThanAskedGivesThoseThereAre() async throws {
        vault.add(.secret, "h", version: "v1", value: "1", created: 1)
        vault.add(.secret, "h", version: "v2", value: "2", created: 2)
        let result = try await mount(objectsYAML("objectName: h\nobjectType: secret\nobjectVersionHistory: 5"))
        #expect(result.files.map(\.path) == ["h/0", "h/1"])
    }

    @Test func aLongListingIsSortedByCreationNotByListingOrder() async throws {
        // More versions than one page of the real service (25): the newest come from anywhere in the listing.
        for n in 1...60 {
            vault.add(.secret, "h", version: String(format: "v%02d", n), value: "\(n)", created: Int64((n * 37) % 61))
        }
        let result = try await mount(objectsYAML("objectName: h\nobjectType: secret\nobjectVersionHistory: 3"))
        let expected = (1...60).sorted { ($0 * 37) % 61 > ($1 * 37) % 61 }.prefix(3).map { String(format: "v%02d", $0) }
        #expect(result.objectVersions.map(\.version) == expected)
    }

    @Test func aPinnedVersionThatIsNotEnabledIsNotFound() async throws {
        vault.add(.secret, "h", version: "v1", value: "1", created: 1, enabled: false)
        vault.add(.secret, "h", version: "v2", value: "2", created: 2)
        let error = await #expect(throws: MountError.self) {
            try await mount(
                objectsYAML("objectName: h\nobjectType: secret\nobjectVersion: v1\nobjectVersionHistory: 2"))
        }
        #expect(
            error
                == MountError(
                    .notFound,
                    "failed to get objectType:secret, objectName:h, objectVersion:v1: objectVersion v1 is not an enabled version of h"
                ))
    }

    @Test func noEnabledVersionIsNotFound() async throws {
        vault.add(.secret, "h", version: "v1", value: "1", created: 1, enabled: false)
        let error = await #expect(throws: MountError.self) {
            try await mount(objectsYAML("objectName: h\nobjectType: secret\nobjectVersionHistory: 2"))
        }
        #expect(
            error
                == MountError(
                    .notFound, "failed to get objectType:secret, objectName:h, objectVersion:: no enabled versions of h"
                ))
    }

    @Test func severalFailuresFailTheWholeMountWithNoFile() async throws {
        vault.add(.secret, "good", version: "v1", value: "fine")
        vault.fail(
            .secret, "missing",
            with: KeyVaultError(kind: .service, status: 404, code: "SecretNotFound", message: "gone"))
        vault.fail(
            .secret, "denied", with: KeyVaultError(kind: .service, status: 403, code: "Forbidden", message: "no"))
        vault.delay(.secret, "denied", by: .milliseconds(50))
        let error = await #expect(throws: MountError.self) {
            try await mount(
                objectsYAML(
                    "objectName: good\nobjectType: secret", "objectName: denied\nobjectType: secret",
                    "objectName: missing\nobjectType: secret"))
        }
        // Every failed object is named, in class order, whichever failed first; the first one's code decides.
        // Nothing of the good object is returned (the call threw).
        #expect(
            error
                == MountError(
                    .permissionDenied,
                    "failed to get objectType:secret, objectName:denied, objectVersion:: status 403, code Forbidden: no;"
                        + " failed to get objectType:secret, objectName:missing, objectVersion:: status 404, code"
                        + " SecretNotFound: gone"))
    }

    @Test func readsThatEndPastTheDeadlineFailBeforeConversion() async throws {
        vault.add(.secret, "slow", version: "v1", value: "late")
        vault.delay(.secret, "slow", by: .milliseconds(300))
        let error = await #expect(throws: MountError.self) {
            try await mount(objectsYAML("objectName: slow\nobjectType: secret"), timeout: .milliseconds(100))
        }
        #expect(error == MountError(.deadlineExceeded, "mount timed out while converting objectName slow"))
    }

    @Test func cancellingTheMountCancelsItsReads() async throws {
        for name in ["a", "b", "c"] {
            vault.add(.secret, name, version: "v1", value: name)
            vault.delay(.secret, name, by: .seconds(30))
        }
        let mounter = MountFlow.mounter(vault, timeout: .seconds(60))
        let started = ContinuousClock.now
        let task = Task {
            try await mounter.mount(
                MountFlow.input(
                    objects: objectsYAML(
                        "objectName: a\nobjectType: secret", "objectName: b\nobjectType: secret",
                        "objectName: c\nobjectType: secret")))
        }
        while vault.reads.count < 3 { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        await #expect(throws: MountError.self) { try await task.value }
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(vault.cancelledReads == 3)
    }

    @Test func aReadFailureAndAConversionFailureAreBothNamed() async throws {
        vault.add(.key, "broken", version: "k1", value: #"{"kid":"x","kty":"oct"}"#)
        vault.fail(
            .secret, "missing",
            with: KeyVaultError(kind: .service, status: 404, code: "SecretNotFound", message: "gone"))
        let error = await #expect(throws: MountError.self) {
            try await mount(
                objectsYAML("objectName: broken\nobjectType: key", "objectName: missing\nobjectType: secret"))
        }
        #expect(error?.kind == .invalidArgument)
        #expect(error?.message.hasPrefix("failed to get objectType:key, objectName:broken, objectVersion:k1: ") == true)
        #expect(
            error?.message.hasSuffix(
                "; failed to get objectType:secret, objectName:missing, objectVersion:: status 404, code SecretNotFound: gone"
            )
                == true)
    }

    @Test func theSameVersionIsReadOncePerMount() async throws {
        vault.add(.secret, "s", version: "v1", value: "one", created: 1)
        vault.add(.secret, "s", version: "v2", value: "two", created: 2)
        // Latest, the same again under another file name, and a history whose newest version is the latest.
        let result = try await mount(
            objectsYAML(
                "objectName: s\nobjectType: secret", "objectName: s\nobjectType: secret\nobjectAlias: again",
                "objectName: s\nobjectType: secret\nobjectAlias: history\nobjectVersionHistory: 2"))
        #expect(result.files.map(\.path) == ["s", "again", "history/0", "history/1"])
        #expect(result.files.map { String(decoding: $0.contents, as: UTF8.self) } == ["two", "two", "two", "one"])
        #expect(vault.reads.sorted() == ["secrets/s/", "secrets/s/v1", "secrets/s/versions"])
    }

    @Test func aMountKeepsAtMostThirtyTwoReadsInFlight() async throws {
        for n in 0..<40 {
            vault.add(.secret, "s\(n)", version: "v", value: "\(n)")
            vault.delay(.secret, "s\(n)", by: .milliseconds(20))
        }
        let entries = (0..<40).map { "objectName: s\($0)\nobjectType: secret" }
        let yaml =
            "array:\n" + entries.map { "  - |\n" + $0.split(separator: "\n").map { "    \($0)\n" }.joined() }.joined()
        let result = try await mount(yaml)
        #expect(result.files.count == 40)
        #expect(vault.peakInFlight == 32)
    }

    @Test func anAnswerLargerThanTheDriverAcceptsIsRefusedNamingTheLargestFiles() async throws {
        let big = String(repeating: "x", count: 1_500_000)
        for name in ["a", "b", "c", "d"] { vault.add(.secret, name, version: "v", value: name == "d" ? "small" : big) }
        let error = await #expect(throws: MountError.self) {
            try await mount(
                objectsYAML(
                    "objectName: a\nobjectType: secret", "objectName: b\nobjectType: secret",
                    "objectName: c\nobjectType: secret", "objectName: d\nobjectType: secret"))
        }
        #expect(error?.kind == .invalidArgument)
        #expect(error?.message.hasPrefix("the mount's answer would be 4500") == true)
        #expect(
            error?.message.hasSuffix(
                "bytes, more than the 4194304 bytes the driver accepts; largest files: a (1500000 bytes), b (1500000 bytes), c (1500000 bytes)"
            )
                == true)
    }
}
