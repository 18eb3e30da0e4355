import Foundation
import PushScript
import PushSyntax
import Testing

/// ExitCode (in PushSyntax) is the one source of the exit-code meanings:
/// README's and docs/language.md's tables are its lines word for word,
/// `help exit-codes` (and the man page made from it) and `pushsh --help`
/// are made from it.
@Suite struct ExitCodeTableTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func rows(in file: String) throws -> [String] {
        let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
        return text.split(separator: "\n").map(String.init).filter { line in
            guard line.hasPrefix("| "), let number = line.dropFirst(2).split(separator: " ").first else { return false }
            return Int(number) != nil
        }
    }

    @Test(arguments: ["README.md", "docs/language.md"]) func tableIsExitCodeWordForWord(file: String) throws {
        let expected = ExitCode.allCases.map { "| \($0.rawValue) | \($0.meaning) |" }
        #expect(try Self.rows(in: file) == expected)
    }

    /// `help exit-codes` (and so the man page, which scripts/install makes
    /// from it) shows every meaning, re-wrapped, in the quotes help text uses.
    @Test func helpShowsEveryMeaning() throws {
        let topic = try #require(CommandCatalog.helpText(for: "exit-codes"))
        let flat = topic.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for code in ExitCode.allCases {
            let meaning = String(code.meaning.map { $0 == "`" ? "'" : $0 })
            #expect(flat.contains("\(code.rawValue) \(meaning)"), "help exit-codes lacks \(code.rawValue): \(meaning)")
        }
        for signal in StopSignal.allCases where signal != .outputFailed { #expect(signal.exitCode.rawValue == 128 + signal.rawValue) }
    }

    @Test func summaryNamesEveryCodeOnce() {
        let line = ExitCode.summaryLine
        for code in ExitCode.allCases { #expect(line.contains(" \(code.rawValue) \(code.summary)")) }
        #expect(Set(ExitCode.allCases.map(\.summary)).count == ExitCode.allCases.count)
    }
}
