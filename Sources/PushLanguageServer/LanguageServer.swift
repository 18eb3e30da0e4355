import Foundation
import PushSyntax

/// `pushsh lsp`: a Language Server (LSP 3.17) for `.push` files over
/// JSON-RPC. It reads scripts and included files, never the network.
///
/// It answers every request, even a malformed one (with a JSON-RPC error),
/// and a broken document (a file being typed is broken most of the time)
/// only ever gives diagnostics.
public final class LanguageServer {
    /// What `exit` (or the end of the input) asks the process to exit with:
    /// 0 after `shutdown`, 1 without it, as the protocol says.
    public enum Outcome: Equatable, Sendable {
        case running
        case exit(Int32)
    }

    let writer: MessageWriter
    let version: String
    /// Open documents by URI.
    var documents: [String: OpenDocument] = [:]
    /// URIs each open document published diagnostics for (itself and its includes).
    var published: [String: Set<String>] = [:]
    var initialized = false
    var shuttingDown = false
    /// Names defined from outside (`initializationOptions.variables`, like `pushsh check --var`).
    var predefined: Set<String> = []
    /// Reads a file from disk (tests give their own).
    let readDisk: (String) -> [UInt8]?
    /// Looks at a data file (`push ... from`), as `pushsh check` does: there,
    /// readable, its CSV header. The composition root gives the run time's
    /// own look (`ScriptFiles.dataFile`); nil leaves data files unchecked.
    let dataFile: ((String) -> CheckFiles.DataFile)?
    /// Reads a data file's records as `pushsh check` does (``ScriptFiles/records(_:)``);
    /// nil leaves records unread. Answers are kept per file version, so typing
    /// does not read a large file again at each key.
    let records: ((DataFileRecords) -> [Diagnostic])?
    var recordsSeen: [String: [Diagnostic]] = [:]
    public private(set) var outcome: Outcome = .running

    public init(
        writer: MessageWriter, version: String, readDisk: @escaping (String) -> [UInt8]? = LanguageServer.readFromDisk,
        dataFile: ((String) -> CheckFiles.DataFile)? = nil, records: ((DataFileRecords) -> [Diagnostic])? = nil
    ) {
        self.writer = writer
        self.version = version
        self.readDisk = readDisk
        self.dataFile = dataFile
        self.records = records
    }

