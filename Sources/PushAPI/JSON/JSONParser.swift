/// Where and why a JSON text could not be read.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, in words for a person.
    public var message: String
    /// 1-based line of the problem within the parsed text.
    public var line: Int
    /// 1-based column (in bytes) of the problem within its line.
    public var column: Int
    /// Byte offset of the problem within the parsed text.
    public var offset: Int

    public var description: String { "\(line):\(column): \(message)" }
}

extension JSONValue {
    /// Parses one JSON document from UTF-8 bytes.
    ///
    /// Stricter than most parsers on purpose: invalid UTF-8, duplicate keys and
    /// trailing garbage are errors, because a data file with them would push
    /// something other than what its author meant.
    public init(parsing bytes: [UInt8], maxDepth: Int = 512) throws(JSONSyntaxError) {
        self = try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
            try JSONValue(parsing: buffer, maxDepth: maxDepth)
        }
    }

    /// Parses one JSON document from bytes in place, without copying them.
    ///
    /// A UTF-8 byte order mark is allowed only where a file or a request body
    /// starts: pass `byteOrderMark: false` for a piece cut out of a larger text
    /// (a record of a data file), so that a mark in the middle of a file is
    /// refused by the check pass exactly as the service would refuse the page.
    public init(parsing buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int = 512, byteOrderMark: Bool = true) throws(JSONSyntaxError) {
        var parser = JSONParser(buffer, maxDepth: maxDepth)
        parser.allowsByteOrderMark = byteOrderMark
        self = try parser.parseDocument()
    }

    /// Parses one JSON document from a string.
    public init(parsing text: String) throws(JSONSyntaxError) {
        try self.init(parsing: Array(text.utf8))
    }
}

