/// Scanning numbers, durations and strings.
extension Lexer {
    /// Milliseconds in one of each duration unit.
    static let durationUnits: [String: Int64] = [
        "ms": 1, "s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000,
    ]

    /// Reads `-?digits(.digits)?([eE][+-]?digits)?` and an optional duration unit.
    mutating func scanNumber(start: SourceLocation) -> Token.Kind {
        let startOffset = position
        if peek() == UInt8(ascii: "-") { advance() }
        while let byte = peek(), Self.isDigit(byte) { advance() }
        var isDecimal = false
        if peek() == UInt8(ascii: "."), let next = peek(1), Self.isDigit(next) {
            isDecimal = true
            advance()
            while let byte = peek(), Self.isDigit(byte) { advance() }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            let signed = peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-")
            if let digit = peek(signed ? 2 : 1), Self.isDigit(digit) {
                isDecimal = true
                advance(signed ? 2 : 1)
                while let byte = peek(), Self.isDigit(byte) { advance() }
            }
        }
        let text = String(decoding: bytes[startOffset..<position], as: UTF8.self)
        guard let byte = peek(), Self.isWordStart(byte) else {
            return number(text, isDecimal: isDecimal, start: start)
        }
        let unitStart = location
        let unit = scanWord()
        guard let perUnit = Self.durationUnits[unit] else {
            report(
                "unknown unit '\(unit)' after the number \(text)", at: range(from: unitStart),
                hint: "durations use ms, s, m, h or d (as in 30s); put a space between a number and a word")
            return .invalid
        }
        return duration(text, isDecimal: isDecimal, perUnit: perUnit, start: start)
    }

    private mutating func number(_ text: String, isDecimal: Bool, start: SourceLocation) -> Token.Kind {
        if !isDecimal {
            if let value = Int64(text) { return .integer(value) }
        } else if let value = Double(text), value.isFinite {
            return .decimal(value)
        }
        report(
            "number too large", at: range(from: start),
            hint: isDecimal
                ? "decimals must be finite 64-bit floating-point numbers"
                : "whole numbers must fit in 64 bits (-9223372036854775808 to 9223372036854775807)")
        return isDecimal ? .decimal(0) : .integer(0)
    }

    private mutating func duration(_ text: String, isDecimal: Bool, perUnit: Int64, start: SourceLocation) -> Token.Kind {
        if !isDecimal, let count = Int64(text) {
            let (milliseconds, overflow) = count.multipliedReportingOverflow(by: perUnit)
            if !overflow { return .duration(.milliseconds(milliseconds)) }
        } else if isDecimal, let count = Double(text) {
            let milliseconds = count * Double(perUnit)
            // Keep well inside Int64 milliseconds so Duration arithmetic stays exact.
            if milliseconds.isFinite && abs(milliseconds) < 9e18 { return .duration(.milliseconds(milliseconds)) }
        }
        report("duration too large", at: range(from: start), hint: "durations must be under about 292 million years")
        return .duration(.zero)
    }

