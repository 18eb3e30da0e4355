/// Parsing the API and sandbox commands, which may also stand after `let NAME =`.
extension Parser {
    /// Parses a command that starts with `word` (the current token).
    mutating func parseCommand(_ word: String) throws -> Statement.Kind {
        switch word {
        case "connect": return try parseConnect()
        case "start":
            advance()
            guard accept("ref") else {
                if current.kind.endsStatement { return .start(reference: nil) }
                throw fail(
                    "expected 'ref' or the end of the line after 'start', found \(current.kind)",
                    hint: "start ref \"nightly-${today()}\"")
            }
            return .start(
                reference: try parseRequiredExpression("a reference after 'ref'", hint: "start ref \"nightly\""))
        case "status":
            advance()
            return .status(session: try parseRequiredExpression("a session after 'status'", hint: "status s"))
        case "push": return try parsePush()
        case "close":
            advance()
            let session = try parseRequiredExpression("a session after 'close'", hint: "close s apply")
            let written = text(of: session)
            guard let word = current.kind.word, let mode = CloseMode(rawValue: word) else {
                throw fail(
                    "expected 'apply' or 'discard' after the session",
                    hint: "close \(written) apply   (or: close \(written) discard)")
            }
            return .close(session: session, mode: Located(mode, advance().range))
        case "wait": return try parseWait()
        case "integration":
            advance()
            return .integration
        case "activity": return try parseActivity()
        default: return try parseSandbox()
        }
    }

    /// `connect sandbox | region WORD integration EXPR key KEY | url EXPR integration EXPR key KEY`.
    private mutating func parseConnect() throws -> Statement.Kind {
        advance()
        let hint =
            "connect sandbox, connect region us integration ID key env(\"SPRINTO_API_KEY\"), "
            + "or connect url URL integration ID key KEY"
        if accept("sandbox") { return .connect(.sandbox) }
        if accept("profile") {
            switch current.kind {
            case .word(let name), .string(let name): return .connect(.profile(Word(name, advance().range)))
            default:
                throw fail(
                    "expected a profile name after 'connect profile', found \(current.kind)",
                    hint: "connect profile staging   (pushsh profiles lists them)")
            }
        }
        if accept("region") {
            let region = try parseChoice(
                RegionName.self, noun: "region", "after 'connect region'",
                hint: "connect region us integration ID key KEY")
            let (integration, key) = try parseCredentials()
            return .connect(.region(region, integration: integration, key: key, cacert: try parseCACert()))
        }
        if accept("url") {
            let url = try parseRequiredExpression(
                "a base URL after 'url'", hint: "connect url \"http://127.0.0.1:8080\" integration ID key KEY")
            let (integration, key) = try parseCredentials()
            return .connect(.url(url, integration: integration, key: key, cacert: try parseCACert()))
        }
        throw fail("expected 'sandbox', 'profile', 'region' or 'url' after 'connect', found \(current.kind)", hint: hint)
    }

    /// An optional `cacert EXPR` after the credentials: a PEM file of CAs to trust.
    private mutating func parseCACert() throws -> Expr? {
        guard accept("cacert") else { return nil }
        return try parsePath(after: "cacert", expected: "a PEM file after 'cacert'", hint: "... cacert \"corporate-ca.pem\"")
    }

    /// `integration EXPR key (EXPR | file EXPR | prompt)`.
    private mutating func parseCredentials() throws -> (Expr, KeySource) {
        try expect(
            word: "integration", "before the integration id",
            hint: "... integration \"INTEGRATION_ID\" key env(\"SPRINTO_API_KEY\")")
        let integration = try parseRequiredExpression("an integration id after 'integration'", hint: nil)
        try expect(
            word: "key", "after the integration id",
            hint: "key env(\"SPRINTO_API_KEY\"), key file \"~/.sprinto-key\" or key prompt")
        if at("prompt") { return (integration, .prompt(range: advance().range)) }
        if accept("file") {
            return (
                integration, .file(try parsePath(after: "file", expected: "a file path after 'key file'", hint: "key file \"push.key\""))
            )
        }
        return (
            integration,
            .value(
                try parseRequiredExpression(
                    "the API key after 'key'",
                    hint: "key env(\"SPRINTO_API_KEY\")"))
        )
    }

