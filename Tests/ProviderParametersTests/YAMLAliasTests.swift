import Foundation
import TestSupport
import Testing

@testable import ProviderParameters

@Suite struct YAMLAliasTests {
    static let message = "YAML anchors and aliases are not supported in objects"

    func objectsError(_ text: String) -> ParameterError? {
        finishing(within: 10) { () -> ParameterError? in
            do throws(ParameterError) {
                _ = try ObjectList.parse(text)
                return nil
            } catch { return error }
        } ?? nil
    }

    @Test func billionLaughsInObjectsIsRejectedQuickly() throws {
        let text = objectsYAML("objectName: s1\nobjectType: secret") + billionLaughs()
        let error = try #require(objectsError(text))
        #expect(error.field == "objects" && error.objectIndex == nil && error.message == Self.message)
    }

    @Test func billionLaughsInOneEntryIsRejectedQuickly() throws {
        let error = try #require(objectsError(objectsYAML("objectName: s1\nobjectType: secret\n" + billionLaughs())))
        #expect(error.field == "objects" && error.objectIndex == 0)
        #expect(error.message == "unmarshal failed for keyVaultObjects at index 0, error: \(Self.message)")
    }

    @Test(arguments: [
        "array:\n  - &entry {objectName: a, objectType: secret}\n  - *entry\n",
        "array:\n  - objectName: &n a\n    objectType: secret\n",
        objectsYAML("objectName: &n a\nobjectType: secret"),
        objectsYAML("objectName: a\nobjectType: secret\nobjectAlias: *n"),
    ])
    func anyAnchorOrAliasIsRejected(text: String) {
        #expect(objectsError(text)?.message.hasSuffix(Self.message) == true)
    }

    /// `&` and `*` inside values are text, not anchors or aliases.
    @Test func ampersandsAndAsterisksInValuesAreText() throws {
        let raw = try ObjectsYAML.decode(
            objectsYAML(
                "objectName: a&b*c\nobjectAlias: \"&x *y\"",
                "objectName: 'q *r'\nobjectAlias: |\n  &z\n  *w",
                "objectName: k # &not-an-anchor\nobjectAlias: '&'"))
        #expect(raw.map { $0[.objectName] } == ["a&b*c", "q *r", "k"])
        #expect(raw.map { $0[.objectAlias] } == ["&x *y", "&z\n*w", "&"])
    }

    @Test(arguments: [
        ("plain: a&b *c\nflow: [x&y, \"*z\"]\n", false),
        ("folded: >\n  *a\n  &b\nsingle: '*c\n  &d'\n", false),
        ("plain: first\n  *continued\n", false),
        ("broken: [unclosed\n*a : x\n", false),
        ("x: !!str &a v\n", true),
        ("? *a\n: v\n", true),
        ("{*a : v}", true),
        ("- &a\n", true),
    ])
    func detection(text: String, present: Bool) {
        #expect(YAMLAnchors.present(in: text) == present)
    }

    @Test func expansionIsCountedUpToTheLimit() {
        let shared = "a: &a [1, 2, 3]\nb: [*a, *a]\n"
        #expect(!YAMLAnchors.expansion(in: shared, exceeds: 8))
        #expect(YAMLAnchors.expansion(in: shared, exceeds: 7))
        #expect(YAMLAnchors.expansion(in: billionLaughs(), exceeds: 1_000_000))
        #expect(!YAMLAnchors.expansion(in: "", exceeds: 0))
    }
}
