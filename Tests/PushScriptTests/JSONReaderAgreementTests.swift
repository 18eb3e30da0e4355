import Foundation
import PushAPI
import PushSyntax
import Testing

@testable import PushScript

/// The `.json` reader and the core parser agree on every document of a
/// generated corpus: the reader accepts a file exactly when
/// `JSONValue(parsing:)` accepts it whole and it has the shape of records (an
/// array of objects, or an envelope whose `entities.User` is one), and then
/// gives exactly the records the parser finds. Documents come from a seeded
/// generator (the same corpus on every run): JSONTestSuite-style fragments,
/// valid and not, put inside, beside, around and between records, random
/// values, and random byte edits of valid documents. Each is read in chunks
/// of a random size, so tokens and records are cut at every place.
@Suite struct JSONReaderAgreementTests {
    /// Values and non-values in the manner of JSONTestSuite's y_/n_ cases.
    static let fragments: [String] = [
        // valid
        "0", "-0", "1.5e+3", "-1E-2", "123456789012345678901234567890", "1e400", "true", "false", "null",
        "\"\"", "\"a\\\"b\"", "\"\\u00e9\"", "\"\\ud83d\\ude00\"", "\"\\u0000\"", "\"é東😀\"", "\"\\/\\b\\f\\n\\r\\t\"",
        "[]", "{}", "[[]]", "[1,[2,[3]]]", "{\"a\":{\"b\":[]}}", " [ 1 , 2 ] ", "{\"\":0}", "{\"a\":1,\"b\":2}",
        // invalid
        "", " ", "[1,]", "[,1]", "[1 2]", "{\"a\" 1}", "{\"a\":1,}", "{,}", "{\"a\"}", "{1:2}", "{'a':1}", "[\"a\",,]",
        "01", "-01", "1.", ".1", "+1", "1e", "1e+", "0x10", "-", "--1", "1.2.3", "NaN", "Infinity", "-Infinity",
        "tru", "nul", "True", "NULL", "truefalse", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00x\"",
        "\"a\tb\"", "\"a\nb\"", "[\"\u{7F}\"]", "\u{FEFF}1", "\"\\\"", "]", "}", "[", "{", "[}", "{]", ":", ",",
        "{\"a\":1}}", "[1]]", "/* c */ 1", "// c\n1", "1 2", "\"a\" \"b\"", "{\"a\":1,\"a\":2}", "[{\"k\":1,\"k\":1}]",
        String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
        String(repeating: "[", count: 505) + String(repeating: "]", count: 505),
    ]

    /// Places for a fragment: in a record, beside the records, under another
    /// type, around and between the records.
    static let templates: [String] = [
        "[{\"a\":@}]", "[{\"a\":1},{\"b\":@}]", "[@]", "[{\"a\":1},@]", "[{\"a\":1}]@", "@[{\"a\":1}]", "[{\"a\":1}@]",
        "[{\"a\":1}@,{\"b\":2}]", "@",
        "{\"entities\":{\"User\":[{\"a\":1}]},\"x\":@}", "{\"x\":@,\"entities\":{\"User\":[{\"a\":1}]}}",
        "{\"entities\":{\"Group\":@,\"User\":[{\"a\":1}]}}", "{\"entities\":{\"User\":[{\"a\":1}],\"Group\":[@]}}",
        "{\"entities\":{\"User\":[{\"a\":@}]}}", "{\"entities\":{\"User\":@}}", "{\"entities\":@}",
        "{\"entities\":{\"User\":[{\"a\":1}]}}@",
        "{\"entities\":{\"User\":[{\"a\":1}]}@}", "{@\"entities\":{\"User\":[{\"a\":1}]}}", "{\"entities\"@{\"User\":[{\"a\":1}]}}",
        "{\"entities\":{\"User\":[{\"a\":1}]},@}", "{\"entities\":{@\"User\":[{\"a\":1}]}}",
        String(repeating: "[", count: 200) + "@" + String(repeating: "]", count: 200),
        "{\"x\":" + String(repeating: "[", count: 300) + "@" + String(repeating: "]", count: 300) + ",\"entities\":{\"User\":[{\"a\":"
            + String(repeating: "[", count: 200) + "1" + String(repeating: "]", count: 200) + "}]}}",
    ]