    /// `push EXPR TYPE EXPR` or `push EXPR TYPE from EXPR [format F] [skip N] [map A to B]... [mapping M]`.
    private mutating func parsePush() throws -> Statement.Kind {
        advance()
        let session = try parseRequiredExpression("a session after 'push'", hint: "push s User [{...}]")
        // `push User from "f"`: what stands first is a type, so the session was left out.
        if case .variable(let name, let range) = session, name.first?.isUppercase == true,
            at("from") || at(.leftBracket) || at(.leftBrace)
        {
            throw fail(
                "the session is missing: '\(name)' stands where the session goes, before the entity type", at: range,
                hint: "push s \(name) ...   (s being a session from: let s = start)")
        }
        let entityType: Word
        switch current.kind {
        case .word("from"):
            throw fail(
                "the entity type is missing between the session and 'from'",
                hint: "push \(text(of: session)) User from ...")
        case .word(let name), .string(let name): entityType = Word(name, advance().range)
        default:
            throw fail(
                "expected the entity type (such as User) after the session, found \(current.kind)",
                hint:
                    "push \(text(of: session)) User [{...}]   or   push \(text(of: session)) User from \"users.jsonl\"")
        }
        // `form`, `frm`, `fron`: a typo of `from` followed by the path.
        if let word = current.kind.word, word != "from", Spelling.closest(to: word, among: ["from"]) == "from" {
            throw fail("unknown word '\(word)' after the entity type", hint: "did you mean 'from'?")
        }
        guard accept("from") else {
            let records = try parseRequiredExpression(
                "the records (a JSON array or object) or 'from PATH' after the entity type",
                hint: "push \(text(of: session)) \(entityType.value) [{\"employeeId\": \"E1\"}]")
            return .push(PushCommand(session: session, entityType: entityType, source: .records(records)))
        }
        let path = try parsePath(after: "from", hint: "push s User from \"users.jsonl\"")
        var options = PushFileOptions()
        var seen: Set<String> = []
        while let option = current.kind.word, ["format", "skip", "map", "mapping"].contains(option) {
            let optionToken = advance()
            if option != "map" && !seen.insert(option).inserted {
                throw fail("'\(option)' is given twice", at: optionToken.range)
            }
            switch option {
            case "format":
                options.format = try parseChoice(
                    PushFormat.self, noun: "file format", "after 'format'", hint: "format jsonl")
            case "skip":
                options.skip = try parseRequiredExpression("a number of records after 'skip'", hint: "skip 1")
            case "mapping":
                options.mapping = try parsePath(
                    after: "mapping", expected: "an object after 'mapping'", hint: "mapping {\"Employee ID\": \"employeeId\"}")
            default:
                let from = try parseRequiredExpression(
                    "a field name after 'map'", hint: "map \"Employee ID\" to employeeId")
                try expect(word: "to", "after the field to map", hint: "map \(text(of: from)) to FIELD")
                let to: Word
                switch current.kind {
                case .word(let name), .string(let name): to = Word(name, advance().range)
                default:
                    throw fail(
                        "expected a field name after 'to', found \(current.kind)",
                        hint: "map \"Employee ID\" to employeeId")
                }
                options.mappings.append(FieldMapping(from: from, to: to, range: optionToken.range.through(to.range)))
            }
        }
        if !current.kind.endsStatement {
            throw fail(
                "expected a push option ('format', 'skip', 'map' or 'mapping') or the end of the line, "
                    + "found \(current.kind)"
            )
        }
        return .push(PushCommand(session: session, entityType: entityType, source: .file(path: path, options: options)))
    }

    /// `wait EXPR until STATE [or STATE]... [timeout EXPR]`.
    private mutating func parseWait() throws -> Statement.Kind {
        advance()
        let session = try parseRequiredExpression("a session after 'wait'", hint: "wait s until processed")
        try expect(word: "until", "after the session", hint: "wait \(text(of: session)) until processed timeout 5m")
        var states = [
            try parseChoice(
                SessionStateName.self, noun: "session state", "after 'until'",
                hint: "wait \(text(of: session)) until processed or failed")
        ]
        while current.kind == .keyword(.or) {
            advance()
            states.append(try parseChoice(SessionStateName.self, noun: "session state", "after 'or'", hint: nil))
        }
        var timeout: Expr?
        if accept("timeout") {
            timeout = try parseRequiredExpression("a duration after 'timeout'", hint: "timeout 5m")
        }
        return .wait(WaitCommand(session: session, states: states, timeout: timeout))
    }

    /// `activity [since EXPR] [page EXPR] [size EXPR]`, in any order, each at most once.
    private mutating func parseActivity() throws -> Statement.Kind {
        advance()
        var query = ActivityQuery()
        var seen: Set<String> = []
        while !current.kind.endsStatement {
            guard let word = current.kind.word, ["since", "page", "size"].contains(word) else {
                throw fail(
                    "expected 'since', 'page', 'size' or the end of the line, found \(current.kind)",
                    hint: "activity since 1h page 1 size 50")
            }
            let wordToken = advance()
            guard seen.insert(word).inserted else { throw fail("'\(word)' is given twice", at: wordToken.range) }
            let value = try parseRequiredExpression("a value after '\(word)'", hint: nil)
            switch word {
            case "since": query.since = value
            case "page": query.page = value
            default: query.size = value
            }
        }
        return .activity(query)
    }

