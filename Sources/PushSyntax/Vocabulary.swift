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
        case .retries: "a whole number from 0 to 10 (retries of a request that failed with 429 or 5xx)"
        case .retryFor: "a duration such as 30s (how long to keep retrying a request)"
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
    ]

    /// Looks a function up by name.
    public static func named(_ name: String) -> BuiltinFunction? {
        all.first { $0.name == name }
    }
}
