/// What parsing a source gives: the program, the problems, and whether more input is expected.
public struct ParseResult: Sendable {
    /// The statements that parsed; a statement with an error is left out, but
    /// the statements inside a broken `if` or `for` block are kept (in its
    /// place), so the checker still looks at them. A program with errors is
    /// only ever checked, never run.
    public var program: Program
    /// Lexer and parser diagnostics in source order.
    public var diagnostics: [Diagnostic]
    /// Whether the input stopped inside an open bracket, brace, parenthesis,
    /// `${`, an `if` or `for` block, or right after a line-continuing `\`,
    /// with nothing else wrong: the interactive shell then asks for another line.
    public var isIncomplete: Bool
    /// Names whose `let` did not parse: the checker takes them as defined, so
    /// one broken line does not make every later use of its name an error too.
    public var unfinishedNames: Set<String> = []

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.hasErrors }
}

/// A recursive-descent parser for pushsh.
///
/// Statements end at a line break or `;`. After an error the parser skips to
/// the end of the statement and goes on, so `pushsh check` can list every
/// bad line at once.
public struct Parser: Sendable {
    /// How deeply expressions, brackets and blocks may nest. Deeper input gets
    /// an error instead of overflowing the stack (here, in the checker, or in
    /// the interpreter, which all recurse over the tree).
    public static let maxDepth = 200

    /// The command words that produce a value, allowed after `let NAME =`.
    /// Read from the command catalog, the one place that says which commands give one.
    public static let valueCommands: Set<String> = Set(CommandCatalog.commands.filter(\.producesValue).map(\.name))

    var lexer: Lexer
    /// The token being looked at.
    var current: Token
    /// The last token consumed; statements and nodes end where it ends.
    var previous: Token
    var diagnostics: [Diagnostic] = []
    var depth = 0
    /// Whether an error was reported somewhere other than at the end of the input.
    var failedBeforeEnd = false
    /// Whether the input ended inside an `if` or `for` block.
    var endedInsideBlock = false
    /// Statements parsed inside a block that was then abandoned, waiting to be
    /// put in the program where the block stood.
    var salvaged: [Statement] = []
    /// The name of the `let` being parsed, and the names of those that failed.
    var pendingName: String?
    var unfinishedNames: Set<String> = []

    /// Thrown to abandon the statement being parsed; the diagnostic is already recorded.
    struct Failure: Error {}

    init(_ source: SourceFile) {
        lexer = Lexer(source)
        current = lexer.next()
        previous = Token(.newline, current.range, spaceBefore: true)
    }

    /// Parses a whole source.
    public static func parse(_ source: SourceFile) -> ParseResult {
        var parser = Parser(source)
        let program = parser.parseProgram()
        return parser.result(program)
    }

    /// Parses a source that should hold one expression and nothing else
    /// (a `--var` value, a completion context); nil when it has errors.
    public static func parseExpression(_ source: SourceFile) -> (expression: Expr?, diagnostics: [Diagnostic]) {
        var parser = Parser(source)
        parser.skipTerminators()
        var expression: Expr?
        do {
            expression = try parser.parseExpression()
            parser.skipTerminators()
            if parser.current.kind != .endOfFile {
                throw parser.fail("expected the end of the expression, found \(parser.current.kind)")
            }
        } catch {
            expression = nil
        }
        let result = parser.result(Program(statements: [], range: parser.current.range))
        return (result.hasErrors ? nil : expression, result.diagnostics)
    }

    private func result(_ program: Program) -> ParseResult {
        let all = (lexer.diagnostics + diagnostics).sortedByLocation()
        let open = lexer.endedInsideGroup || lexer.endedWithContinuation || endedInsideBlock
        var result = ParseResult(
            program: program, diagnostics: all,
            isIncomplete: open && !failedBeforeEnd && lexer.diagnostics.isEmpty)
        result.unfinishedNames = unfinishedNames
        return result
    }

    // MARK: - Program and blocks

