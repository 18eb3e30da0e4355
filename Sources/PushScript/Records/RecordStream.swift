import PushAPI
import PushSyntax

/// One record of a data file, ready to send: its JSON bytes and where it came from.
struct FileRecord {
    /// The record as a JSON object, exactly as it will be sent.
    var json: [UInt8]
    /// The line the record starts on (1-based).
    var line: Int
    /// The record as read, when the reader parsed it to verify it: the check
    /// pass applies the record rules to it without parsing the bytes again
    /// (that second parse was a third of the pass).
    var parsed: JSONValue? = nil
}

/// What reading the next record gave.
enum StreamItem {
    case record(FileRecord)
    case problem(RecordProblem)
    /// Something read as written but worth saying (a lenient CSV row).
    case warning(RecordProblem)
}

/// Records read one at a time from a data file, never the whole file at once.
protocol RecordStream {
    /// The next record or problem; nil at the end of the file. After a problem
    /// reading goes on, so a check lists every bad line.
    mutating func next() throws(RecordProblem) -> StreamItem?
}

/// The bounds every reader keeps to, whatever the file holds: time stays
/// linear in the file's size and memory below a fixed amount plus one record.
struct RecordLimits: Sendable {
    /// The largest record, as written in the file, that a page could ever carry
    /// (`page_bytes`). A larger one is refused as soon as its size is known,
    /// without reading the rest of it into memory.
    var recordBytes = 5_000_000
    /// How deeply a JSON file may nest, counting the containers around the
    /// records (the core parser's limit for a whole document).
    var depth = 512
    /// Columns a CSV header may name.
    var columns = 10_000

    /// The description of a record too large to send.
    func tooLarge(_ what: String) -> String {
        "\(what) is more than \(recordBytes) bytes: larger than a page may be (set page_bytes raises the limit, up to 50000000)"
    }
}

/// How a CSV file is read (`set csv_quotes`, `set csv_trim`, `set csv_duplicates`).
struct CSVOptions: Sendable, Hashable {
    /// Accept quotes that RFC 4180 does not allow, with a warning per row (the
    /// header's included): a quote inside an unquoted field is data (`1,b"c,3`
    /// gives `b"c`); text after a closing quote is data with the quote, to the
    /// next comma (`a,"b"c,d` gives `b"c` and `d`); spaces after a closing quote
    /// are dropped (`"B" ,` gives `B`). A field never runs past its line unless
    /// it is quoted whole, so no row is merged into another: a quoted field left
    /// open, or one that crosses a line end and then has text after its quote,
    /// is an error still. (PapaParse would run such a field on to a later quote,
    /// across rows; that is why this is not "as PapaParse does".) Line ends are
    /// not quotes: both modes read them alike.
    var lenientQuotes = false
    /// Trim spaces and tabs around the header's column names.
    var trimHeader = false
    /// Rename a repeated column name (`name`, `name_2`, ...) instead of refusing the file.
    var renameDuplicates = false
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

    static func open(
        path: String, format: PushFormat, entityType: String, renames: FieldRenames,
        limits: RecordLimits = RecordLimits(), csv: CSVOptions = CSVOptions(), version: ByteChunks.Version = .ignored
    ) throws(RecordProblem) -> any RecordStream {
        let chunks = try ByteChunks(path: path, version: version)
        switch format {
        case .jsonl: return JSONLinesStream(chunks: chunks, renames: renames, limits: limits)
        case .json: return JSONArrayStream(chunks: chunks, entityType: entityType, renames: renames, limits: limits)
        case .csv: return try CSVStream(chunks: chunks, renames: renames, limits: limits, options: csv)
        }
    }

    /// Parses one record's bytes: an object, renamed, and its bytes to send.
    /// Unrenamed records are sent as written, without re-encoding.
    /// `column` is where the record starts on its first line, so a problem's
    /// column is the file's, not the record's.
    /// A record never starts with a byte order mark (only a file may), and its
    /// nesting counts the `around` containers it sits in: the whole document may nest `depth` deep.
    static func record(
        _ bytes: UnsafeBufferPointer<UInt8>, line: Int, column: Int = 1, renames: FieldRenames, verify: Bool, depth: Int = 512,
        around: Int = 0
    ) -> StreamItem {
        if !verify && renames.isEmpty { return .record(FileRecord(json: Array(bytes), line: line)) }
        do {
            let value = try JSONValue(parsing: bytes, maxDepth: depth - around, byteOrderMark: false)
            guard case .object(let object) = value else {
                return .problem(RecordProblem(line: line, message: "expected a JSON object (a record), got \(value.typeName)"))
            }
            if renames.isEmpty { return .record(FileRecord(json: Array(bytes), line: line, parsed: value)) }
            let renamed = JSONValue.object(renames.apply(object))
            return .record(FileRecord(json: renamed.jsonBytes, line: line, parsed: renamed))
        } catch {
            // The limit is the document's, not what was left of it inside the record.
            let message = error.message.hasPrefix("nesting deeper than") ? "nesting deeper than \(depth) levels" : error.message
            return .problem(
                RecordProblem(
                    line: line + error.line - 1, column: error.line == 1 ? error.column + column - 1 : error.column, message: message))
        }
    }
}
