import Foundation
import PushAPI
import PushSyntax

/// One reading of a data file as a push reads it: every record parsed,
/// sized and checked against the documented rules, nothing held but counts
/// and the first problems. The push's own check pass and the check before a
/// run (`ScriptFiles.records`) both read through it, so they cannot
/// disagree about a file.
struct RecordFileReading {
    /// At most this many problems and warnings are kept (the rest are counted).
    static let kept = 20

    var totals = PushPlan.Totals()
    /// The first problems that make a line unreadable or a record unsendable.
    var problems: [RecordProblem] = []
    var problemCount = 0
    /// The documented record rules, applied to every record after `skip`.
    var rules: RecordRulesCheck
    /// Readers' warnings (lenient quotes), the first of them.
    var warnings: [RecordProblem] = []
    var warningCount = 0

    /// Reads the whole file.
    ///
    /// - Parameters:
    ///   - eachRecord: sees every record while no problem was found (the push
    ///     spools CSV there); a problem it returns ends the reading.
    ///   - progress: told the records and bytes read so far, every thousand records.
    static func read(
        path: String, shown: String, format: PushFormat, renames: FieldRenames, skip: Int, plan: PushPlan, validation: Bool,
        eachRecord: ((FileRecord) -> RecordProblem?)? = nil, progress: ((Int, Int) -> Void)? = nil
    ) -> RecordFileReading {
        var reading = RecordFileReading(rules: RecordRulesCheck(entityType: plan.entityType, enabled: validation, origin: shown))
        reading.totals.keys = KeyCensus(entityType: plan.entityType)
        let version = FileVersion()
        do {
            var stream = try RecordSource.open(
                path: path, format: format, entityType: plan.entityType, renames: renames, limits: plan.limits, csv: plan.csv,
                version: .recorded(version))
            reading: while let item = try stream.next() {
                switch item {
                case .record(let record):
                    reading.totals.records += 1
                    if let progress, reading.totals.records % 1000 == 0 { progress(reading.totals.records, reading.totals.bytes) }
                    // A signal stops a long check too (the runner cancels the task):
                    // a problem, so that a reading cut short is never taken for clean.
                    if reading.totals.records % 256 == 0, Task.isCancelled {
                        reading.add(RecordProblem(line: record.line, message: "the reading was stopped here"))
                        break reading
                    }
                    if reading.problemCount == 0, let eachRecord, let problem = eachRecord(record) {
                        reading.add(problem)
                        break reading
                    }
                    guard reading.totals.records > skip else { continue }
                    reading.rules.check(record.json, parsed: record.parsed, index: reading.totals.records - skip - 1, line: record.line)
                    reading.totals.bytes += record.json.count + 1
                    reading.totals.keys.note(record.json)
                    if record.json.count + plan.overhead > plan.pageBytes {
                        reading.add(
                            RecordProblem(
                                line: record.line,
                                message: "the record is \(record.json.count) bytes: larger than a page may be (\(plan.pageBytes) bytes)"))
                    }
                case .problem(let problem):
                    reading.add(problem)
                    // Enough to fix; reading on would only take time.
                    if reading.problemCount >= 10_000 { break reading }
                case .warning(let warning):
                    reading.warningCount += 1
                    if reading.warnings.count < kept { reading.warnings.append(warning) }
                }
            }
        } catch {
            // Opening and reading throw only RecordProblem (typed throws).
            reading.add(error)
        }
        reading.totals.keys.finishCounting()
        // Written to while it was read: what was checked may be a mix of versions.
        if reading.problemCount == 0, let change = version.changeSinceOpened(path: path) {
            reading.add(RecordProblem(line: 0, message: "changed while it was being checked (\(change))", fileChanged: true))
        }
        reading.totals.version = version
        return reading
    }

    mutating func add(_ problem: RecordProblem) {
        problemCount += 1
        if problems.count < Self.kept { problems.append(problem) }
    }

    /// `users.jsonl:12:5: expected ',' between records`.
    static func place(_ problem: RecordProblem, in shown: String) -> String {
        problem.line == 0
            ? "\(shown): \(problem.message)" : "\(shown):\(problem.line)\(problem.column.map { ":\($0)" } ?? ""): \(problem.message)"
    }