    mutating func parseProgram() -> Program {
        let start = current.range
        var statements: [Statement] = []
        while true {
            skipTerminators()
            if current.kind == .endOfFile { break }
            if let word = current.kind.word, word == "else" || word == "end" {
                _ = fail(
                    "'\(word)' without an open 'if'\(word == "end" ? " or 'for'" : "")",
                    hint: "blocks are written 'if CONDITION' ... 'end' and 'for NAME in LIST' ... 'end'")
                synchronize()
                continue
            }
            statements += parseStatementRecovering()
        }
        return Program(statements: statements, range: start.through(current.range))
    }

    /// Parses one statement and its terminator; on an error, skips to the next
    /// statement and gives what could be salvaged from the broken one (the
    /// statements of its blocks), for the checker.
    mutating func parseStatementRecovering() -> [Statement] {
        pendingName = nil
        do {
            let statement = try parseStatement()
            try expectEndOfStatement()
            return [statement]
        } catch {
            if let pendingName { unfinishedNames.insert(pendingName) }
            synchronize()
            defer { salvaged = [] }
            return salvaged
        }
    }

    /// Parses statements up to one of `closers` (`else`, `end`) at the start of a
    /// statement, which is left as the current token; nil at the end of input.
    mutating func parseBlock(closers: Set<String>, opener: Token) -> [Statement]? {
        var statements: [Statement] = []
        while true {
            skipTerminators()
            if current.kind == .endOfFile {
                let word = opener.kind.word ?? "block"
                _ = fail(
                    "expected 'end' to close the '\(word)' on line \(opener.range.line)",
                    hint: "every 'if' and 'for' block ends with a line that says 'end'")
                endedInsideBlock = true
                salvaged += statements
                return nil
            }
            if let word = current.kind.word, word == "else" || word == "end" {
                if closers.contains(word) { return statements }
                let word = opener.kind.word ?? "block"
                _ = fail(
                    word == "for"
                        ? "'else' belongs to an 'if', not to the 'for' on line \(opener.range.line)"
                        : "this 'if' (line \(opener.range.line)) already has its 'else'; a second one cannot follow",
                    hint: word == "for" ? nil : "use 'else if CONDITION' for another branch")
                synchronize()
                continue
            }
            statements += parseStatementRecovering()
        }
    }

    // MARK: - Tokens

    /// Consumes the current token and returns it.
    @discardableResult
    mutating func advance() -> Token {
        let token = current
        previous = token
        if token.kind != .endOfFile { current = lexer.next() }
        return token
    }

    /// Whether the current token is the bare word `word`.
    func at(_ word: String) -> Bool { current.kind == .word(word) }

    /// Whether the current token is the punctuation mark `mark`.
    func at(_ mark: Token.Punctuation) -> Bool { current.kind == .punctuation(mark) }

    /// Consumes the word if it is current.
    mutating func accept(_ word: String) -> Bool {
        guard at(word) else { return false }
        advance()
        return true
    }

    /// Consumes the punctuation mark if it is current.
    mutating func accept(_ mark: Token.Punctuation) -> Bool {
        guard at(mark) else { return false }
        advance()
        return true
    }

    /// Consumes `mark` or fails with "expected 'mark' context, found ...".
    @discardableResult
    mutating func expect(_ mark: Token.Punctuation, _ context: String, hint: String? = nil) throws -> Token {
        guard at(mark) else { throw fail("expected '\(mark.rawValue)' \(context), found \(current.kind)", hint: hint) }
        return advance()
    }

    /// Consumes the word `word` or fails.
    mutating func expect(word: String, _ context: String, hint: String? = nil) throws {
        guard accept(word) else { throw fail("expected '\(word)' \(context), found \(current.kind)", hint: hint) }
    }

    mutating func skipTerminators() {
        while current.kind == .newline || current.kind == .semicolon { advance() }
    }