    /// `sandbox advance|fail next|processing|rate-limit|records|reset|faults ...`.
    private mutating func parseSandbox() throws -> Statement.Kind {
        advance()
        let subcommands = SandboxSubcommand.names
        guard let word = current.kind.word, subcommands.contains(word) else {
            let list = subcommands.map { "'\($0)'" }.joined(separator: ", ")
            let suggestion = current.kind.word.flatMap { Spelling.closest(to: $0, among: subcommands) }
            throw fail(
                "expected a sandbox command (\(list)), found \(current.kind)",
                hint: suggestion.map { "did you mean 'sandbox \($0)'?" } ?? "help sandbox")
        }
        advance()
        switch word {
        case "advance":
            return .sandbox(
                .advance(try parseRequiredExpression("a duration after 'sandbox advance'", hint: "sandbox advance 1h")))
        case "fail":
            try expect(word: "next", "after 'sandbox fail'", hint: "sandbox fail next 2")
            return .sandbox(.failNext(count: current.kind.endsStatement ? nil : try parseExpression()))
        case "processing":
            return .sandbox(
                .processing(
                    try parseRequiredExpression("a duration after 'sandbox processing'", hint: "sandbox processing 10s")
                ))
        case "rate-limit":
            if accept("off") { return .sandbox(.rateLimit(nil)) }
            return .sandbox(
                .rateLimit(
                    try parseRequiredExpression(
                        "a number or 'off' after 'sandbox rate-limit'", hint: "sandbox rate-limit 10")))
        case "records":
            switch current.kind {
            case .word(let name), .string(let name): return .sandbox(.records(entityType: Word(name, advance().range)))
            default:
                throw fail(
                    "expected an entity type after 'sandbox records', found \(current.kind)",
                    hint: "sandbox records User")
            }
        case "reset":
            return .sandbox(.reset)
        default:
            if accept("off") { return .sandbox(.faults(nil)) }
            return .sandbox(
                .faults(
                    try parseRequiredExpression(
                        "a fault plan or 'off' after 'sandbox faults'", hint: "sandbox faults off")))
        }
    }

    // MARK: - Shared pieces

    /// An expression that must be there; "expected WHAT, found ..." when the statement ends instead.
    mutating func parseRequiredExpression(_ what: String, hint: String?) throws -> Expr {
        if current.kind.endsStatement { throw fail("expected \(what), found \(current.kind)", hint: hint) }
        return try parseExpression()
    }

    /// A file path after `word` (`from`, `include`, `save`, `mapping`,
    /// `cacert`, `key file`): any expression, but a path typed without quotes
    /// gets one error that shows it quoted, instead of one per slash.
    mutating func parsePath(after word: String, expected: String? = nil, hint: String) throws -> Expr {
        if !current.kind.endsStatement, let path = lexer.takeUnquotedPath(at: current.range.start) {
            current = lexer.next()
            previous = Token(.string(path.text), path.range, spaceBefore: true)
            throw fail(
                "a path after '\(word)' is a string: \(word) \"\(path.text)\"", at: path.range,
                hint: "put the path in double quotes")
        }
        return try parseRequiredExpression(expected ?? "a file path after '\(word)'", hint: hint)
    }

    /// A name to define (`let`, `for`): a word, not a keyword.
    mutating func parseName(_ what: String, hint: String) throws -> Word {
        switch current.kind {
        case .word(let name): return Word(name, advance().range)
        case .keyword(let keyword):
            throw fail("'\(keyword.rawValue)' is a reserved word and cannot be a variable name", hint: hint)
        default: throw fail("expected \(what), found \(current.kind)", hint: hint)
        }
    }

    /// One of the words of `Choice` (a bare word, or a plain string), or an
    /// error at the word listing the valid ones.
    ///
    /// - Parameters:
    ///   - noun: what the word is, for messages: "region", "session state".
    ///   - context: where it goes, for a missing word: "after 'until'".
    mutating func parseChoice<Choice: WordChoice>(
        _ choice: Choice.Type, noun: String, _ context: String,
        hint: String?
    ) throws -> Located<Choice> {
        let text: String
        switch current.kind {
        case .word(let word), .string(let word): text = word
        case .keyword(let keyword): text = keyword.rawValue
        default:
            let article = noun.first.map { "aeiou".contains($0) } == true ? "an" : "a"
            let place = context.isEmpty ? "" : " " + context
            throw fail("expected \(article) \(noun)\(place) (\(Choice.choiceList)), found \(current.kind)", hint: hint)
        }
        guard let value = Choice(rawValue: text) else {
            let suggestion = Spelling.closest(to: text, among: Choice.allCases.map(\.rawValue))
            throw fail(
                "unknown \(noun) '\(text)'; expected \(Choice.choiceList)",
                hint: suggestion.map { "did you mean '\($0)'?" } ?? hint)
        }
        return Located(value, advance().range)
    }

    /// The source text of an expression, for hints that show the user's own code.
    func text(of expression: Expr) -> String {
        lexer.source.text(in: expression.range)
    }
}