/// A recursive-descent JSON reader over a byte buffer.
struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0
    let maxDepth: Int
    /// Whether the text may start with a UTF-8 byte order mark (the start of a file or body).
    var allowsByteOrderMark = true

    init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        // A UTF-8 byte order mark is harmless at the very start; editors on Windows add it.
        if allowsByteOrderMark, index == 0, isByteOrderMark(at: 0) {
            index = 3
            skipWhitespace()
        }
        guard index < bytes.count else {
            // "Empty" only of no bytes at all: a body of spaces or line breaks is not empty, just not JSON.
            if bytes.isEmpty { throw error("the document is empty; expected a JSON value") }
            if bytes.count == 3 && allowsByteOrderMark && isByteOrderMark(at: 0) {
                throw error("the document holds only a byte order mark; expected a JSON value")
            }
            throw error("the document holds only whitespace; expected a JSON value")
        }
        let value = try parseValue()
        skipWhitespace()
        if index < bytes.count { throw error("unexpected \(describe(bytes[index])) after the end of the JSON value") }
        return value
    }

    mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input; expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectWord("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectWord("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectWord("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case 0xEF where isByteOrderMark(at: index):
            throw error("a byte order mark (EF BB BF) is allowed only at the start of the file")
        default: throw error("unexpected \(describe(bytes[index])); expected a value")
        }
    }

    mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        index += 1
        var entries: [JSONObject.Entry] = []
        var seen: Set<String>? = nil
        skipWhitespace()
        if peek(UInt8(ascii: "}")) {
            index += 1
            depth -= 1
            return .object(JSONObject(uniqueEntries: entries))
        }
        while true {
            skipWhitespace()
            guard peek(UInt8(ascii: "\"")) else {
                throw error(
                    index < bytes.count
                        ? "expected a quoted key, found \(describe(bytes[index]))" : "unexpected end of input inside an object")
            }
            let keyStart = index
            let key = try parseString()
            // Linear scan for small objects, a set once they grow.
            if entries.count >= 16 {
                if seen == nil { seen = Set(entries.map(\.key)) }
                if !seen!.insert(key).inserted { throw error("duplicate key \"\(key)\"", at: keyStart) }
            } else if entries.contains(where: { $0.key == key }) {
                throw error("duplicate key \"\(key)\"", at: keyStart)
            }
            skipWhitespace()
            guard peek(UInt8(ascii: ":")) else { throw error("expected ':' after the key \"\(key)\"") }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            entries.append(.init(key: key, value: value))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input; an object is not closed") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                depth -= 1
                return .object(JSONObject(uniqueEntries: entries))
            }
            throw error("expected ',' or '}' in an object, found \(describe(bytes[index]))")
        }
    }

    mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) {
            index += 1
            depth -= 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input; an array is not closed") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                depth -= 1
                return .array(items)
            }
            throw error("expected ',' or ']' in an array, found \(describe(bytes[index]))")
        }
    }

    mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = index
        index += 1
        let contentStart = index
        // Fast path: no escapes, so the bytes are the string.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[contentStart..<index])
                index += 1
                guard let s = String(validating: slice, as: UTF8.self) else {
                    throw error("a string holds bytes that are not valid UTF-8", at: start)
                }
                return s
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("a control character (\(describe(byte))) inside a string must be escaped") }
            index += 1
        }
        var buffer: [UInt8] = Array(bytes[contentStart..<index])
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                guard let s = String(validating: buffer, as: UTF8.self) else {
                    throw error("a string holds bytes that are not valid UTF-8", at: start)
                }
                return s
            }
            if byte < 0x20 { throw error("a control character (\(describe(byte))) inside a string must be escaped") }
            if byte != UInt8(ascii: "\\") {
                buffer.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count else { break }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): buffer.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw error("a \\u escape holds half of a surrogate pair")
                    }
                    index += 2
                    let low = try parseHex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw error("a \\u escape holds half of a surrogate pair") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw error("a \\u escape holds half of a surrogate pair")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw error("a \\u escape is not a character") }
                buffer.append(contentsOf: Array(String(Character(unicode)).utf8))
            default:
                throw error("unknown escape \\\(describe(escape)) in a string", at: index - 2)
            }
        }
        throw error("a string is not closed; expected '\"' before the end of input", at: start)
    }

    mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw error("a \\u escape needs four hex digits")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("a number needs digits", at: start) }
        if bytes[index] == UInt8(ascii: "0"), index + 1 < bytes.count, isDigit(bytes[index + 1]) {
            throw error("a number may not start with a leading zero", at: start)
        }
        var magnitude: UInt64 = 0
        var overflow = false
        while index < bytes.count, isDigit(bytes[index]) {
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (m2, o2) = m1.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
            magnitude = m2
            overflow = overflow || o1 || o2
            index += 1
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("a decimal point needs digits after it") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("an exponent needs digits") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if isInteger && !overflow {
            if negative, magnitude <= UInt64(Int64.max) + 1 {
                return .int(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
            }
            if !negative, magnitude <= UInt64(Int64.max) { return .int(Int64(magnitude)) }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let double = Double(text), double.isFinite else {
            throw error("the number \(text.prefix(40)) is too large", at: start)
        }
        return .double(double)
    }

    mutating func expectWord(_ word: StaticString) throws(JSONSyntaxError) {
        let start = index
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("unexpected end of input; expected \(word)") }
        for i in 0..<count where bytes[index + i] != word.utf8Start[i] {
            throw error("unexpected \(describe(bytes[start])); expected a value (did you mean \(word)?)", at: start)
        }
        index += count
    }

    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > maxDepth { throw error("nesting deeper than \(maxDepth) levels") }
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    func isByteOrderMark(at i: Int) -> Bool {
        i + 2 < bytes.count && bytes[i] == 0xEF && bytes[i + 1] == 0xBB && bytes[i + 2] == 0xBF
    }

    func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }
    func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    func describe(_ byte: UInt8) -> String {
        switch byte {
        case 0x00: return "a NUL byte"
        case 0x0A: return "a line break"
        case 0x20...0x7E: return "'\(Character(Unicode.Scalar(byte)))'"
        default: return "byte 0x\(String(byte, radix: 16, uppercase: true))"
        }
    }

    func error(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        let offset = min(offset ?? index, bytes.count)
        var line = 1
        var lineStart = 0
        for i in 0..<offset where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return JSONSyntaxError(message: message, line: line, column: offset - lineStart + 1, offset: offset)
    }
}
