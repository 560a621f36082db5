import Testing

@testable import KeyVaultContent

/// `--construct-pem-chain` ordering by Authority / Subject Key Identifier.
@Suite struct ChainOrderTests {
    typealias IDs = CertificateChainOrder.KeyIdentifiers
    let rootID: [UInt8] = [1], intermediateID: [UInt8] = [2], leafID: [UInt8] = [3]
    var root: IDs { IDs(authorityKeyID: rootID, subjectKeyID: rootID) }
    var intermediate: IDs { IDs(authorityKeyID: rootID, subjectKeyID: intermediateID) }
    var leaf: IDs { IDs(authorityKeyID: intermediateID, subjectKeyID: leafID) }

    @Test func completeChainIsReordered() throws {
        #expect(try CertificateChainOrder.order([root, leaf, intermediate]) == [1, 2, 0])
        #expect(try CertificateChainOrder.order([intermediate, root, leaf]) == [2, 0, 1])
        #expect(try CertificateChainOrder.order([leaf, intermediate, root]) == [0, 1, 2])
    }

    @Test func rootWithoutAKIStillEndsTheChain() throws {
        let bareRoot = IDs(authorityKeyID: nil, subjectKeyID: rootID)
        #expect(try CertificateChainOrder.order([bareRoot, intermediate, leaf]) == [2, 1, 0])
    }

    @Test func leafWithoutSKI() throws {
        let bareLeaf = IDs(authorityKeyID: intermediateID, subjectKeyID: nil)
        #expect(try CertificateChainOrder.order([root, intermediate, bareLeaf]) == [2, 1, 0])
    }

    @Test func selfSignedCertificateAlone() throws {
        #expect(try CertificateChainOrder.order([root]) == [0])
        #expect(try CertificateChainOrder.order([IDs(authorityKeyID: nil, subjectKeyID: nil)]) == [0])
    }

    @Test func incompleteChainKeepsTheOriginalOrder() throws {
        // Intermediate missing: Go would write only the leaf; the original order is kept instead.
        #expect(try CertificateChainOrder.order([root, leaf]) == [0, 1])
        // Two unrelated chains (two leaves).
        let otherLeaf = IDs(authorityKeyID: [9], subjectKeyID: [8])
        #expect(try CertificateChainOrder.order([otherLeaf, leaf, intermediate, root]) == [0, 1, 2, 3])
        // No identifiers at all: nothing links (absent AKI and SKI are no evidence).
        let bare = IDs(authorityKeyID: nil, subjectKeyID: nil)
        #expect(try CertificateChainOrder.order([bare, bare, bare]) == [0, 1, 2])
    }

    @Test func emptyListIsEmpty() throws {
        #expect(try CertificateChainOrder.order([]) == [])
    }

    @Test func cycleIsAnError() {
        // A and B sign each other; C hangs off A: C -> A -> B -> A ...
        let a = IDs(authorityKeyID: [20], subjectKeyID: [10])
        let b = IDs(authorityKeyID: [10], subjectKeyID: [20])
        let c = IDs(authorityKeyID: [10], subjectKeyID: [30])
        let error = #expect(throws: ContentError.self) { try CertificateChainOrder.order([a, b, c]) }
        #expect(error?.description.contains("cycle") == true)
        // Only a cycle, no leaf at all.
        #expect(throws: ContentError.self) { try CertificateChainOrder.order([a, b]) }
    }

    @Test func duplicateIssuerLeavesACertificateOut() throws {
        // Two certificates carry the intermediate's SKI: the leaf links to the first, the twin is left out, so the original order stays.
        let twin = IDs(authorityKeyID: [7], subjectKeyID: intermediateID)
        #expect(try CertificateChainOrder.order([leaf, intermediate, twin, root]) == [0, 1, 2, 3])
    }
}
