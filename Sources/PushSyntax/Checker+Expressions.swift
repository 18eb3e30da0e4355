/// Checking expressions, literal values in typed positions, and includes.
extension ScriptChecker {
    /// Checks names and calls throughout an expression.
    mutating func check(_ expression: Expr) {
        switch expression {
        case .literal:
            break
        case .interpolated(let parts, _):
            for case .interpolation(let inner) in parts { check(inner) }
        case .variable(let name, let range):
            if !defined.contains(name) { reportUndefined(name, at: range) }
        case .field(let base, _, _):
            check(base)
        case .index(let base, let index, _):
            check(base)
            check(index)
        case .call(let function, let arguments, _):
            for argument in arguments { check(argument) }
            guard let builtin = BuiltinFunction.named(function.value) else {
                let suggestion = Spelling.closest(to: function.value, among: BuiltinFunction.all.map(\.name))
                error(
                    "unknown function '\(function.value)'", at: function.range,
                    hint: suggestion.map { "did you mean '\($0)'?" }
                        ?? "functions: " + BuiltinFunction.all.map(\.signature).joined(separator: ", "))
                return
            }
            if !builtin.arity.contains(arguments.count) {
                let expected =
                    builtin.arity.count == 1
                    ? "\(builtin.arity.lowerBound)"
                    : "\(builtin.arity.lowerBound) or \(builtin.arity.upperBound)"
                let noun = builtin.arity.upperBound == 1 ? "argument" : "arguments"
                error(
                    "'\(builtin.name)' takes \(expected) \(noun), not \(arguments.count)", at: expression.range,
                    hint: "\(builtin.signature): \(builtin.summary)")
            }
        case .not(let operand, _):
            check(operand)
        case .binary(_, let left, let right, _):
            check(left)
            check(right)
        case .array(let elements, _):
            for element in elements { check(element) }
        case .object(let entries, _):
            for entry in entries { check(entry.value) }
        }
    }

    private mutating func reportUndefined(_ name: String, at range: SourceRange) {
        let hint: String
        if CommandCatalog.commandWords.contains(name) {
            hint =
                "'\(name)' is a command: it must start the statement, "
                + "or give its result a name with 'let r = \(name) ...'"
        } else if let function = BuiltinFunction.named(name) {
            hint = "'\(name)' is a function; call it: \(function.signature)"
        } else if SessionStateName(rawValue: name) != nil {
            hint = "to compare with a state, write it as a string: \"\(name)\""
        } else if let suggestion = Spelling.closest(to: name, among: defined) {
            hint = "did you mean '\(suggestion)'?"
        } else if let command = Spelling.closest(to: name, among: CommandCatalog.commandWords) {
            hint = "did you mean the command '\(command)'?"
        } else {
            hint = "define it first with 'let \(name) = ...', or pass --var \(name)=VALUE"
        }
        error("undefined variable '\(name)'", at: range, hint: hint)
    }

    // MARK: - Values in typed positions

    /// Checks an expression that must give a duration; a literal of another kind is an error.
    mutating func expectDuration(_ expression: Expr, _ what: String) {
        check(expression)
        let range = expression.range
        switch expression {
        case .literal(.duration(let duration), _):
            if duration < .zero { error("\(what) needs a duration of zero or more", at: range) }
        case .literal(.integer(let value), _):
            error(
                "\(what) needs a duration, and \(value) has no unit", at: range,
                hint: "write \(value)s, \(value)m, \(value)ms, \(value)h or \(value)d")
        case .literal(.decimal(let value), _):
            error("\(what) needs a duration, and \(value) has no unit", at: range, hint: "write \(value)s or \(value)m")
        case .literal(let literal, _):
            error(
                "\(what) needs a duration such as 30s, not \(literal.description)", at: range,
                hint: "see 'help durations'")
        case .interpolated, .array, .object:
            error("\(what) needs a duration such as 30s", at: range, hint: "see 'help durations'")
        default:
            break
        }
    }

    /// Checks an expression that must give a whole number within `bounds`.
    mutating func expectWholeNumber(_ expression: Expr, _ what: String, in bounds: ClosedRange<Int64>) {
        check(expression)
        let range = expression.range
        switch expression {
        case .literal(.integer(let value), _):
            guard !bounds.contains(value) else { return }
            let allowed =
                bounds.upperBound == .max
                ? "at least \(bounds.lowerBound)"
                : "from \(bounds.lowerBound) to \(bounds.upperBound)"
            error("\(what) must be \(allowed), not \(value)", at: range)
        case .literal(let literal, _):
            error("\(what) must be a whole number, not \(literal.description)", at: range)
        case .interpolated, .array, .object:
            error("\(what) must be a whole number", at: range)
        default:
            break
        }
    }

    /// `activity since` takes a duration (that long ago) or a timestamp string.
    mutating func checkSince(_ expression: Expr) {
        switch expression {
        case .literal(.string, _), .interpolated:
            check(expression)
        default:
            expectDuration(expression, "'since'")
        }
    }

    // MARK: - Includes

    /// Loads, parses and checks an included file in the current scope; the
    /// names it defines stay defined after the `include`.
    mutating func checkInclude(_ pathExpression: Expr, statement: Statement, in source: SourceFile) {
        check(pathExpression)
        // A computed path can only be followed at run time.
        guard let path = pathExpression.stringLiteral else {
            if case .literal(let literal, let range) = pathExpression {
                error(
                    "'include' takes a file path, not \(literal.description)", at: range,
                    hint: "include \"common.push\"")
            }
            return
        }
        let resolved = source.resolve(path: path)
        if includeStack.contains(resolved) {
            let cycle = (includeStack.drop { $0 != resolved } + [resolved]).joined(separator: " → ")
            error(
                "include cycle: \(cycle)", at: pathExpression.range,
                hint: "a file cannot include itself, even indirectly")
            return
        }
        if includeStack.count > Checker.maxIncludeDepth {
            error(
                "includes are nested too deeply (more than \(Checker.maxIncludeDepth) files)", at: pathExpression.range)
            return
        }
        // Each file is checked once: a file included from many places (or a
        // fan of includes) would otherwise be checked exponentially often.
        if let names = checkedIncludes[resolved] {
            defined.formUnion(names)
            return
        }
        if checkedIncludes.count >= Checker.maxIncludedFiles {
            error("more than \(Checker.maxIncludedFiles) different files are included", at: pathExpression.range)
            return
        }
        let included: SourceFile
        do {
            included = try loadInclude(resolved)
        } catch {
            self.error(
                "cannot include \"\(path)\": the file does not exist or cannot be read", at: pathExpression.range,
                hint: "looked for \(resolved); a path is relative to the folder of the file that includes it")
            return
        }
        let parsed = Parser.parse(included)
        let before = diagnostics.count
        diagnostics.append(contentsOf: parsed.diagnostics)
        includeStack.append(resolved)
        let definedBefore = defined
        checkBlock(parsed.program.statements, in: included)
        checkedIncludes[resolved] = defined.subtracting(definedBefore)
        includeStack.removeLast()
        if diagnostics.count > before {
            diagnostics.append(.note("in the file included here", at: pathExpression.range))
        }
    }
}