    /// The readers' warnings as the push's check pass prints them (`users.csv:3: warning: ...`), the
    /// first ``kept`` of them and a count of the rest.
    func warningLines(shown: String) -> [String] {
        var lines = warnings.map { "\(shown):\($0.line): warning: \($0.message)" }
        if warningCount > warnings.count { lines.append("\(shown): … and \(warningCount - warnings.count) more warnings") }
        return lines
    }

    /// Why the push cannot go ahead, in the words both the check before a
    /// run and the push's own check pass use; nil when it can.
    struct Verdict {
        var message: String
        var details: [String]
        var hint: String
        /// Only the documented record rules are broken: the service would refuse these (400).
        var onlyRules: Bool

        /// The error that stops a push at its check pass. Broken rules alone
        /// are what the service would refuse (400): the same exit code as a rejected page.
        func refusal(at range: SourceRange) -> ScriptError {
            ScriptError(onlyRules ? .refused : .runtime, message + "; nothing was sent", at: range, details: details, hint: hint)
        }
    }

    func verdict(shown: String, entityType: String, skip: Int) -> Verdict? {
        if problems.isEmpty && rules.errorCount == 0 {
            // An empty file is not a problem (the push sends nothing and says so); a skip past the end is.
            guard totals.records > 0, totals.records <= skip else { return nil }
            return Verdict(
                message: "\(shown) has \(totals.records) records: nothing is left after skip \(skip)", details: [],
                hint: "skip counts records from the start of the file; it has \(totals.records)", onlyRules: false)
        }
        if rules.errorCount > 0 {
            let count = problemCount + rules.errorCount
            var details = problems.map { Self.place($0, in: shown) } + rules.errors
            let listed = problems.count + rules.errors.count
            if count > listed { details.append("… and \(count - listed) more problems") }
            let records = rules.badRecords == 1 ? "1 record breaks" : "\(rules.badRecords) records break"
            return Verdict(
                message:
                    "\(shown) cannot be pushed: \(count) problem\(count == 1 ? "" : "s") (\(records) the documented \(entityType) rules)",
                details: details,
                hint:
                    "fix the records and push again; if this integration's service takes such records, 'set validation off' leaves the checking to it",
                onlyRules: problems.isEmpty)
        }
        if problems.count == 1 && problems[0].line == 0 {
            // The file is fine, only being written to: nothing in it to fix.
            let hint =
                problems[0].fileChanged
                ? "push it again once nobody writes to it (let the export write elsewhere, then mv it into place)"
                : "fix the file and push again"
            return Verdict(message: "\(shown) \(problems[0].message)", details: [], hint: hint, onlyRules: false)
        }
        var details = problems.map { Self.place($0, in: shown) }
        if problemCount > problems.count { details.append("… and \(problemCount - problems.count) more problems") }
        return Verdict(
            message: "\(shown) cannot be pushed: \(problemCount) problem\(problemCount == 1 ? "" : "s")", details: details,
            hint: "fix the file and push again", onlyRules: false)
    }
}

/// A data file as one reading saw it, and how it was read: when the check
/// before a run found it clean and the push reads it the same way, unchanged
/// (same size and modification time), the push need not read it again.
struct CheckedFile: Hashable {
    var path: String
    var size: Int
    var modified: Double
    var entityType: String
    var format: PushFormat
    var renames: [String: String]
    var skip: Int
    var validation: Bool
    var csv: CSVOptions
    var pageBytes: Int

    /// Nil when the file cannot be looked at.
    init?(
        path: String, entityType: String, format: PushFormat, renames: [String: String], skip: Int, validation: Bool, csv: CSVOptions,
        pageBytes: Int
    ) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = (attributes[.size] as? NSNumber)?.intValue, let modified = attributes[.modificationDate] as? Date
        else { return nil }
        self.path = path
        self.size = size
        self.modified = modified.timeIntervalSince1970
        self.entityType = entityType
        self.format = format
        self.renames = renames
        self.skip = skip
        self.validation = validation
        self.csv = csv
        self.pageBytes = pageBytes
    }
}

extension ScriptFiles {
    /// The check before a run, for `push ... from FILE`: the records read as
    /// the push will read them; what would stop the push is an error here,
    /// so the run stops before its first request (and `pushsh check` says it).
    public static func records(_ request: DataFileRecords) -> [Diagnostic] {
        read(request).diagnostics
    }

