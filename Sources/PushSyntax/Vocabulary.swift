import Foundation

/// The fixed words of the language that stand for a choice: states, regions,
/// close modes, formats, settings, and the built-in functions.
///
/// Each is an enum over its words so that the parser rejects a wrong word
/// where it is written and the interpreter switches exhaustively.
public protocol WordChoice: RawRepresentable, CaseIterable, Sendable, Hashable where RawValue == String {}

extension WordChoice {
    /// The valid words, in order, for messages: `'us', 'in' or 'eu'`.
    public static var choiceList: String {
        let words = allCases.map { "'\($0.rawValue)'" }
        guard let last = words.last, words.count > 1 else { return words.joined() }
        return words.dropLast().joined(separator: ", ") + " or " + last
    }
}

/// A state a push session can be in, as named in `wait s until STATE`.
public enum SessionStateName: String, WordChoice {
    case active, processing, processed, failed, cancelled, expired

    /// The states a session can still reach from this one (itself included,
    /// so that a wait for the state it is in counts as reachable; the client
    /// core's `SessionState.reachable` excludes it).
    ///
    /// Follows the service's lifecycle: active → processing (apply) or
    /// cancelled (discard) or expired; expired → processing or cancelled;
    /// processing → processed or failed. Nothing leads back to active. The
    /// front end cannot import the client core, so the lifecycle is written
    /// there too; SessionLifecycleAgreementTests keeps the two the same.
    public var reachable: Set<SessionStateName> {
        switch self {
        case .active: Set(Self.allCases)
        case .expired: [.expired, .processing, .processed, .failed, .cancelled]
        case .processing: [.processing, .processed, .failed]
        case .processed, .failed, .cancelled: [self]
        }
    }

    /// Whether a wait for `states` can only succeed after the session is
    /// closed: an active session moves only by `close` or by expiry, and
    /// none of these is `active` or `expired`. The check and the run's wait
    /// both ask this.
    public static func waitNeedsClose(_ states: Set<SessionStateName>) -> Bool {
        !states.isEmpty && !states.contains(.active) && !states.contains(.expired)
    }
}

/// A Sprinto region for `connect region`.
public enum RegionName: String, WordChoice {
    case us, `in`, eu
}

/// What `close` asks the service to do with the staged records.
public enum CloseMode: String, WordChoice {
    case apply, discard
}

/// The file formats `push ... from PATH format FORMAT` reads.
public enum PushFormat: String, WordChoice {
    case jsonl, json, csv
}

/// What a script does after a failed statement (`set on_error`).
///
/// `keep` stops like `stop` but leaves the sessions the run started as they
/// are (active, for a resume) instead of discarding them when the run fails.
public enum OnErrorMode: String, WordChoice {
    case stop, `continue`, keep
}

/// What a page the service accepted only in part does (`set partial_pages`):
/// `stop` the run with the API-refusal exit code (the default), or `accept`
/// the partial load, report the rejected records and go on.
public enum PartialPagesMode: String, WordChoice {
    case stop, accept
}

/// How results are printed (`set output`).
public enum OutputMode: String, WordChoice {
    case text, json
}

/// `on` or `off`, for settings that are switches.
public enum Switch: String, WordChoice {
    case on, off
}

/// How a CSV file's quotes are read (`set csv_quotes`): as RFC 4180 says, or
/// leniently (a stray quote kept as data, spaces after a closing quote dropped,
/// never a field run into the next row; see docs/files.md).
public enum CSVQuotes: String, WordChoice {
    case strict, lenient
}

/// What a column name that a CSV header repeats does (`set csv_duplicates`).
public enum CSVDuplicates: String, WordChoice {
    case refuse, rename
}

/// The names `set` accepts.
public enum SettingName: String, WordChoice {
    case onError = "on_error"
    case output
    case pageSize = "page_size"
    case pageBytes = "page_bytes"
    case progress
    case pushConcurrency = "push_concurrency"
    case retries
    case retryFor = "retry_for"
    case settle
    case validation
    case timeout
    case partialPages = "partial_pages"
    case csvQuotes = "csv_quotes"
    case csvTrim = "csv_trim"
    case csvDuplicates = "csv_duplicates"

