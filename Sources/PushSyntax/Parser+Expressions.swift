/// Parsing expressions. Precedence, loosest first: `or`, `and`, `not`,
/// comparisons (which do not chain), postfix (`.name`, `[i]`, `f(x)`), primaries.
extension Parser {
    /// Parses an expression.
    mutating func parseExpression() throws -> Expr {
        try parseOr()
    }

    private mutating func parseOr() throws -> Expr {
        try parseChain(.or, written: .or) { try $0.parseAnd() }
    }

    private mutating func parseAnd() throws -> Expr {
        try parseChain(.and, written: .and) { try $0.parseNot() }
    }

    /// `a or b or c ...` (or `and`), leaning left, each operand parsed by `operand`.
    private mutating func parseChain(
        _ op: BinaryOperator, written keyword: Token.Keyword, operand: (inout Parser) throws -> Expr
    ) throws -> Expr {
        var left = try operand(&self)
        var links = 0
        defer { depth -= links }
        while current.kind == .keyword(keyword) {
            // Each operator adds a level to the tree (it leans left), so a
            // 10,000-term chain is as deep as 10,000 nested brackets.
            try enter(at: advance())
            links += 1
            let right = try operand(&self)
            left = .binary(op, left, right, range: left.range.through(right.range))
        }
        return left
    }

    private mutating func parseNot() throws -> Expr {
        guard current.kind == .keyword(.not) else { return try parseComparison() }
        let notToken = advance()
        try enter(at: notToken)
        defer { depth -= 1 }
        let operand = try parseNot()
        return .not(operand, range: notToken.range.through(operand.range))
    }

    private mutating func parseComparison() throws -> Expr {
        let left = try parsePostfix()
        guard let op = comparisonOperator() else { return left }
        advance()
        let right = try parsePostfix()
        if comparisonOperator() != nil {
            throw fail(
                "comparisons cannot be chained",
                hint: "compare two values at a time and join them with 'and': a < b and b < c")
        }
        return .binary(op, left, right, range: left.range.through(right.range))
    }

    private func comparisonOperator() -> BinaryOperator? {
        guard case .punctuation(let mark) = current.kind else { return nil }
        switch mark {
        case .equalEqual: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessOrEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterOrEqual
        default: return nil
        }
    }

    /// A primary followed by `.name`, and by `[index]` or `(arguments)` that
    /// touch the token before them.
    private mutating func parsePostfix() throws -> Expr {
        var expression = try parsePrimary()
        var links = 0
        defer { depth -= links }
        while true {
            if at(.dot) {
                try enter(at: advance())
                links += 1
                let name: Word
                switch current.kind {
                case .word(let key), .string(let key): name = Word(key, advance().range)
                case .keyword(let keyword): name = Word(keyword.rawValue, advance().range)
                default: throw fail("expected a field name after '.', found \(current.kind)", hint: "s.state")
                }
                expression = .field(expression, name: name, range: expression.range.through(name.range))
            } else if at(.leftBracket), !current.spaceBefore {
                try enter(at: advance())
                links += 1
                let index = try parseRequiredExpression("an index inside '[ ]'", hint: "errors[0]")
                let close = try expect(.rightBracket, "to close the index")
                expression = .index(expression, index: index, range: expression.range.through(close.range))
            } else if at(.leftParen), !current.spaceBefore {
                guard case .variable(let name, let nameRange) = expression else {
                    throw fail(
                        "only built-in functions can be called, and '\(text(of: expression))' is not one",
                        hint: "functions: " + BuiltinFunction.all.map(\.name).joined(separator: ", "))
                }
                let open = advance()
                try enter(at: open)
                links += 1
                var arguments: [Expr] = []
                while !at(.rightParen) {
                    arguments.append(try parseRequiredExpression("an argument or ')'", hint: nil))
                    try commaOrClose(.rightParen, after: "an argument", hint: "arguments are separated by commas: \(name)(a, b)")
                }
                let close = advance()
                expression = .call(
                    function: Word(name, nameRange), arguments: arguments,
                    range: nameRange.through(close.range))
            } else {
                return expression
            }
        }
    }

