import Testing

@testable import PushAPI

/// The record rules read ASCII text as bytes for speed; these pin that the
/// byte reading and the character reading are one rule.
@Suite struct RecordValidationTests {
    @Test(arguments: [
        ("ada@example.com", true), ("a@b.c", true), ("first.last@mail.example.org", true), ("ada@exämple.com", true),
        ("", false), ("ada", false), ("@example.com", false), ("ada@", false), ("ada@example", false),
        ("ada@.com", false), ("ada@example.", false), ("ada@example..com", false), ("ada@@example.com", false),
        ("a@b@c.d", false), ("ada @example.com", false), ("ada@example.com\t", false), ("ada@exa\u{00A0}mple.com", false),
        ("ada\r\n@example.com", false), ("adá@example.com", true), ("ada@exam\u{2028}ple.com", false),
    ])
    func emailRule(address: String, expected: Bool) {
        #expect(RecordValidation.looksLikeEmail(address) == expected)
        #expect(RecordValidation.looksLikeEmailByCharacters(address) == expected)
    }

    /// Many strings from an alphabet that hits every branch: both readings agree.
    @Test func byteAndCharacterReadingsAgree() {
        let alphabet: [String] = ["a", "b", "@", ".", " ", "\t", "\u{0B}", "\r\n", "é", "\u{00A0}", "\u{301}", "x"]
        var generator = SplitMix64(seed: 15)
        var disagreements: [String] = []
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 9)
            let text = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }.joined()
            if RecordValidation.looksLikeEmail(text) != RecordValidation.looksLikeEmailByCharacters(text) { disagreements.append(text) }
            if RecordValidation.isBlank(text) != text.allSatisfy(\.isWhitespace) { disagreements.append("blank: " + text) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5).map { $0.debugDescription })")
    }

    @Test func blankFieldsAreRequiredOnes() {
        let record: JSONValue = .object(
            JSONObject([
                ("employeeId", .string(" \t")), ("firstName", .string("\u{00A0}")), ("lastName", .string("L")),
                ("workEmail", .string("l@example.com")), ("employmentStartDate", .string("2024-01-01T00:00:00Z")),
                ("employmentType", .string("EMPLOYEE")),
            ]))
        let findings = RecordValidation.findings(entityType: "User", record: record)
        #expect(findings.map(\.field) == ["employeeId", "firstName"])
        #expect(findings.allSatisfy { $0.issue == "must not be empty" })
    }
}
