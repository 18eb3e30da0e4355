import PushAPI
import Testing

@testable import PushSyntax

/// Arbitrary input never crashes the front end: every stage returns diagnostics instead.
@Suite struct RobustnessTests {
    static let pieces = [
        "let", "s", "=", "start", "push", "User", "[", "]", "{", "}", "(", ")", "\"", "${", "\"a ${x} b\"", ",", ":",
        "\n", ";", "if", "else", "end", "for", "in", "wait", "until", "processed", "or", "and", "not", "close",
        "apply", ".", "-", "-5", "1.5e3", "30s", "99999999999999999999", "\\", "#", "\\u", "\\uD800", "é", "\u{0}",
        "\t", " ", "  ", "sandbox", "rate-limit", "off", "set", "page_size", "help", "==", "<=", "!", "&&", "include",
        "\"x.push\"", "f(", "x[0]", "activity", "since", "print", "expect", "true", "null", "\r\n",
    ]

    @Test func randomTokenSoupNeverCrashes() {
        var generator = SplitMix64(seed: 42)
        for _ in 0..<400 {
            let count = Int.random(in: 1...40, using: &generator)
            let text = (0..<count).map { _ in Self.pieces.randomElement(using: &generator)! }
                .joined(separator: Bool.random(using: &generator) ? " " : "")
            exercise(SourceFile(name: "fuzz.push", text: text))
        }
    }

    @Test func randomBytesNeverCrash() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<300 {
            let count = Int.random(in: 0...80, using: &generator)
            let bytes = (0..<count).map { _ in
                // Mostly printable ASCII, with some UTF-8 lead and continuation bytes and controls.
                switch Int.random(in: 0..<10, using: &generator) {
                case 0: UInt8.random(in: 0x80...0xFF, using: &generator)
                case 1: UInt8.random(in: 0...0x1F, using: &generator)
                default: UInt8.random(in: 0x20...0x7E, using: &generator)
                }
            }
            exercise(SourceFile(name: "bytes.push", bytes: bytes))
        }
    }

    private func exercise(_ source: SourceFile) {
        let result = Parser.parse(source)
        let checked = Checker.check(result.program, source: source, predefined: ["x"]) { path in
            SourceFile(name: path, text: "print 1 ]")
        }
        for diagnostic in result.diagnostics + checked {
            let rendered = diagnostic.render(source: source, color: false)
            #expect(rendered.hasPrefix(diagnostic.range.file + ":"))
            #expect(diagnostic.range.start.offset <= source.utf8.count)
            #expect(diagnostic.range.start.offset <= diagnostic.range.end.offset)
        }
    }
}
