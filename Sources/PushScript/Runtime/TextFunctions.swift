import Foundation
import PushSyntax

/// A built-in function refused its arguments: which argument (0-based; nil
/// for the call as a whole), what is wrong with which value, and what to do.
/// The interpreter places it at that argument's line and column.
struct FunctionError: Error {
    var argument: Int?
    var message: String
    var hint: String?

    init(argument: Int?, _ message: String, hint: String? = nil) {
        self.argument = argument
        self.message = message
        self.hint = hint
    }
}

/// The arguments of one call, with the checks every function needs: a
/// string here, a whole number there, each refusal naming the function, the
/// argument and the value.
struct FunctionArguments {
    let function: String
    let values: [Value]
    /// Each argument as the signature names it (`TEXT`, `WIDTH`).
    let names: [String]

    init(_ function: BuiltinFunction, _ values: [Value]) {
        self.function = function.name
        self.values = values
        names = function.argumentNames
    }

    var count: Int { values.count }

    func name(_ i: Int) -> String { i < names.count ? names[i] : "argument \(i + 1)" }

    func string(_ i: Int) throws(FunctionError) -> String {
        switch values[i] {
        case .string(let s): return s
        case .session(let h): return h.id
        case let other:
            throw FunctionError(
                argument: i, "\(function): \(name(i)) must be a string, got \(other.typeName) (\(Rendering.inline(other).prefix(40)))",
                hint: other.isNumber ? "make it text first: string(\(Rendering.plain(other)))" : nil)
        }
    }

    func optionalString(_ i: Int) throws(FunctionError) -> String? { i < count ? try string(i) : nil }

    /// A whole number within `bounds`: sizes and positions, bounded so a
    /// hostile value cannot ask for gigabytes.
    func integer(_ i: Int, in bounds: ClosedRange<Int64>) throws(FunctionError) -> Int {
        let number: Int64?
        switch values[i] {
        case .int(let n): number = n
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: number = Int64(d)
        default: number = nil
        }
        guard let number else {
            throw FunctionError(
                argument: i, "\(function): \(name(i)) must be a whole number, got \(Rendering.inline(values[i]).prefix(40))")
        }
        guard bounds.contains(number) else {
            throw FunctionError(
                argument: i, "\(function): \(name(i)) \(number) is out of range",
                hint: "it goes from \(bounds.lowerBound) to \(bounds.upperBound)")
        }
        return Int(number)
    }
}

extension Value {
    var isNumber: Bool {
        switch self {
        case .int, .double: true
        default: false
        }
    }
}

/// `lower`, `upper`, `trim`, `replace`, `split`, `join`, `substring`,
/// `starts_with`, `ends_with`, `contains`, `pad`: text as exports need it reshaped.
enum TextFunctions {
    /// The longest string `pad` may make: a typo'd width must not fill memory.
    static let longestPad = 10_000

    /// The value of text function `name`, or nil when `name` is not one.
    static func call(_ name: String, _ a: FunctionArguments) throws(FunctionError) -> Value? {
        switch name {
        case "lower": return .string(try a.string(0).lowercased())
        case "upper": return .string(try a.string(0).uppercased())
        case "trim": return .string(try a.string(0).trimmingCharacters(in: .whitespacesAndNewlines))
        case "replace":
            let (text, old, new) = (try a.string(0), try a.string(1), try a.string(2))
            guard !old.isEmpty else {
                throw FunctionError(
                    argument: 1, "replace: OLD is empty; there is nothing to replace",
                    hint: "give the text to replace, e.g. replace(x, \"-\", \"\")")
            }
            return .string(text.replacingOccurrences(of: old, with: new))
        case "split":
            let (text, separator) = (try a.string(0), try a.string(1))
            guard !separator.isEmpty else {
                throw FunctionError(argument: 1, "split: SEPARATOR is empty", hint: "give the text between parts, e.g. split(x, \",\")")
            }
            return .array(text.components(separatedBy: separator).map(Value.string))
        case "join": return .string(try join(a))
        case "substring": return .string(try substring(a))
        case "starts_with": return .bool(try a.string(0).hasPrefix(try a.string(1)))
        case "ends_with": return .bool(try a.string(0).hasSuffix(try a.string(1)))
        case "contains":
            if case .array(let items) = a.values[0] { return .bool(items.contains { $0.isEqual(to: a.values[1]) }) }
            let (text, part) = (try a.string(0), try a.string(1))
            return .bool(part.isEmpty || text.contains(part))
        case "pad": return .string(try pad(a))
        default: return nil
        }
    }

    private static func join(_ a: FunctionArguments) throws(FunctionError) -> String {
        guard case .array(let items) = a.values[0] else {
            throw FunctionError(
                argument: 0, "join: ARRAY must be an array, got \(a.values[0].typeName)",
                hint: "split(TEXT, SEPARATOR) makes an array of a string")
        }
        let separator = try a.string(1)
        var parts: [String] = []
        for (i, item) in items.enumerated() {
            switch item {
            case .string(let s): parts.append(s)
            case .int, .double, .bool: parts.append(Rendering.plain(item))
            default:
                throw FunctionError(
                    argument: 0, "join: element \(i) of ARRAY is \(item.typeName); join takes strings, numbers and booleans",
                    hint: item.typeName == "null" ? "leave it out, or give it a value with: x or \"\"" : nil)
            }
        }
        return parts.joined(separator: separator)
    }

    private static func substring(_ a: FunctionArguments) throws(FunctionError) -> String {
        let characters = Array(try a.string(0))
        let count = Int64(characters.count)
        let start = try a.integer(1, in: -count...count)
        let from = start < 0 ? characters.count + start : start
        let length = a.count > 2 ? try a.integer(2, in: 0...Int64.max / 2) : characters.count - from
        return String(characters[from..<min(characters.count, from + length)])
    }

    private static func pad(_ a: FunctionArguments) throws(FunctionError) -> String {
        let text = try a.string(0)
        let width = try a.integer(1, in: Int64(-longestPad)...Int64(longestPad))
        let fill = try a.optionalString(2) ?? " "
        guard fill.count == 1 else {
            throw FunctionError(argument: 2, "pad: FILL must be one character, got \"\(fill.prefix(20))\"", hint: "e.g. pad(id, 6, \"0\")")
        }
        let missing = String(repeating: fill, count: max(0, abs(width) - text.count))
        return width < 0 ? text + missing : missing + text
    }
}