    /// `records(_:)`, and for a file with nothing to say at all (no problem,
    /// no warning), what the push may reuse instead of reading it again.
    /// Records written in the script, held to the rules as the push's
    /// ``Interpreter/checkInline(_:plan:handle:at:)`` will: the same verdict, in
    /// the same words. Anything but an object or an array of objects is left
    /// to the push, which says what it got.
    static func readInline(_ json: String, _ request: DataFileRecords) -> [Diagnostic] {
        let records: [JSONValue]
        switch try? JSONValue(parsing: Array(json.utf8)) {
        case .array(let items)?: records = items
        case let object?: records = [object]
        case nil: return []
        }
        guard records.allSatisfy({ if case .object = $0 { true } else { false } }) else { return [] }
        var reading = RecordFileReading(
            rules: RecordRulesCheck(entityType: request.entityType, enabled: request.settings.validation, origin: nil))
        for (index, record) in records.enumerated() {
            reading.rules.check(record.jsonBytes, parsed: record, index: index, line: 0)
        }
        reading.totals.records = records.count
        guard let verdict = reading.verdict(shown: request.written, entityType: request.entityType, skip: 0) else {
            return sandboxRulesWarning(reading.rules, at: request.range).map { [$0] } ?? []
        }
        var diagnostic = Diagnostic.error(verdict.message + "; nothing was sent", at: request.range, hint: verdict.hint)
        diagnostic.details = verdict.details
        return [diagnostic]
    }

    /// The values only the built-in sandbox refuses, as a warning under the path.
    static func sandboxRulesWarning(_ rules: RecordRulesCheck, at range: SourceRange) -> Diagnostic? {
        guard let text = rules.warningText else { return nil }
        var lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let headline = lines.removeFirst()
        var warning = Diagnostic.warning(
            String(headline.hasSuffix(":") ? headline.dropLast() : headline[...]), at: range,
            hint: "the built-in sandbox rejects the page that holds \(rules.warningCount == 1 ? "it" : "them"); "
                + "pushsh check --strict makes this an error")
        warning.details = lines
        return warning
    }

    static func read(_ request: DataFileRecords) -> (diagnostics: [Diagnostic], clean: (CheckedFile, PushPlan.Totals)?) {
        if let json = request.inlineJSON { return (readInline(json, request), nil) }
        // A name that says no format is the push's own error, with its own hint.
        guard let format = RecordSource.format(for: request.path, given: request.format) else { return ([], nil) }
        var renames: [String: String] = [:]
        if let mappingFile = request.mappingFile {
            // A mapping file that is not an object of names is the push's error too.
            guard let data = FileManager.default.contents(atPath: mappingFile),
                case .object(let entries)? = try? JSONValue(parsing: [UInt8](data))
            else { return ([], nil) }
            for entry in entries {
                guard case .string(let to) = entry.value else { return ([], nil) }
                renames[entry.key] = to
            }
        }
        for rename in request.renames { renames[rename.from] = rename.to }
        var plan = PushPlan(entityType: request.entityType, pageSize: 100, pageBytes: request.settings.pageBytes)
        plan.csv = CSVOptions(
            lenientQuotes: request.settings.csvLenientQuotes, trimHeader: request.settings.csvTrim,
            renameDuplicates: request.settings.csvRenameDuplicates)
        // Looked at before reading: a file that changes during the reading is not reused.
        let stamp = CheckedFile(
            path: request.path, entityType: request.entityType, format: format, renames: renames, skip: request.skip,
            validation: request.settings.validation, csv: plan.csv, pageBytes: request.settings.pageBytes)
        let reading = RecordFileReading.read(
            path: request.path, shown: request.written, format: format, renames: FieldRenames(renames: renames), skip: request.skip,
            plan: plan, validation: request.settings.validation)
        guard let verdict = reading.verdict(shown: request.written, entityType: request.entityType, skip: request.skip) else {
            // The sandbox's own rules are said here, once (the push reuses this
            // reading), so `pushsh check` warns of what the built-in sandbox
            // will reject and `check --strict` refuses it. The readers'
            // warnings are still the push's to print.
            let sandboxOnly = Self.sandboxRulesWarning(reading.rules, at: request.range)
            return (sandboxOnly.map { [$0] } ?? [], reading.warningCount == 0 ? stamp.map { ($0, reading.totals) } : nil)
        }
        // The words of the push's own check pass: check and run say the same.
        var diagnostic = Diagnostic.error(verdict.message + "; nothing was sent", at: request.range, hint: verdict.hint)
        diagnostic.details = verdict.details
        return ([diagnostic], nil)
    }
}
