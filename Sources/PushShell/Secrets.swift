import PushSyntax

/// Finds API keys in what was typed, so they stay out of history and saved scripts.
enum Secrets {
    /// Ranges (in the entry's text) of keys written literally: `key "sk_..."`.
    static func literalKeyRanges(in source: SourceFile) -> [SourceRange] {
        let parsed = Parser.parse(source)
        var ranges: [SourceRange] = []
        func visit(_ statement: Statement) {
            switch statement.kind {
            case .connect(.region(_, _, let key, _)), .connect(.url(_, _, let key, _)):
                if case .value(let expr) = key, !isReference(expr) { ranges.append(expr.range) }
            case .let(_, .command(let inner)): visit(inner)
            case .if(let block):
                block.branches.forEach { $0.body.forEach(visit) }
                block.elseBody?.forEach(visit)
            case .for(let loop): loop.body.forEach(visit)
            default: break
            }
        }
        parsed.program.statements.forEach(visit)
        return ranges
    }

    /// Whether an expression reads a key from somewhere rather than holding it.
    static func isReference(_ expr: Expr) -> Bool {
        switch expr {
        case .call(let function, _, _): return function.value == "env"
        case .variable: return true
        default: return false
        }
    }

    /// Whether the entry holds a secret: a literal key, or any known key's text.
    static func containsSecret(_ entry: String, knownKeys: [String]) -> Bool {
        if knownKeys.contains(where: { !$0.isEmpty && entry.contains($0) }) { return true }
        return !literalKeyRanges(in: SourceFile(name: "<prompt>", text: entry)).isEmpty
    }
}