    /// Reads string text after an opening quote (or after the `}` that ends an
    /// interpolation) up to the closing quote or the next `${`.
    ///
    /// - Parameters:
    ///   - quote: where the string's opening quote is; an unterminated string is reported there.
    ///   - continuing: whether this resumes a string after an interpolation.
    mutating func scanStringBody(quote: SourceLocation, continuing: Bool) -> Token.Kind {
        var text: [UInt8] = []
        func finished(_ bytes: [UInt8]) -> Token.Kind {
            let string = String(decoding: bytes, as: UTF8.self)
            return continuing ? .stringTail(string) : .string(string)
        }
        while true {
            // Copy a run of ordinary ASCII in one go: a 10 MB string stays linear and quick.
            let runStart = position
            while position < bytes.count {
                let byte = bytes[position]
                if byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
                    || byte == UInt8(ascii: "$")
                {
                    break
                }
                position += 1
            }
            if position > runStart {
                column += position - runStart
                text.append(contentsOf: bytes[runStart..<position])
            }
            guard let byte = peek(),
                byte != UInt8(ascii: "\n"),
                !(byte == UInt8(ascii: "\r") && peek(1) == UInt8(ascii: "\n"))
            else {
                let quoteEnd = SourceLocation(line: quote.line, column: quote.column + 1, offset: quote.offset + 1)
                report(
                    "unterminated string", at: SourceRange(file: source.name, start: quote, end: quoteEnd),
                    hint: "close it with \" on the same line; a string cannot span lines (use \\n for a line break)")
                // A string never spans lines, so neither do the `${` around it:
                // close them here instead of swallowing the lines that follow.
                if let outermost = groups.firstIndex(where: { if case .interpolation = $0 { true } else { false } }) {
                    groups.removeSubrange(outermost...)
                }
                return finished(text)
            }
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                return finished(text)
            case UInt8(ascii: "$") where peek(1) == UInt8(ascii: "{"):
                advance(2)
                groups.append(.interpolation(quote: quote))
                let string = String(decoding: text, as: UTF8.self)
                return continuing ? .stringMiddle(string) : .stringHead(string)
            case UInt8(ascii: "$"):
                advance()
                text.append(byte)
            case UInt8(ascii: "\\"):
                scanEscape(into: &text)
            case UInt8(ascii: "\t"):
                advance()
                text.append(byte)
            case 0x80...:
                if let scalar = scanScalar(context: "a string") {
                    text.append(contentsOf: String(Character(scalar)).utf8)
                }
            default:
                reportControl(byte, context: "a string")
            }
        }
    }

    /// Decodes one backslash escape into `text`, reporting unknown ones.
    private mutating func scanEscape(into text: inout [UInt8]) {
        let start = location
        advance()
        guard let byte = peek(), byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r") else {
            return  // the string loop reports the unterminated string
        }
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "\""): UInt8(ascii: "\""), UInt8(ascii: "\\"): UInt8(ascii: "\\"),
            UInt8(ascii: "/"): UInt8(ascii: "/"), UInt8(ascii: "$"): UInt8(ascii: "$"),
            UInt8(ascii: "n"): 0x0A, UInt8(ascii: "t"): 0x09, UInt8(ascii: "r"): 0x0D,
            UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C,
        ]
        if let decoded = simple[byte] {
            advance()
            text.append(decoded)
            return
        }
        guard byte == UInt8(ascii: "u") else {
            if byte >= 0x80 { _ = scanScalar(context: "a string") } else { advance() }
            report(
                "unknown escape '\\\(source.text(in: range(from: start)).dropFirst())' in a string",
                at: range(from: start),
                hint: "escapes are \\\" \\\\ \\/ \\n \\t \\r \\b \\f \\uXXXX and \\$; write \\\\ for a backslash")
            return
        }
        advance()
        guard let unit = scanHex4() else {
            report(
                "'\\u' must be followed by four hex digits", at: range(from: start), hint: "for example \\u00E9 for é")
            return
        }
        var value = UInt32(unit)
        if (0xD800...0xDBFF).contains(unit) {
            // A high surrogate must pair with a following \uDC00-\uDFFF (JSON's way to write U+10000 and up).
            let saved = (position, column)
            if peek() == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "u") {
                advance(2)
                if let low = scanHex4(), (0xDC00...0xDFFF).contains(low) {
                    value = 0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(low - 0xDC00)
                } else {
                    (position, column) = saved
                }
            }
        }
        guard let scalar = Unicode.Scalar(value) else {
            report(
                "lone surrogate in '\\u' escape", at: range(from: start),
                hint: "a character above U+FFFF is written as a pair, such as \\uD83D\\uDE00")
            return
        }
        text.append(contentsOf: String(Character(scalar)).utf8)
    }

    /// Reads exactly four hex digits, or nothing.
    private mutating func scanHex4() -> UInt16? {
        var value: UInt16 = 0
        for offset in 0..<4 {
            guard let byte = peek(offset), let digit = Self.hexValue(byte) else { return nil }
            value = value << 4 | UInt16(digit)
        }
        advance(4)
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
