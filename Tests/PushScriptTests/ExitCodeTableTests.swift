import Foundation
import PushScript
import PushSyntax
import Testing

/// ExitCode is the one source of the exit-code table: README's table is its
/// lines word for word, and docs/language.md, `help exit-codes` and the
/// catalog's topic list every code.
@Suite struct ExitCodeTableTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func rows(in file: String) throws -> [String] {
        let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
        return text.split(separator: "\n").map(String.init).filter { line in
            guard line.hasPrefix("| "), let number = line.dropFirst(2).split(separator: " ").first else { return false }
            return Int(number) != nil
        }
    }

    @Test func readmeTableIsExitCodeWordForWord() throws {
        let expected = ExitCode.allCases.map { "| \($0.rawValue) | \($0.meaning) |" }
        #expect(try Self.rows(in: "README.md") == expected)
    }

    @Test func languageDocAndHelpListEveryCode() throws {
        let documented = try Self.rows(in: "docs/language.md").compactMap { Int32($0.dropFirst(2).split(separator: " ")[0]) }
        #expect(documented == ExitCode.allCases.map(\.rawValue))
        let topic = try #require(CommandCatalog.helpText(for: "exit-codes"))
        for code in ExitCode.allCases {
            #expect(topic.contains("\n\(code.rawValue) ") || topic.contains(" \(code.rawValue) "), "help exit-codes lacks \(code.rawValue)")
        }
        for signal in StopSignal.allCases { #expect(signal.exitCode.rawValue == 128 + signal.rawValue) }
    }
}
