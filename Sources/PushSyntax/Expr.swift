/// An expression: a value to compute, such as `s.state == "processed"`.
///
/// Every case carries the range it was written at, last, so an error while
/// evaluating can point at exactly that part of the line.
public indirect enum Expr: Sendable, Hashable {
    /// A string, number, duration, `true`, `false` or `null` written as is.
    case literal(Literal, range: SourceRange)
    /// A string with `${...}` in it, as its parts in order.
    case interpolated([StringPart], range: SourceRange)
    /// A variable's value: `s`.
    case variable(String, range: SourceRange)
    /// A field of an object: `s.state`, `x.User`, `x."first name"`.
    case field(Expr, name: Word, range: SourceRange)
    /// An element of an array or a field by computed key: `errors[0]`, `counts[type]`.
    case index(Expr, index: Expr, range: SourceRange)
    /// A call of a built-in function: `len(xs)`, `env("HOME")`.
    case call(function: Word, arguments: [Expr], range: SourceRange)
    /// `not x`.
    case not(Expr, range: SourceRange)
    /// `a and b`, `a == b`, and the other binary operators.
    case binary(BinaryOperator, Expr, Expr, range: SourceRange)
    /// A JSON-style array: `[1, "two", x]`.
    case array([Expr], range: SourceRange)
    /// A JSON-style object: `{"employeeId": "E1", name: n}`, keys in written order.
    case object([ObjectEntry], range: SourceRange)

    /// Where the expression was written.
    public var range: SourceRange {
        switch self {
        case .literal(_, let range), .interpolated(_, let range), .variable(_, let range),
            .field(_, _, let range), .index(_, _, let range), .call(_, _, let range), .not(_, let range),
            .binary(_, _, _, let range), .array(_, let range), .object(_, let range):
            range
        }
    }

    /// The string, if this is a plain string literal (no interpolation).
    public var stringLiteral: String? {
        if case .literal(.string(let text), _) = self { return text }
        return nil
    }

    /// The name, if this is a bare variable (for hints that repeat what was written).
    public var variableName: String? {
        if case .variable(let name, _) = self { return name }
        return nil
    }
}

/// A value written directly in the source.
public enum Literal: Sendable, Hashable {
    /// A string with its escapes decoded.
    case string(String)
    /// A whole number.
    case integer(Int64)
    /// A number with a fraction or exponent.
    case decimal(Double)
    /// A duration such as `30s` or `1.5m`.
    case duration(Duration)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null

    /// What kind of value this is, as a diagnostic names it ("a string", "the number 5").
    public var description: String {
        switch self {
        case .string(let text): "the string \"\(text)\""
        case .integer(let value): "the number \(value)"
        case .decimal(let value): "the number \(value)"
        case .duration: "a duration"
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        }
    }
}

/// A piece of an interpolated string.
public enum StringPart: Sendable, Hashable {
    /// Literal text, escapes decoded, with the range of the piece as written (with its quote, `${` or `}`).
    case text(String, range: SourceRange)
    /// The expression inside `${ ... }`; its range points into the original source.
    case interpolation(Expr)
}

/// One `key: value` entry of an object literal.
public struct ObjectEntry: Sendable, Hashable {
    /// The key as text (written as a string or a bare word) and where it was written.
    public var key: Word
    /// The value.
    public var value: Expr

    public init(key: Word, value: Expr) {
        self.key = key
        self.value = value
    }
}

/// The binary operators, from `or` (binds loosest) to the comparisons (bind tightest).
public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
    case or
    case and
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    /// Whether this is one of the six comparisons (which do not chain).
    public var isComparison: Bool { self != .or && self != .and }
}
