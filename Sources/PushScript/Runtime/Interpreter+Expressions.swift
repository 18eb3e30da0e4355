import Foundation
import PushAPI
import PushSyntax

extension Interpreter {
    /// Computes an expression's value.
    func evaluate(_ expr: Expr) throws(ScriptError) -> Value {
        switch expr {
        case .literal(let literal, _):
            switch literal {
            case .string(let s): return .string(s)
            case .integer(let i): return .int(i)
            case .decimal(let d): return .double(d)
            case .duration(let d): return .duration(d)
            case .bool(let b): return .bool(b)
            case .null: return .null
            }
        case .interpolated(let parts, _):
            var text = ""
            for part in parts {
                switch part {
                case .text(let s, _): text += s
                case .interpolation(let inner): text += Rendering.plain(try evaluate(inner))
                }
            }
            return .string(text)
        case .variable(let name, let range):
            if let value = variables[name] { return value }
            throw undefinedVariable(name, at: range)
        case .field(let base, let name, let range):
            let value = try evaluate(base)
            if let field = value.field(name.value) { return field }
            throw missingField(name.value, in: value, at: name.range, whole: range)
        case .index(let base, let indexExpr, let range):
            let value = try evaluate(base)
            let index = try evaluate(indexExpr)
            switch (value, index) {
            case (.array(let items), .int(let i)):
                let position = i < 0 ? Int64(items.count) + i : i
                guard position >= 0, position < items.count else {
                    throw .runtime(
                        "index \(i) is out of range: the array has \(items.count) element\(items.count == 1 ? "" : "s")",
                        at: indexExpr.range)
                }
                return items[Int(position)]
            case (.object, .string(let key)), (.session, .string(let key)):
                if let field = value.field(key) { return field }
                throw missingField(key, in: value, at: indexExpr.range, whole: range)
            case (.string(let s), .int(let i)):
                let chars = Array(s)
                let position = i < 0 ? Int64(chars.count) + i : i
                guard position >= 0, position < chars.count else {
                    throw .runtime("index \(i) is out of range: the string has \(chars.count) characters", at: indexExpr.range)
                }
                return .string(String(chars[Int(position)]))
            default:
                throw .runtime(
                    "cannot index \(value.typeName) with \(index.typeName)", at: range,
                    hint: "arrays take a number (xs[0]), objects a string (o[\"key\"])")
            }
        case .call(let function, let arguments, let range):
            var values: [Value] = []
            for argument in arguments { values.append(try evaluate(argument)) }
            return try call(function, values, arguments: arguments, at: range)
        case .not(let inner, _):
            return .bool(!(try evaluate(inner)).isTruthy)
        case .binary(let op, let lhs, let rhs, let range):
            switch op {
            case .and:
                let left = try evaluate(lhs)
                return left.isTruthy ? try evaluate(rhs) : left
            case .or:
                let left = try evaluate(lhs)
                return left.isTruthy ? left : try evaluate(rhs)
            case .equal: return .bool(try evaluate(lhs).isEqual(to: evaluate(rhs)))
            case .notEqual: return .bool(!(try evaluate(lhs).isEqual(to: evaluate(rhs))))
            case .less, .lessOrEqual, .greater, .greaterOrEqual:
                let left = try evaluate(lhs)
                let right = try evaluate(rhs)
                guard let order = left.compare(to: right) else {
                    throw .runtime(
                        "cannot compare \(left.typeName) with \(right.typeName) using \(op.rawValue)", at: range,
                        hint: "order works on two numbers, two strings or two durations")
                }
                switch op {
                case .less: return .bool(order < 0)
                case .lessOrEqual: return .bool(order <= 0)
                case .greater: return .bool(order > 0)
                default: return .bool(order >= 0)
                }
            }
        case .array(let items, _):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try evaluate(item)) }
            return .array(values)
        case .object(let entries, _):
            var values: [(key: String, value: Value)] = []
            for entry in entries { values.append((entry.key.value, try evaluate(entry.value))) }
            return .object(values)
        }
    }

    /// The checker's message and hint, word for word (the check before a run
    /// finds most of these; a name an `if` branch that did not run would have
    /// defined gets this far).
    func undefinedVariable(_ name: String, at range: SourceRange) -> ScriptError {
        .runtime("undefined variable '\(name)'", at: range, hint: NameRules.undefinedHint(name, defined: variables.keys))
    }

    func missingField(_ name: String, in value: Value, at range: SourceRange, whole: SourceRange) -> ScriptError {
        let keys: [String]
        switch value {
        case .object(let entries): keys = entries.map(\.key)
        case .session(let handle): keys = handle.snapshot.raw.objectValue?.keys ?? []
        default:
            return .runtime("\(value.typeName) has no fields (looking for '\(name)')", at: whole)
        }
        if case .session = value, name == "accepted_batches" || name == "retry_count" {
            return .runtime("the session's snapshot has no '\(name)' yet", at: range, hint: "read it again first: status s")
        }
        let suggestion = Spelling.closest(to: name, among: keys).map { "did you mean '\($0)'?" }
        let listing = keys.prefix(12).joined(separator: ", ")
        return .runtime(
            "no field '\(name)' in \(value.typeName)", at: range, hint: suggestion ?? (keys.isEmpty ? nil : "fields: \(listing)"))
    }

    /// The built-in functions: the first few here, text, patterns and dates in their own files.
    func call(_ function: Word, _ values: [Value], arguments: [Expr], at range: SourceRange) throws(ScriptError) -> Value {
        guard let builtin = BuiltinFunction.named(function.value) else {
            let known = BuiltinFunction.all.map(\.name)
            throw .runtime(
                "there is no function '\(function.value)'", at: function.range,
                hint: Spelling.closest(to: function.value, among: known).map { "did you mean \($0)()?" }
                    ?? "functions: \(known.joined(separator: ", "))")
        }
        guard builtin.arity.contains(values.count) else {
            throw .runtime(
                "\(builtin.name) takes \(builtin.arity.lowerBound == builtin.arity.upperBound ? "\(builtin.arity.lowerBound)" : "\(builtin.arity.lowerBound) to \(builtin.arity.upperBound)") argument(s), got \(values.count)",
                at: range, hint: builtin.signature)
        }
        func argumentRange(_ i: Int) -> SourceRange { i < arguments.count ? arguments[i].range : range }
        switch builtin.name {
        case "env":
            guard case .string(let name) = values[0] else { throw .runtime("env takes a variable name (a string)", at: argumentRange(0)) }
            if let value = environment[name] { return .string(value) }
            return values.count > 1 ? values[1] : .null
        case "len":
            switch values[0] {
            case .array(let a): return .int(Int64(a.count))
            case .object(let o): return .int(Int64(o.count))
            case .string(let s): return .int(Int64(s.count))
            default: throw .runtime("len takes an array, an object or a string, got \(values[0].typeName)", at: argumentRange(0))
            }
        case "now": return .string(connection.now().iso8601)
        case "today": return .string(connection.now().day)
        case "keys":
            switch values[0] {
            case .object(let o): return .array(o.map { .string($0.key) })
            case .session(let h): return .array((h.snapshot.raw.objectValue?.keys ?? []).map(Value.string))
            default: throw .runtime("keys takes an object, got \(values[0].typeName)", at: argumentRange(0))
            }
        case "json":
            guard case .string(let text) = values[0] else {
                throw .runtime("json takes JSON text (a string), got \(values[0].typeName)", at: argumentRange(0))
            }
            do { return Value(try JSONValue(parsing: text)) } catch {
                throw .runtime("json: the text is not valid JSON: \(error.message) at \(error.line):\(error.column)", at: argumentRange(0))
            }
        case "string": return .string(Rendering.plain(values[0]))
        case "number":
            switch values[0] {
            case .int, .double: return values[0]
            case .duration(let d): return .double(d.seconds)
            case .bool(let b): return .int(b ? 1 : 0)
            case .string(let s):
                if let i = Int64(s.trimmingCharacters(in: .whitespaces)) { return .int(i) }
                if let d = Double(s.trimmingCharacters(in: .whitespaces)), d.isFinite { return .double(d) }
                throw .runtime("number: \"\(s.prefix(40))\" is not a number", at: argumentRange(0))
            default: throw .runtime("number takes a string or a number, got \(values[0].typeName)", at: argumentRange(0))
            }
        default:
            let given = FunctionArguments(builtin, values)
            do throws(FunctionError) {
                if let value = try TextFunctions.call(builtin.name, given) { return value }
                if let value = try PatternFunctions.call(builtin.name, given) { return value }
                if let value = try DateFunctions.call(builtin.name, given) { return value }
            } catch {
                throw .runtime(error.message, at: error.argument.map(argumentRange) ?? range, hint: error.hint)
            }
            throw .runtime("the function \(builtin.name) is not available here", at: function.range)
        }
    }

    // MARK: Typed argument helpers

    func string(_ expr: Expr, _ what: String) throws(ScriptError) -> String {
        switch try evaluate(expr) {
        case .string(let s): return s
        case .session(let h): return h.id
        case let other: throw .runtime("\(what) must be a string, got \(other.typeName)", at: expr.range)
        }
    }

    /// A whole number for a place whose rule the checker applies too.
    func integer(_ expr: Expr, _ rule: ArgumentRule) throws(ScriptError) -> Int {
        let value = try evaluate(expr)
        let number: Int64?
        switch value {
        case .int(let i): number = i
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: number = Int64(d)
        default: number = nil
        }
        guard let number else { throw .runtime(rule.notAWholeNumber(value.typeName), at: expr.range) }
        guard rule.bounds.contains(number) else { throw .runtime(rule.outOfBounds(number), at: expr.range) }
        return Int(number)
    }

    /// The longest duration a script may use: beyond it, clocks and timestamps overflow.
    static let longestDuration: Duration = .seconds(100 * 366 * 86_400)

    /// A duration for a place whose rule the checker applies too: a bare
    /// number is refused here as there ("write 5s").
    func duration(_ expr: Expr, _ rule: ArgumentRule) throws(ScriptError) -> Duration {
        try duration(of: try evaluate(expr), at: expr.range, rule)
    }

    /// The same, for a value already evaluated (`activity since` first asks
    /// whether it is a time).
    func duration(of value: Value, at range: SourceRange, _ rule: ArgumentRule) throws(ScriptError) -> Duration {
        let d = try anyDuration(value, at: range, rule)
        guard d >= .zero else { throw .runtime(rule.negativeDuration, at: range) }
        guard d <= Self.longestDuration else {
            throw .runtime("\(rule.what) is longer than 100 years", at: range, hint: "durations go up to 100 years")
        }
        return d
    }

    private func anyDuration(_ value: Value, at range: SourceRange, _ rule: ArgumentRule) throws(ScriptError) -> Duration {
        switch value {
        case .duration(let d): return d
        case .int(let number):
            let problem = rule.bareNumber("\(number)")
            throw .runtime(problem.message, at: range, hint: problem.hint)
        case .double(let number):
            let problem = rule.bareNumber("\(number)")
            throw .runtime(problem.message, at: range, hint: problem.hint)
        case .string(let s):
            if let d = DurationSyntax.parse(s) { return d }
            let problem = DurationSyntax.isBareNumber(s) ? rule.bareNumber(s) : rule.badDurationText(s)
            throw .runtime(problem.message, at: range, hint: problem.hint)
        case let other:
            let problem = rule.notADuration(other.typeName)
            throw .runtime(problem.message, at: range, hint: problem.hint)
        }
    }

    /// The session an expression names: a session value, or a session id
    /// string (an id means a session of the service commands go to now).
    ///
    /// A session value belongs to the service that started it: one from
    /// another service is refused here, naming that service and the
    /// `connect` that gets back, instead of being sent where it means nothing.
    func session(_ expr: Expr) throws(ScriptError) -> SessionHandle {
        let here = connection.service
        switch try evaluate(expr) {
        case .session(let handle):
            guard handle.service == here else {
                var name = StringLiteral.quoted(handle.id)
                if case .variable(let variable, _) = expr { name = variable }
                throw .runtime(
                    "session \(handle.id) belongs to \(handle.service.description), and commands now go to \(here.description)",
                    at: expr.range, hint: "to use it, connect back first: \(handle.service.connectStatement)   (then \(name) works again)")
            }
            return handle
        case .string(let id):
            if let known = knownSessions[id], known.service == here { return known }
            return SessionHandle(
                Session(
                    id: id, integrationID: nil, state: SessionState("unknown"), createdAt: nil, updatedAt: nil, expiresAt: nil,
                    inactivityTimeoutSeconds: nil, acceptedRecordsTotal: 0, acceptedRecordsByEntity: [:], lastError: nil,
                    acceptedBatches: nil, retryCount: nil), service: here)
        case let other:
            throw .runtime("expected a session, got \(other.typeName)", at: expr.range, hint: "start one with: let s = start")
        }
    }
}
