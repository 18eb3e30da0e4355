import Foundation
import PushLanguageServer
import PushSyntax
import Synchronization
import Testing

/// Framing, positions and the server's answers, in process. The same server
/// is driven by a real LSP client (pygls) in Tests/Python/test_lsp*.py.
@Suite struct FramingTests {
    func frames(_ bytes: [UInt8]) -> [Frame] {
        var reader = MessageReader.bytes(bytes)
        var out: [Frame] = []
        while true {
            let frame = reader.next()
            out.append(frame)
            if frame == .end { return out }
        }
    }

    @Test func splitsMessagesAndSkipsWhatIsNotOne() {
        let body = Array(#"{"a":1}"#.utf8)
        let good = Array("Content-Length: 7\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n".utf8) + body
        let result = frames(
            good + Array("X-Nothing: 1\r\n\r\n".utf8) + Array("content-length: 7\n\n".utf8) + body
                + Array("Content-Length: abc\r\n\r\n".utf8) + good)
        #expect(result.count == 6, "\(result)")
        #expect(result[0] == .message(body))
        if case .malformed = result[1] {} else { Issue.record("no Content-Length must be malformed") }
        #expect(result[2] == .message(body))
        if case .malformed = result[3] {} else { Issue.record("a non-numeric length must be malformed") }
        #expect(result[4] == .message(body))
        #expect(result.last == .end)
    }

    @Test func garbageWithoutHeadersIsSkippedUpToTheNextMessage() {
        let body = Array(#"{"b":2}"#.utf8)
        let garbage = [UInt8](repeating: 0xFF, count: 40_000)
        let result = frames(garbage + Array("Content-Length: 7\r\n\r\n".utf8) + body)
        #expect(result.contains(.message(body)))
        #expect(result.last == .end)
    }

    @Test func aHugeLengthIsRefusedNotAllocated() {
        let result = frames(Array("Content-Length: 999999999999\r\n\r\n{}".utf8))
        if case .malformed(let why) = result[0] { #expect(why.contains("larger")) } else { Issue.record("\(result)") }
    }
}

@Suite struct PositionTests {
    @Test func utf16ColumnsFromByteOffsets() {
        let text = "ab\nx😀日y\n"
        let table = LineTable(Array(text.utf8))
        // "y" is after 1 + 4 + 3 bytes on line 1; in UTF-16 after 1 + 2 + 1 units.
        let yOffset = 3 + 1 + 4 + 3
        #expect(table.position(ofByte: yOffset) == Position(line: 1, character: 4))
        #expect(table.byteOffset(of: Position(line: 1, character: 4)) == yOffset)
        #expect(table.byteOffset(of: Position(line: 1, character: 999)) == yOffset + 1)
        #expect(table.byteOffset(of: Position(line: 99, character: 0)) == text.utf8.count)
        #expect(table.byteOffset(of: Position(line: -1, character: -1)) == 0)
    }
}

/// What the server sent, as raw bodies (the writer runs on any thread).
final class Outbox: Sendable {
    let bodies = Mutex<[[UInt8]]>([])

    var messages: [[String: Any]] {
        bodies.withLock { $0 }.compactMap { bytes in
            guard let split = bytes.firstIndex(of: UInt8(ascii: "{")) else { return nil }
            return (try? JSONSerialization.jsonObject(with: Data(bytes[split...]))) as? [String: Any]
        }
    }
}

/// A server whose output is kept, fed whole messages.
final class ServerHarness {
    let outbox = Outbox()
    let server: LanguageServer

    init(files: [String: String] = [:]) {
        let outbox = self.outbox
        server = LanguageServer(
            writer: MessageWriter { bytes in outbox.bodies.withLock { $0.append(bytes) } },
            version: "test", readDisk: { path in files[path].map { Array($0.utf8) } },
            dataFile: { path in
                guard let text = files[path] else { return .missing }
                return .readable(csvHeader: text.split(separator: "\n").first.map { $0.split(separator: ",").map(String.init) })
            })
    }

    var sent: [[String: Any]] { outbox.messages }

    func send(_ message: [String: Any]) {
        server.handle([UInt8]((try? JSONSerialization.data(withJSONObject: message)) ?? Data()))
    }

    func request(_ id: Int, _ method: String, _ params: [String: Any]) -> [String: Any]? {
        send(["jsonrpc": "2.0", "id": id, "method": method, "params": params])
        return sent.last { ($0["id"] as? Int) == id }
    }

    func open(_ uri: String, _ text: String) {
        send([
            "jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": ["textDocument": ["uri": uri, "languageId": "push", "version": 1, "text": text]],
        ])
    }

    func diagnostics(for uri: String) -> [[String: Any]]? {
        sent.last {
            ($0["method"] as? String) == "textDocument/publishDiagnostics" && (($0["params"] as? [String: Any])?["uri"] as? String) == uri
        }
        .flatMap { ($0["params"] as? [String: Any])?["diagnostics"] as? [[String: Any]] }
    }
}

@Suite struct ServerTests {
    /// Data files are looked at as pushsh check does: a missing one, a map
    /// column the CSV header lacks.
    @Test func dataFilesAreCheckedAsPushshCheckDoes() throws {
        let harness = ServerHarness(files: ["/work/people.csv": "Employee ID,First\n1,A\n"])
        _ = harness.request(1, "initialize", ["capabilities": [:]])
        harness.open(
            "file:///work/load.push",
            "let s = start\npush s User from \"gone.jsonl\"\npush s User from \"people.csv\" map \"Employe ID\" to employeeId\n")
        let found = try #require(harness.diagnostics(for: "file:///work/load.push"))
        let messages = found.compactMap { $0["message"] as? String }
        #expect(messages.contains { $0.contains("gone.jsonl") }, "\(messages)")
        #expect(messages.contains { $0.contains("Employe ID") }, "\(messages)")
    }

    /// An unfinished line (here an unclosed bracket) hides none of the
    /// other statements' problems, before or after it (issue 21, item 7).
    @Test func anUnfinishedLineHidesNoOtherProblem() throws {
        let harness = ServerHarness(files: [:])
        _ = harness.request(1, "initialize", ["capabilities": [:]])
        harness.open(
            "file:///work/typing.push",
            "let s = start\nprint nope_before\npush s User [{\"employeeId\": \"E1\"}\nsleep 5\nprint nope_after\n")
        let found = try #require(harness.diagnostics(for: "file:///work/typing.push"))
        let lines = found.compactMap { diagnostic -> String? in
            guard let message = diagnostic["message"] as? String,
                let line = (diagnostic["range"] as? [String: [String: Int]])?["start"]?["line"]
            else { return nil }
            return "\(line): \(message.split(separator: "\n").first ?? "")"
        }
        #expect(lines.contains("1: undefined variable 'nope_before'"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("3: expected ',' or ']' after an array element") }, "\(lines)")
        #expect(lines.contains("3: 'sleep' needs a duration, and 5 has no unit"), "\(lines)")
        #expect(lines.contains("4: undefined variable 'nope_after'"), "\(lines)")
    }

    @Test func diagnosticsAreTheCheckersIncludingIncludedFiles() throws {
        let harness = ServerHarness(files: ["/work/lib.push": "sleep 5\n"])
        _ = harness.request(1, "initialize", ["capabilities": [:]])
        harness.open("file:///work/main.push", "include \"lib.push\"\nprint nope\n")
        let main = try #require(harness.diagnostics(for: "file:///work/main.push"))
        #expect(main.count == 2)
        // The included file's error is named at the include too, as pushsh check's note is.
        #expect(
            (main.first?["message"] as? String)?.hasPrefix("in the file included here: lib.push:1:7: 'sleep' needs a duration") == true,
            "\(main)")
        #expect(main.first?["severity"] as? Int == 3)
        #expect((main.first?["range"] as? [String: [String: Int]])?["start"] == ["line": 0, "character": 8])
        #expect((main.last?["message"] as? String)?.hasPrefix("undefined variable 'nope'") == true)
        let range = main.last?["range"] as? [String: [String: Int]]
        #expect(range?["start"] == ["line": 1, "character": 6])
        let library = try #require(harness.diagnostics(for: "file:///work/lib.push"))
        #expect(library.count == 1)
        // Closing the file clears what it published for its include.
        harness.send(["jsonrpc": "2.0", "method": "textDocument/didClose", "params": ["textDocument": ["uri": "file:///work/main.push"]]])
        #expect(harness.diagnostics(for: "file:///work/lib.push")?.isEmpty == true)
    }

    @Test func hoverCompletionDefinitionSymbols() throws {
        let harness = ServerHarness()
        _ = harness.request(1, "initialize", ["capabilities": [:]])
        let uri = "file:///work/flow.push"
        harness.open(uri, "let s = start\nwait s until processed\nfor x in [1]\n  print x\nend\n")
        let doc = ["uri": uri]
        let hover = harness.request(2, "textDocument/hover", ["textDocument": doc, "position": ["line": 1, "character": 1]])
        let contents = (hover?["result"] as? [String: Any])?["contents"] as? [String: Any]
        #expect((contents?["value"] as? String) == CommandCatalog.helpText(for: "wait"))
        let completion = harness.request(3, "textDocument/completion", ["textDocument": doc, "position": ["line": 1, "character": 13]])
        let items = ((completion?["result"] as? [String: Any])?["items"] as? [[String: Any]])?.compactMap { $0["label"] as? String }
        #expect(items == SessionStateName.allCases.map(\.rawValue).sorted())
        let definition = harness.request(4, "textDocument/definition", ["textDocument": doc, "position": ["line": 3, "character": 8]])
        let range = (definition?["result"] as? [String: Any])?["range"] as? [String: [String: Int]]
        #expect(range?["start"] == ["line": 2, "character": 4])
        let symbols = harness.request(5, "textDocument/documentSymbol", ["textDocument": doc])?["result"] as? [[String: Any]]
        #expect(symbols?.compactMap { $0["name"] as? String } == ["s", "x"])
        #expect(symbols?.first?["detail"] as? String == "session")
    }

    @Test func malformedRequestsGetErrorsAndExitCodesFollowTheProtocol() {
        let harness = ServerHarness()
        let early = harness.request(1, "textDocument/hover", [:])
        #expect((early?["error"] as? [String: Any])?["code"] as? Int == -32002)
        _ = harness.request(2, "initialize", ["capabilities": [:]])
        let unknown = harness.request(3, "nope", [:])
        #expect((unknown?["error"] as? [String: Any])?["code"] as? Int == -32601)
        let bad = harness.request(4, "textDocument/definition", ["position": ["line": "x"]])
        #expect((bad?["error"] as? [String: Any])?["code"] as? Int == -32602)
        harness.server.handle(Array("{not json".utf8))
        #expect((harness.sent.last?["error"] as? [String: Any])?["code"] as? Int == -32700)
        _ = harness.request(5, "shutdown", [:])
        harness.send(["jsonrpc": "2.0", "method": "exit"])
        #expect(harness.server.outcome == .exit(0))
    }
}
