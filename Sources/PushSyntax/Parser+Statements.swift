/// Parsing statements: the command words, `let`, blocks, and bare expressions.
extension Parser {
    /// Parses one statement, without its terminator.
    mutating func parseStatement() throws -> Statement {
        let first = current
        guard let word = first.kind.word else { return try parseExpressionStatement() }
        if let advice = Hints.foreignBlockWord(word), word != "done" || peekEndsStatement() {
            throw fail("'\(word)' is not a pushsh word", hint: advice)
        }
        let kind: Statement.Kind
        switch word {
        case "let": kind = try parseLet()
        case "print": kind = try parsePrint()
        case "expect": kind = try parseExpect()
        case "sleep":
            advance()
            kind = .sleep(try parseRequiredExpression("a duration after 'sleep'", hint: "sleep 5s"))
        case "if": kind = try parseIf()
        case "for": kind = try parseFor()
        case "include":
            advance()
            kind = .include(path: try parsePath(after: "include", hint: "include \"common.push\""))
        case "set": kind = try parseSet()
        case "help":
            advance()
            kind = .help(topic: try parseOptionalTopic())
        case "learn":
            advance()
            kind = .learn(topic: try parseOptionalTopic())
        case "exit", "quit":  // `quit` is another word for `exit` (help quit)
            advance()
            kind = .exit(code: current.kind.endsStatement ? nil : try parseExpression())
        case "why":
            advance()
            kind = .why
        case "save":
            advance()
            let path = try parsePath(after: "save", hint: "save \"session.push\"")
            var entries = SaveEntries.all
            if accept("last") {
                entries = .last(try parseRequiredExpression("a number of entries after 'last'", hint: "save \"flow.push\" last 5"))
            } else if accept("since") {
                try expect(word: "last", "after 'since'", hint: "save \"flow.push\" since last save")
                try expect(word: "save", "after 'since last'", hint: "save \"flow.push\" since last save")
                entries = .sinceLastSave
            }
            kind = .save(path: path, replace: accept("replace"), entries: entries)
        default:
            guard Self.valueCommands.contains(word) || word == "connect" else {
                return try parseExpressionStatement()
            }
            kind = try parseCommand(word)
        }
        return Statement(kind, range: first.range.through(previous.range))
    }

    /// Whether the token after the current one ends the statement (`done` alone on its line).
    private func peekEndsStatement() -> Bool {
        var copy = lexer
        return copy.next().kind.endsStatement
    }

    /// A bare expression; when it is an unknown word followed by more words,
    /// it was surely meant as a command, so say that instead.
    private mutating func parseExpressionStatement() throws -> Statement {
        let expression = try parseExpression()
        if !current.kind.endsStatement, current.kind != .invalid, case .variable(let name, let range) = expression {
            let suggestion = Spelling.closest(to: name, among: CommandCatalog.commandWords)
            throw fail(
                "unknown command '\(name)'", at: range,
                hint: suggestion.map { "did you mean '\($0)'? (type 'help' for the list of commands)" }
                    ?? "type 'help' for the list of commands")
        }
        return Statement(.expression(expression), range: expression.range)
    }

    /// `let NAME = EXPR` or `let NAME = COMMAND`.
    private mutating func parseLet() throws -> Statement.Kind {
        advance()
        let name = try parseName("a variable name after 'let'", hint: "let s = start")
        pendingName = name.value
        guard accept(.equal) else {
            let hint = at(.equalEqual) ? "'let' takes a single '='" : "let \(name.value) = VALUE"
            throw fail("expected '=' after the variable name, found \(current.kind)", hint: hint)
        }
        if let word = current.kind.word, CommandCatalog.commandWords.contains(word) {
            guard Self.valueCommands.contains(word) else {
                throw fail(
                    "'\(word)' does not produce a value, so it cannot be assigned",
                    hint: "commands with a value: " + Self.valueCommands.sorted().joined(separator: ", "))
            }
            let first = current
            let command = try parseCommand(word)
            return .let(name: name, value: .command(Statement(command, range: first.range.through(previous.range))))
        }
        return .let(name: name, value: .expression(try parseRequiredExpression("a value after '='", hint: nil)))
    }

