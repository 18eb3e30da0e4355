import Foundation
import PushSyntax

/// Turns what was typed at the prompt into a script that replays the flow.
enum Transcript {
    /// Statements that only look at things: left out of a saved script.
    static let noise: Set<String> = ["help", "status", "expression", "save", "learn", "activity", "integration", "why"]

    /// The script: entries that succeeded, noise left out, literal keys
    /// replaced by `env("SPRINTO_API_KEY")`.
    static func script(from entries: [String]) -> (text: String, statements: Int) {
        var lines = ["# Saved by pushsh from an interactive session.", "# Run it with: pushsh FILE.push", ""]
        var count = 0
        for entry in entries {
            let source = SourceFile(name: "<prompt>", text: entry)
            let parsed = Parser.parse(source)
            guard !parsed.hasErrors else { continue }
            let secrets = Secrets.literalKeyRanges(in: source)
            for statement in parsed.program.statements {
                if noise.contains(statement.commandWord) { continue }
                if case .sandbox(.records) = statement.kind { continue }
                lines.append(text(of: statement, in: source, replacing: secrets))
                count += 1
            }
        }
        return (lines.joined(separator: "\n") + "\n", count)
    }

    /// The statement as typed, with secret ranges replaced.
    static func text(of statement: Statement, in source: SourceFile, replacing secrets: [SourceRange]) -> String {
        let bytes = source.utf8
        let range = statement.range.byteRange.clamped(to: 0..<bytes.count)
        var out: [UInt8] = []
        var index = range.lowerBound
        for secret in secrets.sorted(by: { $0.byteRange.lowerBound < $1.byteRange.lowerBound })
        where secret.byteRange.lowerBound >= range.lowerBound && secret.byteRange.upperBound <= range.upperBound {
            out += bytes[index..<secret.byteRange.lowerBound]
            out += Array("env(\"SPRINTO_API_KEY\")".utf8)
            index = secret.byteRange.upperBound
        }
        out += bytes[index..<range.upperBound]
        return String(decoding: out, as: UTF8.self)
    }
}
