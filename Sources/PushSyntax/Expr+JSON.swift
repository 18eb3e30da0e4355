/// Records written in the script (`push s User [{...}]`), as JSON text the
/// check can hold to the record rules before the run, as the push's own
/// check pass will.
extension Expr {
    /// The JSON text of an expression made only of literals (strings without
    /// `${}`, numbers, `true`, `false`, `null`, arrays and objects of them);
    /// nil when any part is known only at run time (a variable, a call, a duration).
    public var constantJSON: String? {
        var text = ""
        return Self.appendJSON(self, to: &text) ? text : nil
    }

    private static func appendJSON(_ expression: Expr, to text: inout String) -> Bool {
        switch expression {
        case .literal(let literal, _):
            switch literal {
            case .string(let value): appendString(value, to: &text)
            case .integer(let value): text += "\(value)"
            case .decimal(let value):
                guard value.isFinite else { return false }
                text += "\(value)"
            case .bool(let value): text += value ? "true" : "false"
            case .null: text += "null"
            case .duration: return false
            }
            return true
        case .array(let elements, _):
            text += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { text += "," }
                guard appendJSON(element, to: &text) else { return false }
            }
            text += "]"
            return true
        case .object(let entries, _):
            text += "{"
            for (index, entry) in entries.enumerated() {
                if index > 0 { text += "," }
                appendString(entry.key.value, to: &text)
                text += ":"
                guard appendJSON(entry.value, to: &text) else { return false }
            }
            text += "}"
            return true
        default:
            return false
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped.
    private static func appendString(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
