import Foundation
import Testing

/// `Sources/PushSyntax/TerminalStyle.swift` is the one file that writes
/// terminal escapes: everywhere else names a role (`error`, `hint`, a
/// session state, `clearLine`), so that two places cannot colour one thing
/// two ways again. This reads the sources and holds them to it.
@Suite struct TerminalEscapeTests {
    static let sources = Binary.root.appendingPathComponent("Sources")
    static let styleFile = "PushSyntax/TerminalStyle.swift"

    /// The ways a Swift source can write ESC (which starts every ANSI escape)
    /// or the one-byte CSI: `\u{1B}` in any case with any leading zeros,
    /// `\u{9B}`, and the raw character itself.
    static var escape: Regex<Substring> { #/\\u\{0*(?:1[bB]|9[bB])\}|\x{1B}|\x{9B}/# }

    /// Each Swift file under `Sources`, by its path below it, with its text.
    static func swiftSources() throws -> [(path: String, text: String)] {
        let root = sources.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [(String, String)] = []
        for case let relative as String in walker where relative.hasSuffix(".swift") {
            files.append((relative, try String(contentsOfFile: root + "/" + relative, encoding: .utf8)))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    /// The lines of `text` that write an escape, as `line: text`.
    static func escapeLines(_ text: String) -> [String] {
        text.components(separatedBy: "\n").enumerated().compactMap { number, line in
            // Swift's Regex is slow; most lines have neither a `\u{` nor a control character.
            let maybe = line.contains("\\u{") || line.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{9B}" }
            return maybe && line.contains(escape) ? "\(number + 1): \(line.trimmingCharacters(in: .whitespaces))" : nil
        }
    }

    @Test func onlyTerminalStyleWritesEscapes() throws {
        let files = try Self.swiftSources()
        // A scan that reads nothing, or cannot see an escape, would pass anything.
        #expect(files.count > 100, "read only \(files.count) files under \(Self.sources.path)")
        let style = try #require(files.first { $0.path == Self.styleFile }, "no \(Self.styleFile)")
        #expect(!Self.escapeLines(style.text).isEmpty, "the scan finds no escape even in \(Self.styleFile)")

        for file in files where file.path != Self.styleFile {
            let found = Self.escapeLines(file.text)
            #expect(
                found.isEmpty,
                "Sources/\(file.path) writes a terminal escape; name a role of TerminalStyle instead:\n\(found.joined(separator: "\n"))"
            )
        }
    }

    @Test func theScanSeesEveryWayOfWritingIt() {
        for written in [#""\u{1B}[1m""#, #""\u{1b}[K""#, #""\u{001B}[0m""#, #""\u{9b}2J""#, "\"\u{1B}[0m\""] {
            #expect(!Self.escapeLines(written).isEmpty, "missed \(written.debugDescription)")
        }
        for plain in [#""\u{1}""#, #""\u{2400}""#, #""\u{1BC}""#, "control character U+001B"] {
            #expect(Self.escapeLines(plain).isEmpty, "took \(plain.debugDescription) for an escape")
        }
    }
}