    /// `print EXPR ...`: expressions separated by spaces or commas.
    private mutating func parsePrint() throws -> Statement.Kind {
        advance()
        var values: [Expr] = []
        while !current.kind.endsStatement {
            values.append(try parseExpression())
            _ = accept(.comma)
        }
        return .print(values)
    }

    /// `expect EXPR [else EXPR]`.
    private mutating func parseExpect() throws -> Statement.Kind {
        advance()
        let condition = try parseRequiredExpression(
            "a condition after 'expect'", hint: "expect s.state == \"processed\"")
        var message: Expr?
        if accept("else") {
            message = try parseRequiredExpression("a message after 'else'", hint: "expect ok else \"what went wrong\"")
        }
        return .expect(condition: condition, message: message)
    }

    /// `if EXPR` block [`else if EXPR` block]... [`else` block] `end`.
    private mutating func parseIf() throws -> Statement.Kind {
        let opener = advance()
        try enter(at: opener)
        defer { depth -= 1 }
        var branches: [ConditionalBlock] = []
        var elseBody: [Statement]?
        var broken = false
        // Every body parsed, kept for the checker if the block turns out broken.
        var bodies: [Statement] = []
        func abandon(_ parser: inout Parser) -> Failure {
            parser.salvaged = bodies + parser.salvaged
            return Failure()
        }
        var condition = parseBlockHeader(&broken) { parser in
            try parser.parseRequiredExpression("a condition after 'if'", hint: "if s.state == \"failed\"")
        }
        while true {
            guard let body = parseBlock(closers: ["else", "end"], opener: opener) else { throw abandon(&self) }
            bodies += body
            if let condition { branches.append(ConditionalBlock(condition: condition, body: body)) }
            if accept("end") { break }
            advance()  // else
            if accept("if") {
                condition = parseBlockHeader(&broken) { parser in
                    try parser.parseRequiredExpression("a condition after 'else if'", hint: nil)
                }
                continue
            }
            if !current.kind.endsStatement {
                _ = fail(
                    "expected a new line after 'else', found \(current.kind)",
                    hint: "write 'else if CONDITION' or put 'else' alone on its line")
                broken = true
                synchronize()
            }
            guard let body = parseBlock(closers: ["end"], opener: opener) else { throw abandon(&self) }
            bodies += body
            elseBody = body
            advance()  // end
            break
        }
        if broken { throw abandon(&self) }
        return .if(IfStatement(branches: branches, elseBody: elseBody))
    }

    /// `for NAME in EXPR` block `end`.
    private mutating func parseFor() throws -> Statement.Kind {
        let opener = advance()
        try enter(at: opener)
        defer { depth -= 1 }
        var broken = false
        let header: (Word, Expr)? = parseBlockHeader(&broken) { parser in
            let name = try parser.parseName("a loop variable after 'for'", hint: "for r in rows")
            try parser.expect(word: "in", "after the loop variable", hint: "for \(name.value) in LIST")
            return (name, try parser.parseRequiredExpression("a list after 'in'", hint: nil))
        }
        guard let body = parseBlock(closers: ["end"], opener: opener) else {
            if let header { unfinishedNames.insert(header.0.value) }
            throw Failure()
        }
        advance()  // end
        guard let header, !broken else {
            salvaged = body
            if let header { unfinishedNames.insert(header.0.value) }
            throw Failure()
        }
        return .for(ForLoop(variable: header.0, sequence: header.1, body: body))
    }

