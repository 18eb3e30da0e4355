import Foundation
import PushAPI
import PushSyntax

extension Interpreter {
    /// `push S TYPE RECORDS` and `push S TYPE from PATH [options]`: sends the
    /// records in pages, in order, one at a time, each with its page number as
    /// the page hint. A file is read twice: once to check every record (nothing
    /// is sent if any is bad), once to send; neither pass holds the whole file.
    func push(_ command: PushCommand, at range: SourceRange) async throws -> Value {
        let handle = try session(command.session)
        let type = command.entityType.value
        var plan = PushPlan(entityType: type, pageSize: settings.pageSize, pageBytes: settings.pageBytes)
        let input: PushInput
        switch command.source {
        case .records(let expr):
            input = .inline(try inlineRecords(expr))
        case .file(let pathExpr, let options):
            let written = try string(pathExpr, "the file path")
            let path = (sources[range.file] ?? SourceFile(name: range.file, text: "")).resolve(path: written)
            guard let format = RecordSource.format(for: path, given: options.format?.value) else {
                throw ScriptError.runtime("cannot tell the format of \(written) from its name", at: pathExpr.range, hint: "add: format jsonl (or json, csv)")
            }
            var renames: [String: String] = [:]
            for mapping in options.mappings { renames[try string(mapping.from, "the field to rename")] = mapping.to.value }
            if let mappingExpr = options.mapping {
                for (from, to) in try fieldMapping(mappingExpr, relativeTo: range.file) { renames[from] = to }
            }
            let skip = try options.skip.map { expr throws(ScriptError) in try integer(expr, "skip", in: 0...Int64(Int32.max)) } ?? 0
            input = .file(path: path, shown: written, format: format, renames: FieldRenames(renames: renames), skip: skip)
            let spool = format == .csv ? try? RecordSpool() : nil
            defer { spool?.remove() }
            plan.total = try checkFile(input, plan: plan, at: pathExpr.range, spool: spool)
            if let spool {
                return try await send(.spooled(path: spool.path, shown: written, skip: skip), to: handle, plan: plan, at: range)
            }
        }
        return try await send(input, to: handle, plan: plan, at: range)
    }

    /// Sends the pages of a checked input and reports the result.
    func send(_ input: PushInput, to handle: SessionHandle, plan: PushPlan, at range: SourceRange) async throws -> Value {
        var pusher = PagePusher(interpreter: self, handle: handle, plan: plan, range: range, origin: input.shownPath)
        try await pusher.start()
        do {
            if case .inline = input { try await pusher.send(input) } else if settings.pushConcurrency > 1 && plan.total.keys.knowsKeys {
                try await pusher.sendPipelined(input, census: plan.total.keys, cap: settings.pushConcurrency)
            } else {
                try await pusher.send(input)
            }
        } catch let error as ScriptError {
            pusher.tally.retries = pusher.retried
            variables["last_push"] = pusher.tally.value(elapsed: pusher.elapsed)
            pusher.progress.finish()
            throw error
        }
        pusher.progress.finish()
        if let snapshot = try? await connection.client.session(handle.id) { handle.refresh(snapshot) }
        track(handle)
        pusher.tally.retries = pusher.retried
        let value = pusher.tally.value(elapsed: pusher.elapsed)
        variables["last_push"] = value
        if settings.output == .json {
            emit("push", value.json.objectValue ?? JSONObject())
        } else {
            output.line(pusher.summary(paint: paint))
        }
        return value
    }

    func inlineRecords(_ expr: Expr) throws(ScriptError) -> [FileRecord] {
        switch try evaluate(expr) {
        case .array(let items):
            var records: [FileRecord] = []
            for (i, item) in items.enumerated() {
                guard case .object = item else { throw ScriptError.runtime("record \(i) is \(item.typeName); records are objects", at: expr.range) }
                records.append(FileRecord(json: item.json.jsonBytes, line: 0))
            }
            guard !records.isEmpty else { throw ScriptError.runtime("there are no records to push", at: expr.range) }
            return records
        case .object(let entries): return [FileRecord(json: Value.object(entries).json.jsonBytes, line: 0)]
        case let other: throw ScriptError.runtime("push takes an object or an array of objects, got \(other.typeName)", at: expr.range)
        }
    }

    /// `mapping EXPR`: an object of file field → record field, or a JSON file holding one.
    func fieldMapping(_ expr: Expr, relativeTo file: String) throws(ScriptError) -> [(String, String)] {
        var value = try evaluate(expr)
        if case .string(let written) = value {
            let path = (sources[file] ?? SourceFile(name: file, text: "")).resolve(path: written)
            guard let data = FileManager.default.contents(atPath: path) else { throw ScriptError.runtime("cannot read the mapping file \(written)", at: expr.range) }
            do { value = Value(try JSONValue(parsing: [UInt8](data))) } catch {
                throw ScriptError.runtime("the mapping file \(written) is not valid JSON: \(error.message) at \(error.line):\(error.column)", at: expr.range)
            }
        }
        guard case .object(let entries) = value else {
            throw ScriptError.runtime("mapping takes an object such as {\"Employee ID\": \"employeeId\"} (or a JSON file of one)", at: expr.range)
        }
        var pairs: [(String, String)] = []
        for entry in entries {
            guard case .string(let to) = entry.value else { throw ScriptError.runtime("mapping: \"\(entry.key)\" must map to a field name (a string)", at: expr.range) }
            pairs.append((entry.key, to))
        }
        return pairs
    }

