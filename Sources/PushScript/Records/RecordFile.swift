import Foundation
import PushAPI
import PushSyntax

/// One record read from a data file, with the line it starts on.
struct SourcedRecord {
    var record: JSONValue
    var line: Int
}

/// Reads the records of a data file: a JSON array, or JSON Lines.
///
/// Everything is read and checked before anything is sent, so a syntax error
/// on line 9,000 refuses the push up front instead of stopping it half-way.
enum RecordFile {
    /// The formats, guessed from the extension unless given.
    static func format(for path: String, given: PushFormat?) -> PushFormat? {
        if let given { return given }
        let lower = path.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        if lower.hasSuffix(".json") { return .json }
        if lower.hasSuffix(".csv") { return .csv }
        return nil
    }

    /// A problem in the file, at a line.
    struct Problem {
        var line: Int
        var column: Int?
        var message: String
    }

    static func read(path: String, format: PushFormat, entityType: String) throws(RecordFileError) -> [SourcedRecord] {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                throw RecordFileError(path: path, problems: [Problem(line: 0, message: isDirectory.boolValue ? "is a folder, not a file" : "cannot be read (permissions?)")])
            }
            throw RecordFileError(path: path, problems: [Problem(line: 0, message: "does not exist")])
        }
        let bytes = [UInt8](data)
        if bytes.prefix(8192).contains(0) {
            throw RecordFileError(path: path, problems: [Problem(line: 1, message: "holds NUL bytes: it looks like a binary file, not \(format.rawValue)")])
        }
        switch format {
        case .jsonl: return try readLines(bytes, path: path)
        case .json: return try readDocument(bytes, path: path, entityType: entityType)
        case .csv:
            throw RecordFileError(path: path, problems: [Problem(line: 0, message: "CSV files are not supported yet; convert to JSON Lines")])
        }
    }

    static func readLines(_ bytes: [UInt8], path: String) throws(RecordFileError) -> [SourcedRecord] {
        var records: [SourcedRecord] = []
        var problems: [Problem] = []
        var lineNumber = 0
        var start = 0
        bytes.withUnsafeBufferPointer { buffer in
            while start <= buffer.count {
                lineNumber += 1
                var end = start
                while end < buffer.count, buffer[end] != 0x0A { end += 1 }
                var lineEnd = end
                if lineEnd > start, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                var lineStart = start
                if lineNumber == 1, lineEnd - lineStart >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { lineStart += 3 }
                let slice = UnsafeBufferPointer(rebasing: buffer[lineStart..<lineEnd])
                if !slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    do {
                        let value = try JSONValue(parsing: slice)
                        if case .object = value {
                            records.append(SourcedRecord(record: value, line: lineNumber))
                        } else {
                            problems.append(Problem(line: lineNumber, message: "expected one JSON object per line, got \(value.typeName)"))
                        }
                    } catch let error as JSONSyntaxError {
                        problems.append(Problem(line: lineNumber, column: error.column, message: error.message))
                    } catch {
                        problems.append(Problem(line: lineNumber, message: "\(error)"))
                    }
                }
                if end >= buffer.count { break }
                start = end + 1
            }
        }
        if !problems.isEmpty { throw RecordFileError(path: path, problems: problems) }
        return records
    }

    static func readDocument(_ bytes: [UInt8], path: String, entityType: String) throws(RecordFileError) -> [SourcedRecord] {
        let value: JSONValue
        do { value = try JSONValue(parsing: bytes) } catch {
            throw RecordFileError(path: path, problems: [Problem(line: error.line, column: error.column, message: error.message)])
        }
        var items: [JSONValue]
        switch value {
        case .array(let a): items = a
        case .object(let o) where o["entities"] != nil:
            guard let typed = o["entities"]?[entityType]?.arrayValue else {
                throw RecordFileError(path: path, problems: [Problem(line: 1, message: "the envelope has no \"\(entityType)\" array under \"entities\"")])
            }
            items = typed
        case .object: items = [value]
        default:
            throw RecordFileError(path: path, problems: [Problem(line: 1, message: "expected an array of records, got \(value.typeName)")])
        }
        // Lines of each top-level element, found by a light scan of the text.
        let lines = elementLines(bytes, count: items.count)
        var problems: [Problem] = []
        var records: [SourcedRecord] = []
        records.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            let line = i < lines.count ? lines[i] : 1
            guard case .object = item else {
                problems.append(Problem(line: line, message: "record \(i + 1) is \(item.typeName), not an object"))
                continue
            }
            records.append(SourcedRecord(record: item, line: line))
        }
        if !problems.isEmpty { throw RecordFileError(path: path, problems: problems) }
        return records
    }

    /// The line each element of the outermost array starts on.
    static func elementLines(_ bytes: [UInt8], count: Int) -> [Int] {
        var lines: [Int] = []
        lines.reserveCapacity(count)
        var line = 1, depth = 0, inString = false, escaped = false, expectingElement = false
        for byte in bytes {
            if byte == 0x0A { line += 1 }
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "\""):
                if depth == 1 && expectingElement { lines.append(line); expectingElement = false }
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                if depth == 1 && expectingElement { lines.append(line); expectingElement = false }
                depth += 1
                if depth == 1 && byte == UInt8(ascii: "[") { expectingElement = true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            case UInt8(ascii: ","): if depth == 1 { expectingElement = true }
            default:
                if depth == 1 && expectingElement { lines.append(line); expectingElement = false }
            }
        }
        return lines
    }
}

/// A data file that cannot be pushed, with every problem found.
struct RecordFileError: Error {
    var path: String
    var problems: [RecordFile.Problem]

    /// `path:line:col: message` lines, at most 20.
    var lines: [String] {
        var out = problems.prefix(20).map { p -> String in
            if p.line == 0 { return "\(path): \(p.message)" }
            return "\(path):\(p.line)\(p.column.map { ":\($0)" } ?? ""): \(p.message)"
        }
        if problems.count > 20 { out.append("… and \(problems.count - 20) more problems") }
        return out
    }
}
