import Foundation
import PushScript
import PushSyntax

/// Finds API keys in what was typed, so they stay out of history and saved scripts.
enum Secrets {
    /// Ranges (in the entry's text) of keys written out rather than read from
    /// somewhere: `key "sk_..."`, `key "sk_" + rest`.
    static func literalKeyRanges(in source: SourceFile) -> [SourceRange] {
        let parsed = Parser.parse(source)
        var ranges: [SourceRange] = []
        func visit(_ statement: Statement) {
            switch statement.kind {
            case .connect(.region(_, _, let key, _)), .connect(.url(_, _, let key, _)):
                if case .value(let expr) = key, !isReference(expr) { ranges.append(expr.range) }
            case .let(_, .command(let inner)): visit(inner)
            case .if(let block):
                for branch in block.branches { branch.body.forEach(visit) }
                block.elseBody?.forEach(visit)
            case .for(let loop): loop.body.forEach(visit)
            default: break
            }
        }
        parsed.program.statements.forEach(visit)
        return ranges
    }

    /// Whether an expression reads a key from somewhere rather than holding it
    /// (a variable's definition is looked at on its own).
    static func isReference(_ expr: Expr) -> Bool {
        switch expr {
        case .call(let function, _, _): return function.value == "env"
        case .variable: return true
        default: return false
        }
    }

    /// `env("NAME")`: a reference a saved script can keep as it is.
    static func isEnvironmentReference(_ expr: Expr) -> Bool {
        if case .call(let function, let arguments, _) = expr, function.value == "env", arguments.count == 1,
            arguments[0].stringLiteral != nil
        {
            return true
        }
        return false
    }

    /// Whether the entry holds a secret: a literal key, or any known key's text.
    /// An entry that does not parse is judged by its words: `key` followed by
    /// a string is taken for a typed key.
    static func containsSecret(_ entry: String, knownKeys: [String]) -> Bool {
        if containsKnownKey(entry, knownKeys: knownKeys) { return true }
        let source = SourceFile(name: "<prompt>", text: entry)
        if Parser.parse(source).hasErrors {
            return entry.range(of: #"\bkey\s+"[^"]{6,}"#, options: .regularExpression) != nil
        }
        return !literalKeyRanges(in: source).isEmpty
    }

    static func containsKnownKey(_ text: String, knownKeys: [String]) -> Bool {
        knownKeys.contains { $0.count >= 6 && text.contains($0) }
    }

    /// The variables each `let` (and `for`) of an entry defines, with the
    /// variables its value was computed from, and whether it is only a
    /// reference (`let k = env("NAME")`: no secret in the line, and a saved
    /// script can keep it).
    static func definitions(in source: SourceFile) -> [(name: String, from: Set<String>, isReference: Bool)] {
        let parsed = Parser.parse(source)
        guard !parsed.hasErrors else { return [] }
        var found: [(String, Set<String>, Bool)] = []
        func visit(_ statement: Statement) {
            switch statement.kind {
            case .let(let name, .expression(let expr)):
                found.append((name.value, Interpreter.variables(in: expr), isEnvironmentReference(expr)))
            case .let(let name, .command): found.append((name.value, [], false))
            case .if(let block):
                for branch in block.branches { branch.body.forEach(visit) }
                block.elseBody?.forEach(visit)
            case .for(let loop):
                found.append((loop.variable.value, Interpreter.variables(in: loop.sequence), false))
                loop.body.forEach(visit)
            default: break
            }
        }
        parsed.program.statements.forEach(visit)
        return found
    }

    /// `names` and every variable their values were computed from, through any number of `let`s.
    static func closure(of names: Set<String>, definitions: [String: Set<String>]) -> Set<String> {
        var result = names
        var queue = Array(names)
        while let name = queue.popLast() {
            for source in definitions[name] ?? [] where !result.contains(source) {
                result.insert(source)
                queue.append(source)
            }
        }
        return result
    }

    /// The variables a statement defines or reads (outside a `connect`'s key,
    /// which a saved script replaces): a statement touching a key's variable is left out.
    static func variables(readOrDefinedBy statement: Statement) -> Set<String> {
        func all(_ exprs: [Expr?]) -> Set<String> {
            exprs.compactMap { $0 }.reduce(into: []) { $0.formUnion(Interpreter.variables(in: $1)) }
        }
        func block(_ statements: [Statement]) -> Set<String> {
            statements.reduce(into: []) { $0.formUnion(variables(readOrDefinedBy: $1)) }
        }
        switch statement.kind {
        case .connect(.region(_, let integration, _, let cacert)): return all([integration, cacert])
        case .connect(.url(let url, let integration, _, let cacert)): return all([url, integration, cacert])
        case .connect: return []
        case .start(let reference): return all([reference])
        case .status(let session): return all([session])
        case .push(let command):
            switch command.source {
            case .records(let records): return all([command.session, records])
            case .file(let path, let options):
                return all([command.session, path, options.skip, options.mapping] + options.mappings.map(\.from))
            }
        case .close(let session, _, _): return all([session])
        case .wait(let command): return all([command.session, command.timeout])
        case .let(let name, .expression(let expr)): return all([expr]).union([name.value])
        case .let(let name, .command(let inner)): return variables(readOrDefinedBy: inner).union([name.value])
        case .print(let exprs): return all(exprs)
        case .expect(let condition, let message): return all([condition, message])
        case .sleep(let expr): return all([expr])
        case .if(let ifStatement):
            return ifStatement.branches.reduce(into: Set<String>()) { $0.formUnion(all([$1.condition]).union(block($1.body))) }
                .union(block(ifStatement.elseBody ?? []))
        case .for(let loop): return all([loop.sequence]).union([loop.variable.value]).union(block(loop.body))
        case .include(let path): return all([path])
        case .exit(let code): return all([code])
        case .save(let path, _, let entries):
            if case .last(let count) = entries { return all([path, count]) }
            return all([path])
        case .expression(let expr): return all([expr])
        case .integration, .activity, .set, .help, .sandbox, .learn, .why: return []
        }
    }
}