    private mutating func parsePrimary() throws -> Expr {
        let token = current
        switch token.kind {
        case .string(let text):
            advance()
            return .literal(.string(text), range: token.range)
        case .stringHead:
            return try parseInterpolated()
        case .integer(let value):
            advance()
            return .literal(.integer(value), range: token.range)
        case .decimal(let value):
            advance()
            return .literal(.decimal(value), range: token.range)
        case .duration(let value):
            advance()
            return .literal(.duration(value), range: token.range)
        case .keyword(.true), .keyword(.false):
            advance()
            return .literal(.bool(token.kind == .keyword(.true)), range: token.range)
        case .keyword(.null):
            advance()
            return .literal(.null, range: token.range)
        case .word(let name):
            // `print len(` then `sleep 5` on the next line: the line is a new
            // statement, not an argument (no value is named like a command).
            if lexer.hasOpenGroups, startsLineWithStatementWord {
                throw fail(
                    "expected an expression, found '\(name)', which starts a statement",
                    hint: "a bracket opened before this line is still open")
            }
            advance()
            return .variable(name, range: token.range)
        case .punctuation(.leftParen):
            advance()
            try enter(at: token)
            defer { depth -= 1 }
            let inner = try parseRequiredExpression("an expression after '('", hint: nil)
            try expect(.rightParen, "to close the '(' at \(token.range.start)")
            return inner
        case .punctuation(.leftBracket):
            return try parseArray()
        case .punctuation(.leftBrace):
            return try parseObject()
        default:
            throw fail("expected an expression, found \(token.kind)")
        }
    }

    /// `[a, b, ...]`, a trailing comma allowed.
    private mutating func parseArray() throws -> Expr {
        let open = advance()
        try enter(at: open)
        defer { depth -= 1 }
        var elements: [Expr] = []
        while !at(.rightBracket) {
            elements.append(try parseRequiredExpression("an array element or ']'", hint: nil))
            try commaOrClose(
                .rightBracket, after: "an array element",
                hint: "the '[' at \(open.range.start) is still open; separate elements with commas")
        }
        let close = advance()
        return .array(elements, range: open.range.through(close.range))
    }

    /// `{"key": value, key: value}`, a trailing comma allowed; a repeated key is an error.
    private mutating func parseObject() throws -> Expr {
        let open = advance()
        try enter(at: open)
        defer { depth -= 1 }
        var entries: [ObjectEntry] = []
        var firstSeen: [String: SourceRange] = [:]
        while !at(.rightBrace) {
            let key: Word
            switch current.kind {
            case .word(let text), .string(let text): key = Word(text, advance().range)
            case .keyword(let keyword): key = Word(keyword.rawValue, advance().range)
            case .stringHead:
                throw fail(
                    "an object key cannot contain '${...}'", hint: "build the key first with let, or use a fixed key")
            default:
                throw fail(
                    "expected a key (a string or a name) or '}', found \(current.kind)",
                    hint: "the '{' at \(open.range.start) is still open")
            }
            try expect(.colon, "after the key \"\(key.value)\"", hint: "{\"\(key.value)\": VALUE}")
            let value = try parseRequiredExpression("a value after ':'", hint: nil)
            if let first = firstSeen[key.value] {
                report(
                    "duplicate key \"\(key.value)\" in object", at: key.range,
                    hint: "the key is first given at \(first.start); each key may appear once")
            } else {
                firstSeen[key.value] = key.range
            }
            entries.append(ObjectEntry(key: key, value: value))
            try commaOrClose(
                .rightBrace, after: "an object value",
                hint: "the '{' at \(open.range.start) is still open; separate entries with commas")
        }
        let close = advance()
        return .object(entries, range: open.range.through(close.range))
    }

    /// After an item of a bracketed list: its `,` (taken), or the list's
    /// `closer` (left for the loop to see); anything else is an error.
    private mutating func commaOrClose(_ closer: Token.Punctuation, after item: String, hint: @autoclosure () -> String) throws {
        if accept(.comma) || at(closer) { return }
        throw fail("expected ',' or '\(closer.rawValue)' after \(item), found \(current.kind)", hint: hint())
    }

    /// `"text ${expr} more ${expr} end"`, from its head token to its tail token.
    private mutating func parseInterpolated() throws -> Expr {
        let head = advance()
        var parts: [StringPart] = []
        if case .stringHead(let text) = head.kind, !text.isEmpty { parts.append(.text(text, range: head.range)) }
        try enter(at: head)
        defer { depth -= 1 }
        while true {
            switch current.kind {
            case .stringMiddle, .stringTail:
                throw fail(
                    "empty interpolation '${}'",
                    hint: "put an expression inside: ${s.state}; write \\$ for a literal '$'")
            default:
                parts.append(.interpolation(try parseExpression()))
            }
            let piece = current
            switch piece.kind {
            case .stringMiddle(let text):
                advance()
                if !text.isEmpty { parts.append(.text(text, range: piece.range)) }
            case .stringTail(let text):
                advance()
                if !text.isEmpty { parts.append(.text(text, range: piece.range)) }
                return .interpolated(parts, range: head.range.through(piece.range))
            default:
                throw fail(
                    "expected '}' to end the interpolation, found \(current.kind)",
                    hint: "an interpolation holds one expression: \"${s.state}\"")
            }
        }
    }
}