    /// The records the core parser finds in a document, or nil if it refuses the document or its shape.
    static func expected(_ document: [UInt8]) -> [JSONValue]? {
        // No document at all (whitespace, perhaps after a byte order mark) is a file of no records, as `[]` is.
        let body = document.starts(with: [0xEF, 0xBB, 0xBF]) ? document.dropFirst(3) : document[...]
        if body.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { return [] }
        guard let value = try? JSONValue(parsing: document) else { return nil }
        let records: [JSONValue]
        switch value {
        case .array(let items): records = items
        case .object(let envelope):
            guard case .object(let entities)? = envelope["entities"], case .array(let items)? = entities["User"] else { return nil }
            records = items
        default: return nil
        }
        return records.allSatisfy { $0.objectValue != nil } ? records : nil
    }

    static func randomValue(_ depth: Int, _ rng: inout SplitMix64) -> JSONValue {
        switch Int.random(in: 0..<(depth > 3 ? 5 : 8), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .int(Int64.random(in: -1000...1000, using: &rng))
        case 3: return .double(Double.random(in: -1e6...1e6, using: &rng))
        case 4: return .string(["", "a", "é", "\"q\"", "line\nbreak", "tab\t", "😀", "\u{1}"][Int.random(in: 0..<8, using: &rng)])
        case 5, 6:
            var object = JSONObject()
            for i in 0..<Int.random(in: 0...4, using: &rng) { object["k\(i)"] = randomValue(depth + 1, &rng) }
            return .object(object)
        default: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in randomValue(depth + 1, &rng) })
        }
    }

    static func randomDocument(_ rng: inout SplitMix64) -> [UInt8] {
        let records = (0..<Int.random(in: 0...5, using: &rng)).map { _ -> JSONValue in
            var object = JSONObject()
            for i in 0..<Int.random(in: 0...3, using: &rng) { object["f\(i)"] = randomValue(1, &rng) }
            return .object(object)
        }
        let document: JSONValue =
            Bool.random(using: &rng)
            ? .array(records) : ["entities": ["Other": randomValue(0, &rng), "User": .array(records)], "x": randomValue(0, &rng)]
        let text = Bool.random(using: &rng) ? document.prettyText() : document.jsonText
        return Array(text.utf8)
    }

    /// Byte edits that JSON cares about: structure, quotes, escapes, whitespace, a BOM, bad UTF-8.
    static func mutate(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        let alphabet: [[UInt8]] =
            ["{", "}", "[", "]", ",", ":", "\"", "\\", " ", "\n", "0", "1", "-", ".", "e", "t", "n", "x"].map { Array($0.utf8) }
            + [[0xEF, 0xBB, 0xBF], [0xFF], [0x00], [0xC3], [0x09]]
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let at = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0 where !bytes.isEmpty: bytes.remove(at: at)
            case 1 where !bytes.isEmpty: bytes.replaceSubrange(at...at, with: alphabet.randomElement(using: &rng)!)
            default: bytes.insert(contentsOf: alphabet.randomElement(using: &rng)!, at: at)
            }
        }
        return bytes
    }

    static func corpus() -> [[UInt8]] {
        var documents: [[UInt8]] = []
        for template in templates {
            for fragment in fragments { documents.append(Array(template.replacingOccurrences(of: "@", with: fragment).utf8)) }
        }
        var rng = SplitMix64(seed: 16)
        for _ in 0..<600 {
            let document = randomDocument(&rng)
            documents.append(document)
            documents.append(mutate(document, &rng))
            documents.append(mutate(document, &rng))
        }
        return documents
    }

    @Test func readerAndCoreParserAgreeOnEveryDocument() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-agreement-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("doc.json").path
        var rng = SplitMix64(seed: 1616)
        var accepted = 0
        var refused = 0
        let documents = Self.corpus()
        for document in documents {
            FileManager.default.createFile(atPath: path, contents: Data(document))
            let chunkSize = [1, 2, 5, 64, ByteChunks.chunkSize][Int.random(in: 0..<5, using: &rng)]
            let outcome = ReaderOutcome.read(path, format: .json, chunkSize: chunkSize)
            let reader: [JSONValue]? = outcome.problems.isEmpty ? outcome.values : nil
            let core = Self.expected(document)
            #expect(
                reader == core,
                "\(String(decoding: document.prefix(300), as: UTF8.self)) (chunks of \(chunkSize)): reader \(outcome.problems.first.map { "refused: \($0.message)" } ?? "accepted"), core \(core == nil ? "refused" : "accepted")"
            )
            if core == nil { refused += 1 } else { accepted += 1 }
        }
        // The corpus must exercise both verdicts, or agreement proves little.
        #expect(accepted > 300 && refused > 1000, "accepted \(accepted), refused \(refused) of \(documents.count)")
    }
}
