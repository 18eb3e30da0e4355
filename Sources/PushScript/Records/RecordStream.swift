import PushAPI
import PushSyntax

/// One record of a data file, ready to send: its JSON bytes and where it came from.
struct FileRecord {
    /// The record as a JSON object, exactly as it will be sent.
    var json: [UInt8]
    /// The line the record starts on (1-based).
    var line: Int
}

/// What reading the next record gave.
enum StreamItem {
    case record(FileRecord)
    case problem(RecordProblem)
}

/// Records read one at a time from a data file, never the whole file at once.
protocol RecordStream {
    /// The next record or problem; nil at the end of the file. After a problem
    /// reading goes on, so a check lists every bad line.
    mutating func next() throws(RecordProblem) -> StreamItem?
}

/// Renames fields on the way in (`map "Employee ID" to employeeId`).
struct FieldRenames: Sendable {
    var renames: [String: String]
    var isEmpty: Bool { renames.isEmpty }

    func apply(_ object: JSONObject) -> JSONObject {
        guard !renames.isEmpty else { return object }
        return JSONObject(object.entries.map { (renames[$0.key] ?? $0.key, $0.value) })
    }

    func name(_ column: String) -> String { renames[column] ?? column }
}

/// Opens the right stream for a file.
enum RecordSource {
    /// The format, from `format` or the file's extension.
    static func format(for path: String, given: PushFormat?) -> PushFormat? {
        if let given { return given }
        let lower = path.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        if lower.hasSuffix(".json") { return .json }
        if lower.hasSuffix(".csv") { return .csv }
        return nil
    }

    static func open(path: String, format: PushFormat, entityType: String, renames: FieldRenames) throws(RecordProblem) -> any RecordStream {
        switch format {
        case .jsonl: return JSONLinesStream(chunks: try ByteChunks(path: path), renames: renames)
        case .json: return JSONArrayStream(chunks: try ByteChunks(path: path), entityType: entityType, renames: renames)
        case .csv: return try CSVStream(path: path, renames: renames)
        }
    }

    /// Parses one record's bytes: an object, renamed, and its bytes to send.
    /// Unrenamed records are sent as written, without re-encoding.
    /// `column` is where the record starts on its first line, so a problem's
    /// column is the file's, not the record's.
    static func record(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, column: Int = 1, renames: FieldRenames, verify: Bool) -> StreamItem {
        if !verify && renames.isEmpty { return .record(FileRecord(json: Array(bytes), line: line)) }
        do {
            let value = try JSONValue(parsing: bytes)
            guard case .object(let object) = value else {
                return .problem(RecordProblem(line: line, message: "expected a JSON object (a record), got \(value.typeName)"))
            }
            if renames.isEmpty { return .record(FileRecord(json: Array(bytes), line: line)) }
            return .record(FileRecord(json: JSONValue.object(renames.apply(object)).jsonBytes, line: line))
        } catch {
            return .problem(RecordProblem(line: line + error.line - 1, column: error.line == 1 ? error.column + column - 1 : error.column, message: error.message))
        }
    }
}
