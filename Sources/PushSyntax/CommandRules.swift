/// The facts about command arguments that the checker and the interpreter
/// must agree on: what kind of value each takes, its bounds, and the words
/// of the messages. Written once here; `Checker` applies them to literals
/// before a script runs and the interpreter applies them to computed values
/// while it runs, so `check` and `run` cannot disagree about a statement.
public struct ArgumentRule: Sendable, Hashable {
    /// What a value in this place must be.
    public enum Kind: Sendable, Hashable {
        /// A length of time written with a unit (`30s`), or a string in that form.
        case duration
        /// A whole number within the bounds.
        case wholeNumber(ClosedRange<Int64>)
        /// `activity since`: a duration (that long ago) or an ISO 8601 timestamp string.
        case durationOrTimestamp
    }

    /// How messages name the place: `'sleep'`, `page_size`, `the exit code`.
    public var what: String
    public var kind: Kind
    /// A working example for hints: `sleep 30s`.
    public var example: String

    public init(_ what: String, _ kind: Kind, example: String) {
        self.what = what
        self.kind = kind
        self.example = example
    }

    /// The bounds of a whole-number rule (every number for other kinds).
    public var bounds: ClosedRange<Int64> {
        if case .wholeNumber(let bounds) = kind { return bounds }
        return Int64.min...Int64.max
    }

    // MARK: The messages both the checker and the interpreter give

    /// A bare number where a duration belongs: `sleep 5` means 5 what?
    ///
    /// Decided once for the language (see `help durations`): a bare number is
    /// never a duration, in a script, at the prompt or on `pushsh serve`'s
    /// command line.
    public func bareNumber(_ written: String) -> (message: String, hint: String) {
        (
            "\(what) needs a duration, and \(written) has no unit",
            "write \(written)s (or \(written)ms, \(written)m, \(written)h, \(written)d)"
        )
    }

    /// A value of the wrong kind where a duration belongs; `noun` names it ("the string \"x\"", "an array").
    public func notADuration(_ noun: String) -> (message: String, hint: String) {
        if kind == .durationOrTimestamp {
            return (
                "\(what) needs a duration such as 1h or an ISO 8601 time, not \(noun)",
                "activity since 1h, or since \"2025-10-31T00:00:00Z\""
            )
        }
        return ("\(what) needs a duration such as 30s, not \(noun)", "see 'help durations'")
    }

    /// A string that is not a duration (or, for `since`, not a timestamp either).
    public func badDurationText(_ text: String) -> (message: String, hint: String) {
        let problem = notADuration("\"\(text.prefix(40))\"")
        // `since "2023-03-15"`: a date alone; say the time it most likely means.
        if kind == .durationOrTimestamp, let dateTime = TimestampText.dateTime(fromDateOnly: text) {
            return (problem.message, "a date alone is not a time; write \"\(dateTime)\"")
        }
        return problem
    }

    /// A duration below zero.
    public var negativeDuration: String { "\(what) needs a duration of zero or more" }

    /// A whole number outside the bounds.
    public func outOfBounds(_ value: Int64) -> String {
        let allowed = bounds.upperBound == .max ? "at least \(bounds.lowerBound)" : "from \(bounds.lowerBound) to \(bounds.upperBound)"
        return "\(what) must be \(allowed), not \(value)"
    }

    /// Not a whole number at all; `noun` names what it is.
    public func notAWholeNumber(_ noun: String) -> String {
        "\(what) must be a whole number, not \(noun)"
    }
}

extension ArgumentRule {
    // Durations.
    public static let sleep = ArgumentRule("'sleep'", .duration, example: "sleep 30s")
    public static let waitTimeout = ArgumentRule("'timeout'", .duration, example: "timeout 5m")
    public static let activitySince = ArgumentRule("'since'", .durationOrTimestamp, example: "activity since 1h")
    public static let retryFor = ArgumentRule("retry_for", .duration, example: "set retry_for 30s")
    public static let settle = ArgumentRule("settle", .duration, example: "set settle 5s")
    public static let requestTimeout = ArgumentRule("timeout", .duration, example: "set timeout 60s")
    public static let sandboxAdvance = ArgumentRule("'sandbox advance'", .duration, example: "sandbox advance 1h")
    public static let sandboxProcessing = ArgumentRule("'sandbox processing'", .duration, example: "sandbox processing 10s")

    // Whole numbers.
    public static let activityPage = ArgumentRule("the page", .wholeNumber(1...1_000_000), example: "activity page 2")
    public static let activitySize = ArgumentRule("the page size", .wholeNumber(1...200), example: "activity size 50")
    public static let pushSkip = ArgumentRule("'skip'", .wholeNumber(0...Int64(Int32.max)), example: "skip 100")
    public static let exitCode = ArgumentRule("the exit code", .wholeNumber(0...255), example: "exit 3")
    public static let pageSize = ArgumentRule("page_size", .wholeNumber(1...200), example: "set page_size 100")
    public static let pageBytes = ArgumentRule("page_bytes", .wholeNumber(1024...50_000_000), example: "set page_bytes 1000000")
    public static let pushConcurrency = ArgumentRule("push_concurrency", .wholeNumber(1...32), example: "set push_concurrency 4")
    public static let retries = ArgumentRule("retries", .wholeNumber(0...10), example: "set retries 3")
    public static let sandboxFailNext = ArgumentRule("the number of failures", .wholeNumber(0...1000), example: "sandbox fail next 2")
    public static let sandboxRateLimit = ArgumentRule("the rate limit", .wholeNumber(1...100_000), example: "sandbox rate-limit 10")
    public static let saveLast = ArgumentRule("'last'", .wholeNumber(1...1_000_000), example: "save \"flow.push\" last 5")