    /// The value the setting takes, as help and diagnostics describe it.
    public var valueDescription: String {
        switch self {
        case .onError: OnErrorMode.choiceList
        case .output: OutputMode.choiceList
        case .pageSize: "a whole number from 1 to 200 (records per page when pushing from a file)"
        case .pageBytes: "a whole number from 1024 to 50000000 (the largest request body a page may make, in bytes)"
        case .progress: "'on' or 'off' (the progress display of a push from a file)"
        case .pushConcurrency: "a whole number from 1 to 32 (the most pages of a push from a file in flight at once; 1 sends one at a time)"
        case .retries: "a whole number from 0 to 10 (caps the retries of a request; by default retry_for alone bounds them)"
        case .retryFor: "a duration such as 30s (how long to keep retrying a request)"
        case .settle: "a duration such as 5s (how long a session's counts must stay still before an unclear page counts as not landed)"
        case .validation: "'on' or 'off' (checking each User record against the documented rules before sending)"
        case .timeout: "a duration such as 60s (how long one request may take)"
        case .partialPages: PartialPagesMode.choiceList
        case .csvQuotes:
            "'strict' or 'lenient' (lenient keeps a stray quote as data and drops spaces after a closing quote, with a warning per row; no mode merges rows)"
        case .csvTrim: "'on' or 'off' (trim spaces around a CSV header's column names)"
        case .csvDuplicates: "'refuse' or 'rename' (a column name a CSV header repeats: an error, or renamed name_2)"
        }
    }
}

/// A built-in function that expressions may call, with how many arguments it takes.
public struct BuiltinFunction: Sendable, Hashable {
    /// The function's name.
    public var name: String
    /// The smallest and largest number of arguments.
    public var arity: ClosedRange<Int>
    /// How it is called, e.g. `env(NAME [, DEFAULT])`.
    public var signature: String
    /// One line on what it returns.
    public var summary: String

    /// Every built-in function.
    public static let all: [BuiltinFunction] = [
        BuiltinFunction(
            name: "env", arity: 1...2, signature: "env(NAME [, DEFAULT])",
            summary: "the environment variable NAME as a string; DEFAULT (or null) when it is not set"),
        BuiltinFunction(
            name: "len", arity: 1...1, signature: "len(X)",
            summary: "the number of elements of an array, keys of an object, or characters of a string"),
        BuiltinFunction(
            name: "now", arity: 0...0, signature: "now()",
            summary: "the current time as an ISO 8601 string with milliseconds, in UTC"),
        BuiltinFunction(
            name: "today", arity: 0...0, signature: "today()",
            summary: "today's date as YYYY-MM-DD, in UTC"),
        BuiltinFunction(
            name: "keys", arity: 1...1, signature: "keys(OBJECT)",
            summary: "the keys of an object, as an array of strings in order"),
        BuiltinFunction(
            name: "json", arity: 1...1, signature: "json(TEXT)",
            summary: "the value that the JSON text TEXT describes"),
        BuiltinFunction(
            name: "string", arity: 1...1, signature: "string(X)",
            summary: "X as text (objects and arrays as compact JSON)"),
        BuiltinFunction(
            name: "number", arity: 1...1, signature: "number(X)",
            summary: "X as a number (a string such as \"42\" or \"1.5\" is parsed)"),
        // Text: the string functions an export needs reshaping with (issue 25).
        BuiltinFunction(name: "lower", arity: 1...1, signature: "lower(TEXT)", summary: "TEXT in lower case"),
        BuiltinFunction(name: "upper", arity: 1...1, signature: "upper(TEXT)", summary: "TEXT in upper case"),
        BuiltinFunction(
            name: "trim", arity: 1...1, signature: "trim(TEXT)",
            summary: "TEXT without the spaces, tabs and line ends at either end"),
        BuiltinFunction(
            name: "replace", arity: 3...3, signature: "replace(TEXT, OLD, NEW)",
            summary: "TEXT with every OLD (plain text, not a pattern) replaced by NEW"),
        BuiltinFunction(
            name: "split", arity: 2...2, signature: "split(TEXT, SEPARATOR)",
            summary: "the parts of TEXT between each SEPARATOR, as an array of strings"),
        BuiltinFunction(
            name: "join", arity: 2...2, signature: "join(ARRAY, SEPARATOR)",
            summary: "the strings and numbers of ARRAY in one string, SEPARATOR between them"),
        BuiltinFunction(
            name: "substring", arity: 2...3, signature: "substring(TEXT, START [, LENGTH])",
            summary: "the characters of TEXT from START (0 is the first; -1 the last), LENGTH of them or to the end"),
        BuiltinFunction(
            name: "starts_with", arity: 2...2, signature: "starts_with(TEXT, PREFIX)",
            summary: "whether TEXT starts with PREFIX"),
        BuiltinFunction(
            name: "ends_with", arity: 2...2, signature: "ends_with(TEXT, SUFFIX)", summary: "whether TEXT ends with SUFFIX"),
        BuiltinFunction(
            name: "contains", arity: 2...2, signature: "contains(X, PART)",
            summary: "whether the string X holds the text PART, or the array X holds the value PART"),
        BuiltinFunction(
            name: "pad", arity: 2...3, signature: "pad(TEXT, WIDTH [, FILL])",
            summary: "TEXT filled to WIDTH characters with FILL (a space): on the left, or on the right when WIDTH is negative"),
        BuiltinFunction(
            name: "matches", arity: 2...2, signature: "matches(TEXT, PATTERN)",
            summary: "whether the regular expression PATTERN matches somewhere in TEXT"),
        BuiltinFunction(
            name: "match", arity: 2...2, signature: "match(TEXT, PATTERN)",
            summary: "the first match of PATTERN in TEXT as an array (the whole match, then each group), or null"),
        BuiltinFunction(
            name: "replace_pattern", arity: 3...3, signature: "replace_pattern(TEXT, PATTERN, NEW)",
            summary: "TEXT with every match of PATTERN replaced by NEW, where $1 is the first group"),
        // Dates: read as the export writes them, written as the ISO 8601 Sprinto expects.
        BuiltinFunction(
            name: "date", arity: 1...3, signature: "date(TEXT [, FORMAT [, ZONE]])",
            summary:
                "TEXT read as FORMAT (such as \"MM/dd/yyyy\" or \"dd.MM.yyyy HH:mm\"; ISO 8601 when absent) in ZONE (UTC), as an ISO 8601 date-time in UTC"
        ),
        BuiltinFunction(
            name: "excel_date", arity: 1...2, signature: "excel_date(SERIAL [, ZONE])",
            summary: "an Excel serial day number (45000.5 is 2023-03-15 12:00) in ZONE (UTC), as an ISO 8601 date-time in UTC"),
    ]

