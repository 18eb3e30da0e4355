import CSV
import Foundation
import PushAPI

/// CSV with a header row: each row becomes an object keyed by the header's
/// names (renamed by `map`), empty cells become null. Quoted fields, embedded
/// commas and line breaks, a BOM and CRLF are handled by CSV.swift, which
/// streams; this adds line numbers and the checks a push needs.
struct CSVStream: RecordStream {
    private let reader: CSVReader
    private let header: [String]
    private var line: Int
    private let unterminatedQuoteLine: Int?
    private var reported = false

    init(path: String, renames: FieldRenames) throws(RecordProblem) {
        unterminatedQuoteLine = try CSVStream.findUnterminatedQuote(path)
        guard let stream = InputStream(fileAtPath: path) else { throw RecordProblem(line: 0, message: "cannot be read") }
        do {
            reader = try CSVReader(stream: stream, hasHeaderRow: true)
        } catch {
            throw RecordProblem(line: 1, message: "has no header row (the first line must name the columns)")
        }
        var names = (reader.headerRow ?? []).map { renames.name($0.trimmingCharacters(in: .whitespaces)) }
        if let first = names.first, first.hasPrefix("\u{FEFF}") { names[0] = String(first.dropFirst()) }
        header = names
        line = 1 + (reader.headerRow ?? []).reduce(0) { $0 + $1.filter { $0 == "\n" }.count }
        if header.isEmpty || header.allSatisfy(\.isEmpty) {
            throw RecordProblem(line: 1, message: "has no header row (the first line must name the columns)")
        }
        // A first line of values (an email, a date, a number) means the header is missing.
        if let value = names.first(where: { $0.contains("@") || Timestamp(iso8601: $0) != nil || Double($0) != nil }) {
            throw RecordProblem(line: 1, message: "the first line holds values such as \"\(value.prefix(40))\", not column names: a CSV file needs a header row naming the fields (employeeId,firstName,...)")
        }
        var seen: Set<String> = []
        for name in header where !name.isEmpty && !seen.insert(name).inserted {
            throw RecordProblem(line: 1, message: "the header names the column \"\(name)\" twice")
        }
    }

    mutating func next() throws(RecordProblem) -> StreamItem? {
        if let quoteLine = unterminatedQuoteLine, !reported {
            reported = true
            return .problem(RecordProblem(line: quoteLine, message: "a quoted field is not closed (a \" is missing)"))
        }
        guard let row = reader.next() else {
            // CSV.swift also records its end-of-stream read as an error; only a decoding failure is one.
            if let error = reader.error as? CSVError, case .unicodeDecoding = error {
                throw RecordProblem(line: line + 1, message: "is not UTF-8 text")
            }
            return nil
        }
        line += 1
        let rowLine = line
        line += row.reduce(0) { $0 + $1.filter { $0 == "\n" || $0 == "\r\n" }.count }
        if row.count == 1 && row[0].isEmpty { return try next() }  // a blank line
        guard row.count == header.count else {
            return .problem(RecordProblem(line: rowLine, message: "has \(row.count) field\(row.count == 1 ? "" : "s") but the header has \(header.count)"))
        }
        var object = JSONObject()
        for (name, cell) in zip(header, row) where !name.isEmpty {
            object[name] = cell.isEmpty ? .null : .string(cell)
        }
        return .record(FileRecord(json: JSONValue.object(object).jsonBytes, line: rowLine))
    }

    /// The line of a quote that is never closed, found by a quick scan of the
    /// bytes (CSV.swift would silently run that field to the end of the file).
    static func findUnterminatedQuote(_ path: String) throws(RecordProblem) -> Int? {
        let chunks = try ByteChunks(path: path)
        var inQuotes = false
        var line = 1
        var openedAt = 0
        while let chunk = try chunks.next() {
            for byte in chunk {
                if byte == 0x0A { line += 1 }
                if byte == UInt8(ascii: "\"") {
                    inQuotes.toggle()
                    if inQuotes { openedAt = line }
                }
            }
        }
        return inQuotes ? openedAt : nil
    }
}
