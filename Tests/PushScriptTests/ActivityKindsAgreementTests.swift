import Foundation
import PushAPI
import PushSyntax
import Testing

/// The front end cannot see the client core, so `help activity` and
/// docs/language.md name event kinds in text of their own: every kind they
/// name must be one `ActivityEventType` knows.
@Suite struct ActivityKindsAgreementTests {
    static let known = Set(ActivityEventType.allCases.map(\.rawValue))

    static func snakeCaseWords(_ text: String) -> [String] {
        text.split { !($0.isLetter || $0 == "_") }.map(String.init).filter { $0.contains("_") }
    }

    @Test func helpActivityNamesKnownKinds() throws {
        let details = try #require(CommandCatalog.command("activity")).details
        let listing = details.components(separatedBy: "newest first").first ?? ""
        let named = Self.snakeCaseWords(listing)
        #expect(named.count >= 5)
        #expect(Set(named).subtracting(Self.known).isEmpty, "unknown kinds in help activity: \(named)")
    }

    @Test func theLanguageGuideListsEveryKind() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/language.md"), encoding: .utf8)
        let list = try #require(text.components(separatedBy: "`type` (").dropFirst().first?.components(separatedBy: ")").first)
        #expect(Set(Self.snakeCaseWords(list)) == Self.known)
    }
}
