/// A problem found in a script, with where it is and, when we know one, a fix.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable, CaseIterable {
        /// The script cannot run.
        case error
        /// The script can run but probably does not do what was meant.
        case warning
        /// More information about the diagnostic before it.
        case note
    }

    /// How serious the problem is.
    public var severity: Severity
    /// One sentence saying what is wrong, without a trailing period.
    public var message: String
    /// Where the problem is; the renderer puts carets under it.
    public var range: SourceRange
    /// What to write instead, or what to try; printed after the source excerpt.
    public var hint: String?
    /// Lines under the message: each problem a data file holds, with its line.
    public var details: [String] = []

    public init(_ severity: Severity, _ message: String, at range: SourceRange, hint: String? = nil) {
        self.severity = severity
        self.message = message
        self.range = range
        self.hint = hint
    }

    /// An error diagnostic.
    public static func error(_ message: String, at range: SourceRange, hint: String? = nil) -> Diagnostic {
        Diagnostic(.error, message, at: range, hint: hint)
    }

    /// A warning diagnostic.
    public static func warning(_ message: String, at range: SourceRange, hint: String? = nil) -> Diagnostic {
        Diagnostic(.warning, message, at: range, hint: hint)
    }

    /// A note diagnostic.
    public static func note(_ message: String, at range: SourceRange, hint: String? = nil) -> Diagnostic {
        Diagnostic(.note, message, at: range, hint: hint)
    }

    /// `file:line:col: severity: message`, the first line of the rendering.
    public var description: String {
        "\(range): \(severity.rawValue): \(message)"
    }
}

extension Sequence where Element == Diagnostic {
    /// Whether any of the diagnostics is an error.
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// What `pushsh check --strict` reports: every warning an error (the
    /// values only the built-in sandbox refuses among them), saying why.
    public func strict() -> [Diagnostic] {
        map { diagnostic in
            guard diagnostic.severity == .warning else { return diagnostic }
            var error = diagnostic
            error.severity = .error
            error.message += " (an error with --strict)"
            return error
        }
    }

    /// The diagnostics in file order (by file name, then position), errors first at a tie.
    public func sortedByLocation() -> [Diagnostic] {
        enumerated().sorted { left, right in
            let (a, b) = (left.element, right.element)
            if a.range.file != b.range.file { return left.offset < right.offset }
            if a.range.start.offset != b.range.start.offset {
                return a.range.start.offset < b.range.start.offset
            }
            return left.offset < right.offset
        }.map(\.element)
    }
}
