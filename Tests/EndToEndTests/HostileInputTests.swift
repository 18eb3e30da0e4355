import Foundation
import Testing

/// Hostile input: malformed scripts and data files, each run by the built
/// binary, which must answer with the expected exit code and message, with a
/// place, and never crash.
///
/// The cases live in `Tests/Corpus/`, one `NNN-name.expect` file each (see
/// `Tests/Corpus/README.md` for its lines); adding a case needs no Swift.
@Suite struct HostileInputTests {
    @Test(arguments: CorpusCase.all)
    func corpusCase(_ corpusCase: CorpusCase) throws {
        for problem in corpusCase.problems {
            Issue.record("\(corpusCase.name).expect: \(problem)")
        }
        try #require(corpusCase.problems.isEmpty)
        try #require(FileManager.default.isExecutableFile(atPath: Binary.path), "no binary at \(Binary.path)")

        let (directory, arguments, cleanup) = try corpusCase.prepare()
        defer { cleanup() }
        let run = try Corpus.launch(arguments, stdin: corpusCase.stdinPath, directory: directory, timeout: corpusCase.timeout)
        let out = String(decoding: run.stdout, as: UTF8.self)
        let err = String(decoding: run.stderr, as: UTF8.self)
        // What to show on a failure: the run, and stderr without the -v trace.
        let errors = err.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("> ") && !$0.hasPrefix("< ") }.joined(separator: "\n")
        let shown = """
            pushsh \(arguments.joined(separator: " ")) (in \(directory.path)) → \(run.describedStatus)
            --- stderr (trace left out; first 3000 bytes) ---
            \(errors.prefix(3000))
            --- stdout (first 1000 bytes) ---
            \(out.prefix(1000))
            """
        let name = corpusCase.name

        // Never a crash, a hang, or an exit code outside the documented ones.
        let exitedInRange = run.exited && (0...7).contains(run.status)
        #expect(!run.timedOut, "\(name): still running after \(Int(corpusCase.timeout))s\n\(shown)")
        #expect(exitedInRange, "\(name): a crash or an exit code outside 0–7\n\(shown)")
        for crash in Corpus.crashMarkers where out.contains(crash) || err.contains(crash) {
            Issue.record("\(name): the output shows a crash (\(crash))\n\(shown)")
        }

        let rightCode = run.exited && run.status == corpusCase.exit
        #expect(rightCode, "\(name): expected exit \(corpusCase.exit)\n\(shown)")
        for text in corpusCase.stderr where !err.contains(text) {
            Issue.record("\(name): standard error lacks \(text.debugDescription)\n\(shown)")
        }
        for text in corpusCase.stdout where !out.contains(text) {
            Issue.record("\(name): standard output lacks \(text.debugDescription)\n\(shown)")
        }
        for text in corpusCase.absent where out.contains(text) || err.contains(text) {
            Issue.record("\(name): the output has \(text.debugDescription)\n\(shown)")
        }
        let size = run.stdout.count + run.stderr.count
        let boundedOutput = size <= corpusCase.maxOutput
        #expect(boundedOutput, "\(name): \(size) bytes of output, more than \(corpusCase.maxOutput)\n\(shown)")
        if corpusCase.nothingSent {
            // Run with -v: every request is traced, so a sent page shows as `> POST …/entities`
            // (and a refused one as `page N: POST …/entities` in the error).
            let sent = (out + "\n" + err).split(separator: "\n").filter { $0.contains("POST") && $0.contains("/entities") }
            let nothingSent = sent.isEmpty
            #expect(nothingSent, "\(name): a page was sent: \(sent.prefix(3).joined(separator: " | "))\n\(shown)")
        }
    }

    @Test func corpusIsWellFormed() throws {
        let cases = CorpusCase.all
        #expect(cases.count >= 40, "only \(cases.count) cases in \(Corpus.directory.path)")
        let files = try FileManager.default.contentsOfDirectory(atPath: Corpus.directory.path).filter { $0 != "README.md" }
        var prefixes: [String: String] = [:]
        for c in cases {
            if let other = prefixes[c.prefix] { Issue.record("\(c.name) and \(other) share the prefix \(c.prefix)") }
            prefixes[c.prefix] = c.name
            if c.arguments == nil {
                #expect(files.contains(c.name + ".push"), "\(c.name).expect has no \(c.name).push and no args: line")
            }
        }
        for file in files where !file.hasSuffix(".expect") {
            let prefix = String(file.prefix(4))
            #expect(prefixes[prefix] != nil, "\(file) belongs to no case: no \(prefix)*.expect")
        }
    }
}