    /// Skips to the end of the current statement (not past it).
    ///
    /// A bracket left open would take every later line into the broken
    /// statement (a line break inside brackets does not end one), hiding
    /// their problems. So while skipping, a line that starts with a statement
    /// word (`let`, `push`, `end`...) is taken as the next statement and the
    /// open brackets are given up: no value spans a line that starts so.
    mutating func synchronize() {
        while !current.kind.endsStatement {
            if lexer.hasOpenGroups, startsLineWithStatementWord {
                lexer.abandonGroups()
                return
            }
            advance()
        }
    }

    /// Whether the current token is the first on its line and a word that starts a statement.
    var startsLineWithStatementWord: Bool {
        guard current.range.start.line > previous.range.end.line, let word = current.kind.word else { return false }
        return CommandCatalog.commandWords.contains(word) || CommandCatalog.blockWords.contains(word)
    }

    mutating func expectEndOfStatement() throws {
        if current.kind.endsStatement { return }
        if let mistake = commonMistakeAfterValue() { throw fail(mistake.message, at: mistake.range, hint: mistake.hint) }
        throw fail(
            "expected the end of the statement, found \(current.kind)",
            hint: "put one statement on each line, or separate statements with ';'")
    }

    /// What a token left over after a complete value most likely means: `=`
    /// written for `==`, a unit written as a word (`5 minutes`), `then`.
    func commonMistakeAfterValue() -> (message: String, range: SourceRange, hint: String)? {
        switch current.kind {
        case .punctuation(.equal):
            return ("'=' only gives a name a value (in 'let'); to compare, use '=='", current.range, "write == here")
        case .word(let word):
            if let unit = Hints.unitSuffix(word), let number = numberText(previous.kind) {
                return (
                    "a duration is written with its unit attached: \(number)\(unit), not '\(number) \(word)'",
                    previous.range.through(current.range), "write \(number)\(unit) (see 'help durations')"
                )
            }
            if word == "then" || word == "do" {
                return ("'\(word)' is not a pushsh word", current.range, Hints.foreignBlockWord(word) ?? "")
            }
            return nil
        default:
            return nil
        }
    }

    /// The number a token holds, as written, for hints; nil for other tokens.
    private func numberText(_ kind: Token.Kind) -> String? {
        switch kind {
        case .integer(let value): "\(value)"
        case .decimal(let value): "\(value)"
        default: nil
        }
    }

    // MARK: - Errors and depth

    /// Records an error at the current token (or `range`) and returns the failure to throw.
    ///
    /// An `.invalid` token was already reported by the lexer, so no second
    /// message is added for it.
    mutating func fail(_ message: String, at range: SourceRange? = nil, hint: String? = nil) -> Failure {
        if range == nil, current.kind == .invalid || lexerExplained(current) { return Failure() }
        report(message, at: range ?? current.range, hint: hint)
        return Failure()
    }

    /// Whether the lexer already reported a problem inside this token (an
    /// unterminated string, say); a parse error there would only repeat it.
    private func lexerExplained(_ token: Token) -> Bool {
        guard let last = lexer.diagnostics.last else { return false }
        let start = last.range.start.offset
        return start >= token.range.start.offset && start < max(token.range.end.offset, token.range.start.offset + 1)
    }

    /// Records an error that does not stop the statement (a duplicate key).
    mutating func report(_ message: String, at range: SourceRange, hint: String? = nil) {
        if range.start.offset < lexer.source.utf8.count || current.kind != .endOfFile {
            failedBeforeEnd = true
        }
        diagnostics.append(.error(message, at: range, hint: hint))
    }

    /// Goes one level deeper, failing past `maxDepth`; pair with `depth -= 1`.
    mutating func enter(at token: Token) throws {
        depth += 1
        if depth > Self.maxDepth {
            depth -= 1
            throw fail(
                "nesting is too deep (more than \(Self.maxDepth) levels)", at: token.range,
                hint: "split the value into smaller parts with 'let'")
        }
    }
}
