import Foundation
import PushSyntax

/// What the checker may look at on disk before a script runs.
public enum ScriptFiles {
    /// The checker's view of the disk; `collect` is given each included file
    /// read, so its lines can be shown in messages.
    public static func checkFiles(collect: @escaping (SourceFile) -> Void) -> CheckFiles {
        var files = CheckFiles(
            loadInclude: { path in
                guard let bytes = FileManager.default.contents(atPath: path) else { throw CocoaError(.fileNoSuchFile) }
                let included = SourceFile(name: path, bytes: [UInt8](bytes))
                collect(included)
                return included
            },
            dataFile: dataFile)
        // Data files' records too: a bad record is known before the run.
        files.records = records
        files.folderEntries = { folder in (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? [] }
        return files
    }

    /// Whether a data file is there and readable; for CSV, its header's
    /// column names (only the first line is read).
    public static func dataFile(_ path: String) -> CheckFiles.DataFile {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return .missing }
        if isFolder.boolValue { return .folder }
        guard let handle = FileHandle(forReadingAtPath: path) else { return .unreadable }
        defer { try? handle.close() }
        // Read for every file: the checker uses it only where the format is CSV.
        let head = (try? handle.read(upToCount: 65_536)) ?? Data()
        return .readable(csvHeader: CSVHeader.names(in: [UInt8](head)))
    }
}

/// The column names of a CSV's first line, as `CSVStream` reads them
/// (trimmed, without a BOM); nil when the first line does not end within the bytes given.
enum CSVHeader {
    static func names(in bytes: [UInt8]) -> [String]? {
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var ended = false
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inQuotes = true
            case UInt8(ascii: ","):
                fields.append(String(decoding: field, as: UTF8.self))
                field = []
            case UInt8(ascii: "\n"):
                ended = true
            case UInt8(ascii: "\r"): break
            default: field.append(byte)
            }
            if ended { break }
        }
        guard ended || index >= bytes.count, bytes.count < 65_536 || ended else { return nil }
        fields.append(String(decoding: field, as: UTF8.self))
        return fields.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