/// One case of the corpus, read from its `.expect` file.
struct CorpusCase: Sendable, CustomTestStringConvertible {
    struct Expansion: Sendable {
        var token: [UInt8]
        var count: Int
        var text: [UInt8]
    }

    var name: String
    var exit: Int32 = -1
    var stderr: [String] = []
    var stdout: [String] = []
    var absent: [String] = []
    /// nil: just the case's `.push` file.
    var arguments: [String]?
    var stdinPath: String?
    var expansions: [Expansion] = []
    var nothingSent = false
    var maxOutput = 65_536
    var timeout: TimeInterval = 180
    var problems: [String] = []

    var testDescription: String { name }
    /// `NNN-`: the files of the case start with it.
    var prefix: String { String(name.prefix(4)) }

    static let all: [CorpusCase] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Corpus.directory.path)) ?? []
        return names.filter { $0.hasSuffix(".expect") }.sorted().map { file in
            let name = String(file.dropLast(".expect".count))
            let url = Corpus.directory.appendingPathComponent(file)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                return CorpusCase(name: name, problems: ["cannot be read as UTF-8"])
            }
            return CorpusCase(name: name, expectations: text)
        }
    }()

    init(name: String, problems: [String]) {
        self.name = name
        self.problems = problems
    }

    init(name: String, expectations: String) {
        self.name = name
        var sawExit = false
        for (index, raw) in expectations.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw[...]
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                problems.append("line \(index + 1): expected 'key: value'")
                continue
            }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            var value = String(line[line.index(after: colon)...])
            if value.hasPrefix(" ") { value.removeFirst() }
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            switch key {
            case "exit":
                guard let code = Int32(trimmed) else {
                    problems.append("line \(index + 1): exit needs a number")
                    continue
                }
                exit = code
                sawExit = true
            case "stderr": stderr.append(Corpus.unescape(value))
            case "stdout": stdout.append(Corpus.unescape(value))
            case "not": absent.append(Corpus.unescape(value))
            case "args": arguments = trimmed.split(separator: " ").map(String.init)
            case "stdin": stdinPath = Corpus.directory.appendingPathComponent(trimmed).path
            case "sent":
                guard trimmed == "nothing" else {
                    problems.append("line \(index + 1): the only sent: is 'sent: nothing'")
                    continue
                }
                nothingSent = true
            case "max-output":
                guard let n = Int(trimmed) else {
                    problems.append("line \(index + 1): max-output needs a number of bytes")
                    continue
                }
                maxOutput = n
            case "timeout":
                guard let n = TimeInterval(trimmed) else {
                    problems.append("line \(index + 1): timeout needs seconds")
                    continue
                }
                timeout = n
            case "expand":
                let parts = value.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
                guard parts.count == 3, !parts[0].isEmpty, let count = Int(parts[1]), count >= 0 else {
                    problems.append("line \(index + 1): expected 'expand: TOKEN COUNT TEXT'")
                    continue
                }
                expansions.append(Expansion(token: Array(parts[0].utf8), count: count, text: Array(Corpus.unescape(String(parts[2])).utf8)))
            default:
                problems.append("line \(index + 1): unknown key '\(key)'")
            }
        }
        if !sawExit { problems.append("no 'exit:' line") }
    }

    /// The folder to run in, the arguments, and what to remove afterwards.
    /// Cases with `expand:` run on copies of their files in a temporary folder.
    func prepare() throws -> (URL, [String], @Sendable () -> Void) {
        var directory = Binary.root
        var folder = "Tests/Corpus"
        var cleanup: @Sendable () -> Void = {}
        if !expansions.isEmpty {
            let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-corpus-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
            cleanup = { try? FileManager.default.removeItem(at: temporary) }
            let files = try FileManager.default.contentsOfDirectory(atPath: Corpus.directory.path)
            for file in files where file.hasPrefix(prefix) && !file.hasSuffix(".expect") {
                var bytes = [UInt8](try Data(contentsOf: Corpus.directory.appendingPathComponent(file)))
                for expansion in expansions { bytes = Corpus.expand(bytes, expansion) }
                try Data(bytes).write(to: temporary.appendingPathComponent(file))
            }
            directory = temporary
            folder = "."
        }
        var arguments = (self.arguments ?? ["{file}"]).map {
            $0.replacingOccurrences(of: "{file}", with: "\(folder)/\(name).push").replacingOccurrences(of: "{dir}", with: folder)
        }
        if nothingSent && !arguments.contains("-v") { arguments.insert("-v", at: 0) }
        return (directory, arguments, cleanup)
    }
}