    /// Every rule, for tests that hold the checker and the interpreter to them.
    public static let all: [ArgumentRule] = [
        sleep, waitTimeout, activitySince, retryFor, settle, requestTimeout, sandboxAdvance, sandboxProcessing, activityPage, activitySize,
        pushSkip, exitCode, pageSize, pageBytes, pushConcurrency, retries, sandboxFailNext, sandboxRateLimit, saveLast,
    ]
}

/// The words after `sandbox`, with what each needs: read by the parser, the
/// completer, `save` (which leaves out what only looks) and `help`.
public struct SandboxSubcommand: Sendable, Hashable {
    public var name: String
    /// Whether it only reads (kept out of a script that `save` writes).
    public var looksOnly: Bool
    /// Words that may follow it, for completion.
    public var followingWords: [String]

    public init(_ name: String, looksOnly: Bool = false, followingWords: [String] = []) {
        self.name = name
        self.looksOnly = looksOnly
        self.followingWords = followingWords
    }

    /// In the order `help sandbox` lists them.
    public static let all: [SandboxSubcommand] = [
        SandboxSubcommand("advance"),
        SandboxSubcommand("fail", followingWords: ["next"]),
        SandboxSubcommand("processing"),
        SandboxSubcommand("rate-limit", followingWords: ["off"]),
        SandboxSubcommand("records", looksOnly: true),
        SandboxSubcommand("reset"),
        SandboxSubcommand("faults", followingWords: ["off"]),
    ]

    public static var names: [String] { all.map(\.name) }

    public static func named(_ name: String) -> SandboxSubcommand? { all.first { $0.name == name } }
}

/// What may be a variable name: the one rule for `let`, `for`, `--var` and the prompt.
public enum NameRules: Sendable {
    /// Words the lexer reads as keywords: never names.
    public static let keywords: [String] = Token.Keyword.allCases.map(\.rawValue)

    /// Why `name` cannot be defined, with a hint; nil when it can.
    public static func problem(defining name: String) -> (message: String, hint: String)? {
        if CommandCatalog.commandWords.contains(name) {
            return ("'\(name)' is a command word and cannot be a variable name", "choose another name, such as '\(name)_result'")
        }
        if CommandCatalog.blockWords.contains(name) {
            return ("'\(name)' is a block word and cannot be a variable name", "choose another name")
        }
        if keywords.contains(name) {
            return ("'\(name)' is a reserved word and cannot be a variable name", "choose another name")
        }
        return nil
    }

    /// The hint for a name used before it is defined, the same at check, at the prompt and at run time.
    public static func undefinedHint(_ name: String, defined: some Collection<String>) -> String {
        // A session id typed bare: it is a string, usable wherever a session is.
        if name.hasPrefix("ses_") {
            return "a session id is a string: write it in quotes (\"\(name)\") where a session goes, or name it: let s = \"\(name)\""
        }
        if CommandCatalog.commandWords.contains(name) {
            return "'\(name)' is a command: it must start the statement, or give its result a name with 'let r = \(name) ...'"
        }
        if let function = BuiltinFunction.named(name) {
            return "'\(name)' is a function; call it: \(function.signature)"
        }
        if SessionStateName(rawValue: name) != nil {
            return "to compare with a state, write it as a string: \"\(name)\""
        }
        if let word = Hints.foreignBlockWord(name) { return word }
        if let suggestion = Spelling.closest(to: name, among: defined) {
            return "did you mean '\(suggestion)'?"
        }
        if let command = Spelling.closest(to: name, among: CommandCatalog.commandWords) {
            return "did you mean the command '\(command)'?"
        }
        if let block = Spelling.closest(to: name, among: CommandCatalog.blockWords) {
            return "did you mean '\(block)'? (blocks are written if ... else ... end)"
        }
        return "define it first with 'let \(name) = ...', or pass --var \(name)=VALUE"
    }
}

/// Entity types whose rules pushsh knows: the documented ones.
public enum KnownEntityTypes: Sendable {
    public static let names: [String] = ["User"]

    /// A known type that `name` differs from only by case or a typo; nil when it is known or unlike any.
    public static func likelyMeant(_ name: String) -> String? {
        guard !names.contains(name) else { return nil }
        if let same = sameButCase(name) { return same }
        return Spelling.closest(to: name, among: names)
    }

    /// The documented type that `name` spells in other letter case (`user`, `USER`).
    static func sameButCase(_ name: String) -> String? {
        names.first { $0 != name && $0.lowercased() == name.lowercased() }
    }