    /// Parses the rest of an `if`/`for` line. On an error it skips the line but
    /// lets the caller parse the block anyway, so the block's `end` is not
    /// reported a second time as a stray.
    private mutating func parseBlockHeader<T>(_ broken: inout Bool, _ body: (inout Parser) throws -> T) -> T? {
        do {
            let value = try body(&self)
            if !current.kind.endsStatement, let mistake = commonMistakeAfterValue() {
                throw fail(mistake.message, at: mistake.range, hint: mistake.hint)
            }
            if !current.kind.endsStatement {
                throw fail(
                    "expected a new line after the condition, found \(current.kind)",
                    hint: "the block's statements start on the next line")
            }
            return value
        } catch {
            broken = true
            synchronize()
            return nil
        }
    }

    /// `set NAME VALUE`.
    private mutating func parseSet() throws -> Statement.Kind {
        advance()
        guard let word = current.kind.word else {
            throw fail(
                "expected a setting name after 'set', found \(current.kind)",
                hint: "settings: " + SettingName.choiceList)
        }
        guard let name = SettingName(rawValue: word) else {
            let suggestion = Spelling.closest(to: word, among: SettingName.allCases.map(\.rawValue))
            throw fail(
                "unknown setting '\(word)'; expected \(SettingName.choiceList)",
                hint: suggestion.map { "did you mean '\($0)'?" })
        }
        advance()
        let what = "a value for '\(word)': \(name.valueDescription)"
        let noun = "\(word) value"
        switch name {
        case .onError:
            return .set(.onError(try parseChoice(OnErrorMode.self, noun: noun, "", hint: "set on_error continue")))
        case .output: return .set(.output(try parseChoice(OutputMode.self, noun: noun, "", hint: "set output json")))
        case .pageSize: return .set(.pageSize(try parseRequiredExpression(what, hint: "set page_size 100")))
        case .retries: return .set(.retries(try parseRequiredExpression(what, hint: "set retries 3")))
        case .retryFor: return .set(.retryFor(try parseRequiredExpression(what, hint: "set retry_for 30s")))
        case .settle: return .set(.settle(try parseRequiredExpression(what, hint: "set settle 5s")))
        case .timeout: return .set(.timeout(try parseRequiredExpression(what, hint: "set timeout 60s")))
        case .partialPages:
            return .set(.partialPages(try parseChoice(PartialPagesMode.self, noun: noun, "", hint: "set partial_pages accept")))
        case .pageBytes: return .set(.pageBytes(try parseRequiredExpression(what, hint: "set page_bytes 1000000")))
        case .pushConcurrency: return .set(.pushConcurrency(try parseRequiredExpression(what, hint: "set push_concurrency 8")))
        case .progress:
            let choice = try parseChoice(Switch.self, noun: noun, "", hint: "set progress off")
            return .set(.progress(Located(choice.value == .on, choice.range)))
        case .validation:
            let choice = try parseChoice(Switch.self, noun: noun, "", hint: "set validation off")
            return .set(.validation(Located(choice.value == .on, choice.range)))
        case .csvQuotes: return .set(.csvQuotes(try parseChoice(CSVQuotes.self, noun: noun, "", hint: "set csv_quotes lenient")))
        case .csvTrim:
            let choice = try parseChoice(Switch.self, noun: noun, "", hint: "set csv_trim on")
            return .set(.csvTrim(Located(choice.value == .on, choice.range)))
        case .csvDuplicates:
            return .set(.csvDuplicates(try parseChoice(CSVDuplicates.self, noun: noun, "", hint: "set csv_duplicates rename")))
        }
    }

    /// An optional topic word for `help` and `learn`: a word, keyword or plain string.
    private mutating func parseOptionalTopic() throws -> Word? {
        switch current.kind {
        case .word(let text), .string(let text):
            return Word(text, advance().range)
        case .keyword(let keyword):
            return Word(keyword.rawValue, advance().range)
        default:
            if current.kind.endsStatement { return nil }
            throw fail("expected a topic word, found \(current.kind)", hint: "help push")
        }
    }
}
