import Foundation
import PushAPI
import PushSyntax

extension Interpreter {
    /// `push S TYPE RECORDS` and `push S TYPE from PATH [options]`: sends the
    /// records in pages, in order, each with its page number as the page hint.
    func push(_ command: PushCommand, at range: SourceRange) async throws -> Value {
        let handle = try session(command.session)
        let type = command.entityType.value
        var records: [SourcedRecord]
        var origin: String?
        switch command.source {
        case .records(let expr):
            switch try evaluate(expr) {
            case .array(let items):
                records = []
                for (i, item) in items.enumerated() {
                    guard case .object = item else {
                        throw ScriptError.runtime("record \(i) is \(item.typeName); records are objects", at: expr.range)
                    }
                    records.append(SourcedRecord(record: item.json, line: 0))
                }
            case .object(let entries): records = [SourcedRecord(record: Value.object(entries).json, line: 0)]
            case let other: throw ScriptError.runtime("push takes an object or an array of objects, got \(other.typeName)", at: expr.range)
            }
        case .file(let pathExpr, let options):
            let written = try string(pathExpr, "the file path")
            let path = (sources[range.file] ?? SourceFile(name: range.file, text: "")).resolveData(path: written)
            guard let format = RecordFile.format(for: path, given: options.format?.value) else {
                throw ScriptError.runtime("cannot tell the format of \(written) from its name", at: pathExpr.range, hint: "add: format jsonl (or json, csv)")
            }
            do { records = try RecordFile.read(path: path, format: format, entityType: type) } catch {
                throw ScriptError(.runtime, "\(written) cannot be pushed; nothing was sent", at: pathExpr.range, details: error.lines,
                                  hint: "fix the file and run the push again")
            }
            if let skipExpr = options.skip {
                let skip = try integer(skipExpr, "skip", in: 0...Int64(Int32.max))
                records = Array(records.dropFirst(skip))
            }
            origin = written
        }
        guard !records.isEmpty else {
            throw ScriptError.runtime("there are no records to push", at: range)
        }
        let pageSize = settings.pageSize
        let started = ContinuousClock.now
        var result = PushTally(sessionID: handle.id, entityType: type)
        var pageNumber = 0
        var index = 0
        while index < records.count {
            if Task.isCancelled {
                var stopped = ScriptError(.runtime, "push interrupted: \(result.accepted) record\(result.accepted == 1 ? "" : "s") in \(result.pages) page\(result.pages == 1 ? "" : "s") were accepted; the rest was not sent", at: range)
                if let origin { stopped.hint = "to go on from there: push ... from \(origin) skip \(index)" }
                variables["last_push"] = result.value(elapsed: ContinuousClock.now - started)
                throw stopped
            }
            let slice = records[index..<min(index + pageSize, records.count)]
            pageNumber += 1
            let page = EntityPage(type: type, records: slice.map(\.record), pageHint: pageNumber)
            do {
                let answer = try await connection.client.push(page, to: handle.id)
                result.pages += 1
                result.accepted += answer.acceptedCountTotal
                for (entity, count) in answer.acceptedCountByEntity { result.acceptedByEntity[entity, default: 0] += count }
            } catch {
                result.rejected += error.batch?.rejectedCountTotal ?? 0
                result.validationErrors = error.validationErrors
                var failure = ScriptError(error, at: range, doing: "push")
                failure.details = failureDetails(error, page: Array(slice), pageNumber: pageNumber, origin: origin)
                if result.pages > 0 || index > 0 {
                    failure.details.append("\(result.accepted) record\(result.accepted == 1 ? "" : "s") in \(result.pages) page\(result.pages == 1 ? "" : "s") were accepted before this page; nothing after it was sent")
                    if origin != nil { failure.hint = (failure.hint.map { $0 + "; " } ?? "") + "to go on from the failed page: push ... from \(origin!) skip \(index)" }
                }
                variables["last_push"] = result.value(elapsed: ContinuousClock.now - started)
                throw failure
            }
            index += slice.count
        }
        let elapsed = ContinuousClock.now - started
        if let snapshot = try? await connection.client.session(handle.id) { handle.refresh(snapshot) }
        track(handle)
        let value = result.value(elapsed: elapsed)
        variables["last_push"] = value
        if settings.output == .json {
            emit("push", value.json.objectValue ?? JSONObject())
        } else {
            let rate = elapsed > .zero ? Int(Double(result.accepted) / elapsed.seconds) : 0
            let timing = origin != nil && result.accepted >= 1000 ? " in \(Rendering.human(elapsed)) (\(rate) records/s)" : ""
            output.line("pushed \(result.accepted) \(type) record\(result.accepted == 1 ? "" : "s") to \(handle.id) in \(result.pages) page\(result.pages == 1 ? "" : "s")\(timing): \(paint.green("\(result.accepted) accepted")), \(result.rejected) rejected")
        }
        return value
    }

    /// Validation problems mapped back to where each record came from.
    func failureDetails(_ error: PushAPIError, page: [SourcedRecord], pageNumber: Int, origin: String?) -> [String] {
        var details: [String] = []
        if let status = error.status { details.append("page \(pageNumber): \(error.request) → \(status) \(HTTPStatus.reason(status))") }
        for problem in error.validationErrors.prefix(20) {
            let place: String
            if let origin, problem.index >= 0, problem.index < page.count, page[problem.index].line > 0 {
                place = "\(origin):\(page[problem.index].line)"
            } else {
                place = "record \(problem.index) of page \(pageNumber)"
            }
            let id = problem.index >= 0 && problem.index < page.count ? page[problem.index].record["employeeId"]?.stringValue.map { " (\($0))" } ?? "" : ""
            details.append("\(place)\(id): \(problem.field) \(problem.issue)")
        }
        if error.validationErrors.count > 20 { details.append("… and \(error.validationErrors.count - 20) more problems") }
        if error.validationErrors.isEmpty, let raw = error.rawBody { details.append("body: \(raw.prefix(300))") }
        if error.attempts > 1 { details.append("gave up after \(error.attempts) attempts") }
        return details
    }
}

/// What a push has done so far.
struct PushTally {
    var sessionID: String
    var entityType: String
    var pages = 0
    var accepted = 0
    var rejected = 0
    var acceptedByEntity: [String: Int] = [:]
    var validationErrors: [ValidationError] = []

    func value(elapsed: Duration) -> Value {
        .record([
            ("session_id", .string(sessionID)), ("entity_type", .string(entityType)), ("pages", .int(Int64(pages))),
            ("accepted", .int(Int64(accepted))), ("rejected", .int(Int64(rejected))),
            ("accepted_by_entity", .object(acceptedByEntity.sorted { $0.key < $1.key }.map { ($0.key, Value.int(Int64($0.value))) })),
            ("validation_errors", .array(validationErrors.map { Value($0.json) })),
            ("elapsed_ms", .int(elapsed.wholeMilliseconds)),
        ])
    }
}

extension SourceFile {
    /// A data file path written in this script: relative to the script's folder.
    func resolveData(path: String) -> String { resolve(path: path) }
}
