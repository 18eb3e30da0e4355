import PushAPI
import PushSyntax
import Testing

/// A duration written in a script and one written in the config file,
/// `PUSHSH_TIMEOUT` or a sandbox flag follow one rule: `DurationText.parse`
/// (the client core, which cannot see the lexer) agrees with the lexer's
/// `DurationSyntax.parse` on every text, but for the negatives only a
/// script's arithmetic can use.
@Suite struct DurationAgreementTests {
    static func agree(_ text: String) -> Bool {
        let language = DurationSyntax.parse(text).flatMap { $0 >= .zero ? $0 : nil }
        return DurationText.parse(text) == language
    }

    @Test func onTheFormsPeopleWrite() {
        let texts = [
            "500ms", "30s", "1.5m", "2h", "1d", " 5s", "5s ", "0s", "-0s", "-5s", "1e3ms", "1E+2s", "1e-1s", "1e", "1es",
            "5", "5.0", "5 s", "+5s", ".5s", "5.s", "5sec", "5S", "s", "", "9223372036854775807ms", "9223372036854775808ms",
            "106751991167d", "106751991168d", "1e300s", "0.0005s", "1.0005s",
        ]
        for text in texts { #expect(Self.agree(text), "'\(text)': \(String(describing: DurationText.parse(text)))") }
    }

    /// Texts built from the characters a duration is made of, in a fixed order, so that a failure repeats.
    @Test func onEveryShortMixOfDurationCharacters() {
        let alphabet = Array("0159.-+eEmsdh x")
        var checked = 0
        for length in 1...4 {
            var indices = [Int](repeating: 0, count: length)
            while true {
                let text = String(indices.map { alphabet[$0] })
                #expect(Self.agree(text), "'\(text)'")
                checked += 1
                var position = length - 1
                while position >= 0 && indices[position] == alphabet.count - 1 {
                    indices[position] = 0
                    position -= 1
                }
                if position < 0 { break }
                indices[position] += 1
            }
        }
        #expect(checked == 15 + 225 + 3375 + 50625)
    }
}