    /// The check pass: every record parsed and sized; every problem listed with its line.
    func checkFile(_ input: PushInput, plan: PushPlan, at range: SourceRange, spool: RecordSpool? = nil) throws(ScriptError) -> PushPlan.Totals {
        guard case .file(let path, let shown, let format, let renames, let skip) = input else { return PushPlan.Totals() }
        var problems: [RecordProblem] = []
        var totals = PushPlan.Totals()
        totals.keys = KeyCensus(entityType: plan.entityType)
        var problemCount = 0
        // A big file takes a while to check: say so on a terminal.
        let showProgress = settings.progress && settings.output == .text && output.errorIsTerminal
        let fileSize = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        var lastDraw = ContinuousClock.now
        defer { if showProgress { output.writeError("\r\u{1B}[K") } }
        do {
            var stream = try RecordSource.open(path: path, format: format, entityType: plan.entityType, renames: renames)
            while let item = try stream.next() {
                if showProgress, totals.records % 1000 == 0, ContinuousClock.now - lastDraw > .milliseconds(200) {
                    lastDraw = ContinuousClock.now
                    let share = fileSize > 0 ? " (\(min(99, totals.bytes * 100 / fileSize))%)" : ""
                    output.writeError("\r\u{1B}[K  checking \(shown): \(totals.records) records\(share); nothing is sent until every record is read")
                }
                switch item {
                case .record(let record):
                    totals.records += 1
                    if problemCount == 0, let spool {
                        do { try spool.append(record) } catch { throw RecordProblem(line: 0, message: "could not be spooled: \(error.localizedDescription)") }
                    }
                    guard totals.records > skip else { continue }
                    totals.bytes += record.json.count + 1
                    totals.keys.note(record.json)
                    if record.json.count + plan.overhead > plan.pageBytes {
                        problemCount += 1
                        if problems.count < 20 {
                            problems.append(RecordProblem(line: record.line, message: "the record is \(record.json.count) bytes: larger than a page may be (\(plan.pageBytes) bytes)"))
                        }
                    }
                case .problem(let problem):
                    problemCount += 1
                    if problems.count < 20 { problems.append(problem) }
                    if problemCount >= 10_000 { break }
                }
            }
        } catch let error as RecordProblem {
            problems.append(error)
            problemCount += 1
        } catch {
            problems.append(RecordProblem(line: 0, message: "\(error)"))
            problemCount += 1
        }
        do { try spool?.finish() } catch { problems.append(RecordProblem(line: 0, message: "could not be spooled: \(error.localizedDescription)")) }
        if problems.isEmpty && totals.records == 0 {
            problems.append(RecordProblem(line: 1, message: "the file holds no records"))
            problemCount = 1
        }
        guard problems.isEmpty else {
            var details = problems.map { p in p.line == 0 ? "\(shown): \(p.message)" : "\(shown):\(p.line)\(p.column.map { ":\($0)" } ?? ""): \(p.message)" }
            if problemCount > problems.count { details.append("… and \(problemCount - problems.count) more problems") }
            let what = problems.count == 1 && problems[0].line == 0 ? "\(shown) \(problems[0].message)" : "\(shown) cannot be pushed: \(problemCount) problem\(problemCount == 1 ? "" : "s")"
            throw ScriptError(.runtime, "\(what); nothing was sent", at: range, details: problems.count == 1 && problems[0].line == 0 ? [] : details,
                              hint: "fix the file and push again")
        }
        guard totals.records > skip else {
            throw ScriptError.runtime(skip > 0 ? "\(shown) has \(totals.records) records: nothing is left after skip \(skip)" : "\(shown) holds no records", at: range)
        }
        return totals
    }
}

/// Where a push's records come from.
enum PushInput {
    case inline([FileRecord])
    case file(path: String, shown: String, format: PushFormat, renames: FieldRenames, skip: Int)
    /// Records the check pass already converted (from CSV), with their source lines.
    case spooled(path: String, shown: String, skip: Int)

    var shownPath: String? {
        switch self {
        case .inline: return nil
        case .file(_, let shown, _, _, _), .spooled(_, let shown, _): return shown
        }
    }
}

/// How records are cut into pages.
struct PushPlan {
    struct Totals {
        var records = 0
        var bytes = 0
        /// The natural keys seen, so pages sharing one are never in flight together.
        var keys = KeyCensus(entityType: "")
    }

    let entityType: String
    let pageSize: Int
    let pageBytes: Int
    var total = Totals()
    let prefix: [UInt8]

    init(entityType: String, pageSize: Int, pageBytes: Int) {
        self.entityType = entityType
        self.pageSize = pageSize
        self.pageBytes = pageBytes
        var head: [UInt8] = Array(#"{"entities":{"#.utf8)
        head += JSONValue.string(entityType).jsonBytes
        head += Array(":[".utf8)
        prefix = head
    }

    /// Bytes of a page around its records: the envelope and the page hint.
    var overhead: Int { prefix.count + #"]},"page_hint":"#.utf8.count + 12 }

    func body(_ records: ArraySlice<FileRecord>, hint: Int) -> [UInt8] {
        var body = prefix
        body.reserveCapacity(prefix.count + records.reduce(0) { $0 + $1.json.count + 1 } + 32)
        for (i, record) in records.enumerated() {
            if i > 0 { body.append(UInt8(ascii: ",")) }
            body += record.json
        }
        body += Array(#"]},"page_hint":\#(hint)}"#.utf8)
        return body
    }
}