    /// What is wrong with an entity type as written: the one rule for the
    /// check, the prompt and the run (`push`, `sandbox records`).
    ///
    /// A documented type in the wrong letter case is an error: the service
    /// would keep the records apart, unvalidated, under a type nobody reads.
    /// Any other type is the integrator's own and allowed as written; one
    /// that looks like a typo of a documented type gets a warning.
    public static func problem(_ name: String) -> EntityTypeProblem? {
        if let meant = sameButCase(name) {
            return EntityTypeProblem(
                message: "the entity type is '\(meant)', not '\(name)' (entity types are case-sensitive)",
                hint: "did you mean \(meant)?", isError: true)
        }
        guard let meant = likelyMeant(name) else { return nil }
        return EntityTypeProblem(
            message: "'\(name)' is not the entity type '\(meant)': its records are not validated and land apart from \(meant)'s",
            hint: "did you mean '\(meant)'? (entity types are case-sensitive)", isError: false)
    }
}

/// Why an entity type as written is refused (or only warned about).
public struct EntityTypeProblem: Sendable, Equatable {
    public var message: String
    public var hint: String
    /// An error stops the statement; a warning lets it run.
    public var isError: Bool
}

/// The duration grammar of the language (`500ms`, `30s`, `1.5m`, `2h`, `1d`),
/// for durations written inside strings (`--var limit=5m`). It is the
/// lexer's own, so a string and a literal take the same forms; a bare number
/// is not one.
public enum DurationSyntax: Sendable {
    public static func parse(_ text: String) -> Duration? {
        let tokens = Lexer.tokenize(SourceFile(name: "<duration>", text: text))
        guard tokens.diagnostics.isEmpty, tokens.tokens.count == 2, case .duration(let duration) = tokens.tokens[0].kind,
            tokens.tokens[1].kind == .endOfFile
        else { return nil }
        return duration
    }

    /// Whether the text is a bare number (`"5"`), the mistake `bareNumber` explains.
    public static func isBareNumber(_ text: String) -> Bool {
        let tokens = Lexer.tokenize(SourceFile(name: "<duration>", text: text)).tokens
        guard tokens.count == 2, tokens[1].kind == .endOfFile else { return false }
        switch tokens[0].kind {
        case .integer, .decimal: return true
        default: return false
        }
    }
}

/// Which texts are an ISO 8601 time as `activity since` takes it, by the
/// run time's rule: `YYYY-MM-DD`, then `T` (or `t`, or a space), `HH:MM`, an
/// optional `:SS` with an optional fraction (`.` or `,`), then `Z` (or `z`)
/// or an offset `±HH:MM` or `±HHMM`; a real calendar day (no month 13, no
/// February 30), hours below 24, minutes below 60, seconds to 60.
///
/// The client core's `Timestamp(iso8601:)` is the run time's reader, and the
/// language front end cannot import the client core, so this is a second
/// copy of its rule; `TimestampAgreementTests` keeps the two accepting the
/// same texts, so that `pushsh check` passes exactly the times a run reads.
public enum TimestampText: Sendable {
    /// `2023-03-15` as the time it most likely means, `2023-03-15T00:00:00Z`;
    /// nil for anything but a real calendar date written alone.
    public static func dateTime(fromDateOnly text: String) -> String? {
        guard text.utf8.count == 10 else { return nil }
        let candidate = text + "T00:00:00Z"
        return isValid(candidate) ? candidate : nil
    }

    public static func isValid(_ text: String) -> Bool {
        var p = Array(text.utf8)[...]
        func number(_ count: Int) -> Int? {
            guard p.count >= count, p.prefix(count).allSatisfy(isDigit) else { return nil }
            let value = p.prefix(count).reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            p = p.dropFirst(count)
            return value
        }
        func take(_ characters: String) -> Bool {
            guard let first = p.first, characters.utf8.contains(first) else { return false }
            p = p.dropFirst()
            return true
        }
        guard let year = number(4), take("-"), let month = number(2), take("-"), let day = number(2), take("Tt "),
            let hour = number(2), take(":"), let minute = number(2)
        else { return false }
        var second = 0
        if take(":") {
            guard let written = number(2) else { return false }
            second = written
            if take(".,") {
                guard p.first.map(isDigit) == true else { return false }
                p = p.drop(while: isDigit)
            }
        }
        if !take("Zz") {
            guard take("+-"), let offsetHours = number(2) else { return false }
            _ = take(":")
            guard let offsetMinutes = number(2), offsetHours < 24, offsetMinutes < 60 else { return false }
        }
        return p.isEmpty && (1...12).contains(month) && day >= 1 && day <= daysIn(month: month, year: year) && hour < 24
            && minute < 60 && second < 61
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// The one message for an include that cannot be read, at check and at run time (both exit 2).
public enum IncludeRules: Sendable {
    public static func unreadable(_ written: String, resolved: String) -> (message: String, hint: String) {
        (
            "cannot include \"\(written)\": the file does not exist or cannot be read",
            "looked for \(resolved); a path is relative to the folder of the file that includes it"
        )
    }
}
