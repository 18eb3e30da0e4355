import Testing

@testable import PushAPI

@Suite struct JSONTests {
    @Test func parsesAndWritesBackInTheSameOrder() throws {
        let text = #"{"b":1,"a":[true,false,null],"c":{"z":"x\ny","y":-2.5},"d":12345678901234}"#
        let value = try JSONValue(parsing: text)
        #expect(value.jsonText == text)
        #expect(value["c"]?.objectValue?.keys == ["z", "y"])
        #expect(value["d"] == .int(12_345_678_901_234))
    }

    @Test func equalityIgnoresKeyOrder() throws {
        #expect(try JSONValue(parsing: #"{"a":1,"b":2}"#) == JSONValue(parsing: #"{"b":2,"a":1.0}"#))
        #expect(try JSONValue(parsing: #"{"a":1}"#) != JSONValue(parsing: #"{"a":1,"b":2}"#))
    }

    @Test func escapesRoundTrip() throws {
        let original: JSONValue = ["s": "quote \" backslash \\ tab \t nul \u{0} é 日本 😀"]
        #expect(try JSONValue(parsing: original.jsonBytes) == original)
        #expect(try JSONValue(parsing: #""\ud83d\ude00 \u00e9""#) == "😀 é")
    }

    @Test func duplicateKeyIsAnErrorAtTheSecondKey() {
        #expect(throws: JSONSyntaxError(message: "duplicate key \"a\"", line: 2, column: 3, offset: 11)) {
            try JSONValue(parsing: "{\"a\": 1,\n  \"a\": 2}")
        }
    }

    @Test func duplicateKeyInALargeObject() {
        let fields = (0..<40).map { "\"k\($0)\": \($0)" }.joined(separator: ",")
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: "{\(fields), \"k7\": 0}") }
    }

    @Test(arguments: [
        ("{\"a\": }", "unexpected '}'; expected a value", 1, 7),
        ("[1, 2", "unexpected end of input; an array is not closed", 1, 6),
        ("\"abc", "a string is not closed; expected '\"' before the end of input", 1, 1),
        ("{\"a\": 1} x", "unexpected 'x' after the end of the JSON value", 1, 10),
        ("[01]", "a number may not start with a leading zero", 1, 2),
        ("", "the document is empty; expected a JSON value", 1, 1),
        // Whitespace is not "empty": the word is kept for a document of no bytes (issue 16).
        (" \r\n\t", "the document holds only whitespace; expected a JSON value", 2, 2),
        ("\u{FEFF}", "the document holds only a byte order mark; expected a JSON value", 1, 4),
        ("[tru]", "unexpected 't'; expected a value (did you mean true?)", 1, 2),
    ])
    func syntaxErrorsSayWhatAndWhere(text: String, message: String, line: Int, column: Int) {
        do {
            _ = try JSONValue(parsing: text)
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.message == message)
            #expect(error.line == line)
            #expect(error.column == column)
        }
    }

    @Test func invalidUTF8AndNULAreRefused() {
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: [0x22, 0xFF, 0xFE, 0x22]) }
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: [0x5B, 0x00, 0x5D]) }
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: Array("\"a\u{01}b\"".utf8)) }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONValue(parsing: fine)) != nil)
    }

    @Test func hugeNumbersBecomeDoublesOrErrors() throws {
        #expect(try JSONValue(parsing: "9223372036854775807") == .int(Int64.max))
        #expect(try JSONValue(parsing: "-9223372036854775808") == .int(Int64.min))
        #expect(try JSONValue(parsing: "92233720368547758070") == .double(92_233_720_368_547_758_070))
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: "1e999") }
    }

    @Test func byteOrderMarkIsSkipped() throws {
        #expect(try JSONValue(parsing: [0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == [1])
    }

    @Test func prettyTextIndents() {
        let value: JSONValue = ["a": [1, 2], "b": [:]]
        #expect(value.prettyText() == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}")
    }
}