enum Corpus {
    static let directory = Binary.root.appendingPathComponent("Tests/Corpus")

    /// What a crashed Swift program prints.
    static let crashMarkers = ["Fatal error", "Segmentation", "Swift runtime failure", "*** Signal", "Illegal instruction"]

    struct Outcome {
        var stdout: Data
        var stderr: Data
        var status: Int32
        var exited: Bool
        var timedOut: Bool

        var describedStatus: String {
            timedOut ? "timed out" : exited ? "exit \(status)" : "signal \(status)"
        }
    }

    /// `\n`, `\t` and `\\` in an expectation or an expansion.
    static func unescape(_ text: String) -> String {
        var result = ""
        var escaped = false
        for c in text {
            if escaped {
                switch c {
                case "n": result.append("\n")
                case "t": result.append("\t")
                default: result.append(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                result.append(c)
            }
        }
        if escaped { result.append("\\") }
        return result
    }

    /// Every occurrence of the token replaced by COUNT copies of the text.
    static func expand(_ bytes: [UInt8], _ expansion: CorpusCase.Expansion) -> [UInt8] {
        let token = expansion.token
        guard !token.isEmpty, bytes.count >= token.count else { return bytes }
        let filler: [UInt8] =
            expansion.text.count == 1
            ? [UInt8](repeating: expansion.text[0], count: expansion.count)
            : [[UInt8]](repeating: expansion.text, count: expansion.count).flatMap { $0 }
        var result: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if i + token.count <= bytes.count, bytes[i..<(i + token.count)].elementsEqual(token) {
                result.append(contentsOf: filler)
                i += token.count
            } else {
                result.append(bytes[i])
                i += 1
            }
        }
        return result
    }

    /// Runs the binary with stdout and stderr apart, standard input from a file
    /// (or empty), and a deadline: a hang is a failure, not a stuck test run.
    static func launch(_ arguments: [String], stdin: String?, directory: URL, timeout: TimeInterval) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = arguments
        process.environment = Binary.environment()
        process.currentDirectoryURL = directory
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        // A file, not a pipe: a child that exits without reading cannot give us SIGPIPE.
        let input = FileHandle(forReadingAtPath: stdin ?? "/dev/null")
        process.standardInput = input
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        let outData = UnsafeSendableBox(Data())
        let errData = UnsafeSendableBox(Data())
        let outHandle = out.fileHandleForReading
        let errHandle = err.fileHandleForReading
        let readers = DispatchGroup()
        readers.enter()
        DispatchQueue.global().async {
            outData.value = outHandle.readDataToEndOfFile()
            readers.leave()
        }
        readers.enter()
        DispatchQueue.global().async {
            errData.value = errHandle.readDataToEndOfFile()
            readers.leave()
        }
        var timedOut = false
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.terminate()
            if finished.wait(timeout: .now() + 5) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                finished.wait()
            }
        }
        readers.wait()
        try? input?.close()
        return Outcome(
            stdout: outData.value, stderr: errData.value, status: process.terminationStatus,
            exited: process.terminationReason == .exit, timedOut: timedOut)
    }
}