    /// The arguments as the signature names them: `pad(TEXT, WIDTH [, FILL])`
    /// gives TEXT, WIDTH, FILL; errors say which one is wrong by these names.
    public var argumentNames: [String] {
        guard let open = signature.firstIndex(of: "(") else { return [] }
        return signature[signature.index(after: open)...].split(whereSeparator: { ",[]() ".contains($0) }).map(String.init)
    }

    /// What an argument must be, as far as a literal shows it before a run.
    public enum ArgumentKind: Sendable {
        case text, wholeNumber, array, anything
    }

    /// The kind of argument `i`, read from the name the signature gives it,
    /// so a function's signature is the one place its argument types are said.
    public func kind(ofArgument i: Int) -> ArgumentKind {
        guard i < argumentNames.count else { return .anything }
        switch argumentNames[i] {
        case "NAME", "TEXT", "OLD", "NEW", "SEPARATOR", "PREFIX", "SUFFIX", "FILL", "PATTERN", "FORMAT", "ZONE": return .text
        case "START", "LENGTH", "WIDTH": return .wholeNumber
        case "ARRAY": return .array
        default: return .anything
        }
    }

    /// Why `literal` cannot be argument `i`, in the words the run would use; nil when it can.
    public func problem(with literal: Literal, asArgument i: Int) -> String? {
        let name = i < argumentNames.count ? argumentNames[i] : "argument \(i + 1)"
        switch (kind(ofArgument: i), literal) {
        case (.text, .string(let pattern)) where name == "PATTERN":
            // Compiled now as at run time, so a broken pattern stops the run before anything is sent.
            return (try? NSRegularExpression(pattern: pattern)) == nil
                ? "\(self.name): PATTERN \"\(pattern.prefix(40))\" is not a regular expression" : nil
        case (.text, .string(let format)) where name == "FORMAT":
            if case .failure(let problem) = DateFormatSyntax.pieces(of: format) { return problem.message }
            return nil
        case (.anything, _), (.text, .string), (.wholeNumber, .integer): return nil
        case (.text, _): return "\(self.name): \(name) must be a string, got \(literal.description)"
        case (.wholeNumber, _): return "\(self.name): \(name) must be a whole number, got \(literal.description)"
        case (.array, _): return "\(self.name): \(name) must be an array, got \(literal.description)"
        }
    }

    /// Looks a function up by name.
    public static func named(_ name: String) -> BuiltinFunction? {
        all.first { $0.name == name }
    }
}