    /// `records`, remembered by what the answer depends on: the file's size
    /// and modification time and how it is read (not where the push is
    /// written: the diagnostics are moved to the push's place).
    func cachedRecords(_ request: DataFileRecords) -> [Diagnostic] {
        guard let records else { return [] }
        let attributes = try? FileManager.default.attributesOfItem(atPath: request.path)
        let stamp =
            "\((attributes?[.size] as? NSNumber)?.intValue ?? -1)@\((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        let key = [
            request.path, stamp, request.written, request.entityType, request.format?.rawValue ?? "-",
            request.renames.map { "\($0.from)>\($0.to)" }.joined(separator: ","), request.mappingFile ?? "-", "\(request.skip)",
            "\(request.settings)", request.inlineJSON ?? "-",
        ].joined(separator: "|")
        let found = recordsSeen[key] ?? records(request)
        if recordsSeen.count > 64 { recordsSeen.removeAll() }
        recordsSeen[key] = found
        return found.map { diagnostic in
            var moved = diagnostic
            moved.range = request.range
            return moved
        }
    }

    /// Reads a regular file; nil for a folder, a missing or unreadable file.
    public static func readFromDisk(_ path: String) -> [UInt8]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = FileManager.default.contents(atPath: path)
        else { return nil }
        return [UInt8](data)
    }

    /// Serves until `exit` or the end of the input; returns the exit code.
    public func serve(_ reader: inout MessageReader) -> Int32 {
        while true {
            switch reader.next() {
            case .end:
                return shuttingDown ? 0 : 1
            case .malformed(let why):
                sendError(id: NSNull(), RPCError(.parseError, why))
            case .message(let body):
                handle(body)
                if case .exit(let code) = outcome { return code }
            }
        }
    }

    /// Handles one message body.
    public func handle(_ body: [UInt8]) {
        guard let json = JSONBody.parse(body) else {
            sendError(id: NSNull(), RPCError(.parseError, "the message is not JSON"))
            return
        }
        if let batch = json as? [Any] {
            // JSON-RPC batches are not part of LSP, but each member is still answered.
            if batch.isEmpty { sendError(id: NSNull(), RPCError(.invalidRequest, "an empty batch")) }
            for member in batch { handleMessage(member) }
            return
        }
        handleMessage(json)
    }

    func handleMessage(_ json: Any) {
        guard let message = json as? JSONObject else {
            sendError(id: NSNull(), RPCError(.invalidRequest, "a message must be a JSON object"))
            return
        }
        let id = message["id"]
        if let id, !(id is String || id is NSNull || message.integer("id") != nil) {
            sendError(id: NSNull(), RPCError(.invalidRequest, "the id must be a number or a string"))
            return
        }
        guard let method = message.string("method") else {
            // A response to something we sent (we send no requests), or nonsense.
            if id != nil && message["result"] == nil && message["error"] == nil {
                sendError(id: id ?? NSNull(), RPCError(.invalidRequest, "a request needs a method"))
            }
            return
        }
        let params = message["params"]
        if let id {
            do {
                let result = try request(method, params: params)
                send(["jsonrpc": "2.0", "id": id, "result": result])
            } catch {
                sendError(id: id, error)
            }
        } else {
            notification(method, params: params)
        }
    }

    // MARK: Requests

    func request(_ method: String, params: Any?) throws(RPCError) -> Any {
        if method == "initialize" {
            return initialize(params as? JSONObject ?? [:])
        }
        guard initialized else { throw RPCError(.serverNotInitialized, "initialize first") }
        if shuttingDown { throw RPCError(.invalidRequest, "the server is shutting down; only exit is accepted") }
        switch method {
        case "shutdown":
            shuttingDown = true
            return NSNull()
        case "textDocument/completion":
            let (document, offset) = try locate(params)
            return completion(in: document, at: offset)
        case "textDocument/hover":
            let (document, offset) = try locate(params)
            return hover(in: document, at: offset) ?? NSNull()
        case "textDocument/definition":
            let (document, offset) = try locate(params)
            return definition(in: document, at: offset) ?? NSNull()
        case "textDocument/documentSymbol":
            guard let params = params as? JSONObject, let uri = params.object("textDocument")?.string("uri") else {
                throw RPCError(.invalidParams, "textDocument.uri is missing")
            }
            guard let document = documents[uri] else { throw RPCError(.invalidParams, "\(uri) is not open") }
            return symbols(in: document)
        default:
            throw RPCError(.methodNotFound, "\(method) is not supported")
        }
    }

    func initialize(_ params: JSONObject) -> Any {
        initialized = true
        if let names = params.object("initializationOptions")?.array("variables") {
            predefined = Set(names.compactMap { $0 as? String })
        }
        return [
            "capabilities": [
                "positionEncoding": "utf-16",
                "textDocumentSync": ["openClose": true, "change": 1, "save": ["includeText": false]],
                "completionProvider": ["triggerCharacters": [" ", "\"", "/"], "resolveProvider": false],
                "hoverProvider": true,
                "definitionProvider": true,
                "documentSymbolProvider": true,
            ] as JSONObject,
            "serverInfo": ["name": "pushsh", "version": version],
        ] as JSONObject
    }

    /// The open document and byte offset a `TextDocumentPositionParams` names.
    func locate(_ params: Any?) throws(RPCError) -> (OpenDocument, Int) {
        guard let params = params as? JSONObject, let uri = params.object("textDocument")?.string("uri"),
            let position = params.object("position"), let line = position.integer("line"),
            let character = position.integer("character")
        else { throw RPCError(.invalidParams, "textDocument.uri and position {line, character} are needed") }
        guard let document = documents[uri] else { throw RPCError(.invalidParams, "\(uri) is not open") }
        let offset = document.analysis.lines.byteOffset(of: Position(line: line, character: character))
        return (document, offset)
    }

    // MARK: Notifications

    func notification(_ method: String, params: Any?) {
        if method == "exit" {
            outcome = .exit(shuttingDown ? 0 : 1)
            return
        }
        guard initialized, !shuttingDown else { return }
        let params = params as? JSONObject ?? [:]
        let uri = params.object("textDocument")?.string("uri")
        switch method {
        case "textDocument/didOpen":
            guard let item = params.object("textDocument"), let uri, let text = item.string("text") else { return }
            documents[uri] = document(uri: uri, text: text, version: item.integer("version"))
            publishDiagnostics(uri)
        case "textDocument/didChange":
            guard let uri, let document = documents[uri], let changes = params.array("contentChanges") else { return }
            var text = document.text
            for case let change as JSONObject in changes {
                guard let newText = change.string("text") else { continue }
                if let range = change.object("range"), let start = range.object("start"), let end = range.object("end"),
                    let startLine = start.integer("line"), let startCharacter = start.integer("character"),
                    let endLine = end.integer("line"), let endCharacter = end.integer("character")
                {
                    // Incremental changes are applied too, though the server asks for whole texts.
                    let table = LineTable(Array(text.utf8))
                    let from = table.byteOffset(of: Position(line: startLine, character: startCharacter))
                    let to = max(from, table.byteOffset(of: Position(line: endLine, character: endCharacter)))
                    var bytes = Array(text.utf8)
                    bytes.replaceSubrange(from..<to, with: Array(newText.utf8))
                    text = String(decoding: bytes, as: UTF8.self)
                } else {
                    text = newText
                }
            }
            documents[uri] = self.document(uri: uri, text: text, version: params.object("textDocument")?.integer("version"))
            publishDiagnostics(uri)
        case "textDocument/didSave":
            guard let uri, documents[uri] != nil else { return }
            analyze(uri)
        case "textDocument/didClose":
            guard let uri else { return }
            documents[uri] = nil
            for target in published.removeValue(forKey: uri) ?? [] where documents[target] == nil {
                publish(target, [], lines: LineTable([]))
            }
            reanalyzeIncluders(of: uri)
        default:
            break  // $/cancelRequest, $/setTrace, initialized, workspace/...: nothing to do
        }
    }

    // MARK: Diagnostics

    /// An open document, analysed with open buffers and the disk for its includes.
    func document(uri: String, text: String, version: Int?) -> OpenDocument {
        let source = SourceFile(name: DocumentURI.path(of: uri) ?? uri, text: text)
        let records: ((DataFileRecords) -> [Diagnostic])? = self.records == nil ? nil : { [unowned self] in self.cachedRecords($0) }
        let analysis = DocumentAnalysis(source: source, predefined: predefined, dataFile: dataFile, records: records) {
            [unowned self] path in
            self.openText(ofPath: path) ?? self.readDisk(path)
        }
        return OpenDocument(uri: uri, text: text, version: version, analysis: analysis)
    }

    /// Analyses an open document again (an included file changed, or it was saved) and publishes.
    func analyze(_ uri: String, followIncluders: Bool = true) {
        guard let document = documents[uri] else { return }
        documents[uri] = self.document(uri: uri, text: document.text, version: document.version)
        publishDiagnostics(uri, followIncluders: followIncluders)
    }

    /// Publishes an open document's diagnostics, and those of the files it
    /// includes, each to its own URI.
    func publishDiagnostics(_ uri: String, followIncluders: Bool = true) {
        guard let document = documents[uri] else { return }
        let analysis = document.analysis
        var byFile: [String: [Diagnostic]] = [document.source.name: []]
        for diagnostic in Self.atIncludeSites(analysis.diagnostics, in: document.source.name) {
            byFile[diagnostic.range.file, default: []].append(diagnostic)
        }
        var targets: Set<String> = []
        for (file, diagnostics) in byFile {
            let target = file == document.source.name ? uri : DocumentURI.from(path: file)
            // An open included file speaks for itself.
            if target != uri && documents[target] != nil { continue }
            targets.insert(target)
            let source = analysis.sources[file] ?? document.source
            publish(target, diagnostics, lines: LineTable(source), version: target == uri ? document.version : nil)
        }
        for stale in (published[uri] ?? []).subtracting(targets) where documents[stale] == nil {
            publish(stale, [], lines: LineTable([]))
        }
        published[uri] = targets
        if followIncluders { reanalyzeIncluders(of: uri) }
    }

    /// `pushsh check` follows a problem in an included file with a note at
    /// the `include` ("in the file included here"). An editor shows the open
    /// file, so there the note says what the problem is and where (it stays a
    /// note, severity Information: the errors are exactly pushsh check's).
    static func atIncludeSites(_ diagnostics: [Diagnostic], in file: String) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var previous: Diagnostic?
        for diagnostic in diagnostics {
            defer { if diagnostic.severity != .note { previous = diagnostic } }
            guard diagnostic.severity == .note, diagnostic.range.file == file, let cause = previous, cause.range.file != file else {
                out.append(diagnostic)
                continue
            }
            var atInclude = diagnostic
            let name = (cause.range.file as NSString).lastPathComponent
            atInclude.message = "in the file included here: \(name):\(cause.range.start.line):\(cause.range.start.column): \(cause.message)"
            atInclude.hint = cause.hint
            out.append(atInclude)
        }
        return out
    }

    /// Files that include a changed one are checked again (its names and errors are theirs too).
    func reanalyzeIncluders(of uri: String) {
        guard let path = DocumentURI.path(of: uri) else { return }
        for (other, document) in documents where other != uri && document.analysis.sources[path] != nil {
            analyze(other, followIncluders: false)
        }
    }

    func openText(ofPath path: String) -> [UInt8]? {
        documents[DocumentURI.from(path: path)].map { Array($0.text.utf8) }
    }

    func publish(_ uri: String, _ diagnostics: [Diagnostic], lines: LineTable, version: Int? = nil) {
        var params: JSONObject = ["uri": uri, "diagnostics": diagnostics.map { diagnostic(json: $0, lines: lines) }]
        if let version { params["version"] = version }
        send(["jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": params])
    }

    func diagnostic(json diagnostic: Diagnostic, lines: LineTable) -> JSONObject {
        let severity: Int
        switch diagnostic.severity {
        case .error: severity = 1
        case .warning: severity = 2
        case .note: severity = 3
        }
        var message = diagnostic.message
        for detail in diagnostic.details.prefix(40) { message += "\n  " + detail }
        if let hint = diagnostic.hint { message += "\nhint: " + hint }
        return ["range": json(lines.range(of: diagnostic.range)), "severity": severity, "source": "pushsh", "message": message]
    }

    // MARK: Sending

    func send(_ message: JSONObject) {
        guard let body = JSONBody.encode(message) else { return }
        writer.send(body)
    }

    func sendError(id: Any, _ error: RPCError) {
        send(["jsonrpc": "2.0", "id": id, "error": ["code": error.code.rawValue, "message": error.message] as JSONObject])
    }
}

/// A document the client has open: its text, version and latest analysis.
struct OpenDocument {
    let uri: String
    let text: String
    let version: Int?
    let analysis: DocumentAnalysis

    var source: SourceFile { analysis.source }
}

/// `file://` URIs and the paths diagnostics carry.
enum DocumentURI {
    /// The file system path of a `file:` URI; nil for other schemes (`untitled:`).
    static func path(of uri: String) -> String? {
        guard uri.hasPrefix("file:"), let url = URL(string: uri), url.isFileURL else { return nil }
        let path = url.path
        return path.isEmpty ? nil : SourceFile.normalize(path)
    }

    /// The `file://` URI of an absolute path (relative ones are taken from the current folder).
    static func from(path: String) -> String {
        URL(fileURLWithPath: path).absoluteString
    }
}

func json(_ range: (start: Position, end: Position)) -> JSONObject {
    ["start": json(range.start), "end": json(range.end)]
}

func json(_ position: Position) -> JSONObject {
    ["line": position.line, "character": position.character]
}
