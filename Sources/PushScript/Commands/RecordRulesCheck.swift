import PushAPI

/// The documented record rules (`RecordValidation`, shared with the built-in
/// sandbox) applied in a push's check pass, one record at a time, before the
/// first page is sent. Kept apart from the readers: they say whether a line
/// is a record, this says whether the record is one the service would take.
struct RecordRulesCheck {
    let entityType: String
    /// False after `set validation off`, or for a type without documented rules.
    let enabled: Bool
    /// Where the records come from, for messages (`data/users.jsonl`); nil for inline records.
    let origin: String?

    /// Problems that stop the push, each with its place: the first `shownLimit`.
    private(set) var errors: [String] = []
    private(set) var errorCount = 0
    /// The problems as the push result's validation_errors (capped like the
    /// lines), in the shape a rejected page's entries take: entity_type,
    /// index, field, issue, and line and file when the record came from one.
    private(set) var validationErrors: [Value] = []
    /// Findings of the sandbox's own rules: warnings, since the real service may differ.
    private(set) var warnings: [String] = []
    private(set) var warningCount = 0
    /// Records with at least one error.
    private(set) var badRecords = 0

    static let shownLimit = 20
    static let warningLimit = 5

    init(entityType: String, enabled: Bool, origin: String?) {
        self.entityType = entityType
        self.enabled = enabled && RecordValidation.documentedTypes.contains(entityType)
        self.origin = origin
    }

    /// Checks one record; `index` is its place among the records pushed (0-based), `line` its line in the file (0 inline).
    /// `parsed` is the record as its reader parsed it, when it did (else the bytes are parsed here).
    mutating func check(_ json: [UInt8], parsed: JSONValue? = nil, index: Int, line: Int) {
        guard enabled, let record = parsed ?? (try? JSONValue(parsing: json)) else { return }
        let findings = RecordValidation.findings(entityType: entityType, record: record)
        guard !findings.isEmpty else { return }
        let place =
            (origin.map { line > 0 ? "\($0):\(line)" : $0 } ?? "record \(index)")
            + (RecordKey.naturalKey(json, type: entityType).map { " (\($0))" } ?? "")
        var bad = false
        for finding in findings {
            switch finding.authority {
            case .documented:
                bad = true
                errorCount += 1
                if errors.count < Self.shownLimit {
                    errors.append("\(place): \(finding.field) \(finding.issue)")
                    var entry: [(String, Value)] = [
                        ("entity_type", .string(entityType)), ("index", .int(Int64(index))),
                        ("field", .string(finding.field)), ("issue", .string(finding.issue)),
                    ]
                    if line > 0 {
                        entry.append(("line", .int(Int64(line))))
                        if let origin { entry.append(("file", .string(origin))) }
                    }
                    validationErrors.append(.record(entry))
                }
            case .sandbox:
                warningCount += 1
                if warnings.count < Self.warningLimit { warnings.append("\(place): \(finding.field) \(finding.issue)") }
            }
        }
        if bad { badRecords += 1 }
    }

    /// The warning to print once the pass is done; nil when there is none.
    var warningText: String? {
        guard warningCount > 0 else { return nil }
        var text =
            "\(warningCount) value\(warningCount == 1 ? "" : "s") the built-in sandbox refuses but Sprinto's documentation does not rule out (the real service may accept \(warningCount == 1 ? "it" : "them")):"
        for line in warnings { text += "\n  " + line }
        if warningCount > warnings.count { text += "\n  … and \(warningCount - warnings.count) more" }
        return text
    }
}
