import ArgumentParser
import BuiltInSandbox
import Foundation
import HTTPConnections
import PushAPI
import PushScript
import PushSyntax
import Synchronization

/// `pushsh test a.push b.push ...` (or `pushsh --test ...`): scripts as tests, for CI.
struct TestScripts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run scripts as tests: one line per script, a summary, JUnit or TAP reports for CI.",
        discussion: """
            Each script runs in a fresh state: its own interpreter and, without credentials, its own \
            built-in sandbox. A script passes when it exits \(ScriptExit.ok.rawValue). The exit code is \
            \(ScriptExit.ok.rawValue) when every script passed, else the exit code of the first one that \
            failed (\(ScriptExit.expectFailed.rawValue) for an expect, \(ScriptExit.refused.rawValue) for a \
            refused request, ...). Reports hold one test case per script: its duration, and for a failure \
            the error with its file:line:col and the script's output; the API key is redacted as \
            everywhere. CI set-ups: docs/ci.md in the pushsh source.
            """)

    @Argument(help: "The scripts to run, in order.")
    var files: [String]

    @Option(name: .customLong("report-junit"), help: "Write a JUnit XML report to this file.")
    var junit: String?

    @Option(name: .customLong("report-tap"), help: "Write a TAP (version 13) report to this file.")
    var tap: String?

    @Option(name: .customLong("var"), help: "Define a variable for every script: NAME=VALUE (repeatable).")
    var variables: [String] = []

    @Flag(help: "Print every script's output, not only that of the ones that fail.")
    var showOutput = false

    @Flag(
        name: .customLong("sandbox-only"),
        help:
            "Run on the built-in sandbox only: refuse SPRINTO_* settings that name a service (before any script runs) and fail a script's connect url, region or profile (exit \(ScriptExit.usage.rawValue))."
    )
    var sandboxOnly = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one script: pushsh test a.push b.push") }
        for definition in variables where ScriptVariables.parse(definition) == nil {
            throw ValidationError("--var takes NAME=VALUE with NAME a word (got \"\(definition)\")")
        }
    }

    /// `pushsh --test a.push` is `pushsh test a.push` (the form Hurl users know).
    static func rewriting(_ arguments: [String]) -> [String] {
        guard arguments.first == "--test" else { return arguments }
        return ["test"] + arguments.dropFirst()
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        if sandboxOnly, let configuration = try? PushConfiguration.fromEnvironment(environment) {
            Terminal.warn(
                "pushsh test: --sandbox-only, but SPRINTO_API_KEY and SPRINTO_INTEGRATION_ID name a service (\(configuration.baseURL)); "
                    + "nothing was run. Unset them to test on the built-in sandbox, or drop --sandbox-only")
            throw ArgumentParser.ExitCode(.usage)
        }
        // The report shows when it started (the wall clock); how long it took is
        // measured on the monotonic clock: a wall-clock step must not make a suite take hours.
        let started = Date()
        let stopwatch = Stopwatch.monotonic()
        var results: [ScriptResult] = []
        for file in files {
            let result = await ScriptResult.run(
                file, environment: environment, variables: variables, sandboxOnly: sandboxOnly ? "--sandbox-only" : nil)
            results.append(result)
            Terminal.line(result.summaryLine)
            if showOutput || !result.passed {
                let shown = (showOutput ? result.output : "") + result.errors
                for line in shown.split(separator: "\n", omittingEmptySubsequences: false).dropLast(shown.hasSuffix("\n") ? 1 : 0) {
                    Terminal.line("    " + line)
                }
            }
        }
        let elapsed = Double(stopwatch.elapsed.wholeMilliseconds) / 1000
        let failed = results.filter { !$0.passed }.count
        Terminal.line(
            "\(results.count) script\(results.count == 1 ? "" : "s"): \(results.count - failed) passed, \(failed) failed (\(TestReport.seconds(elapsed))s)"
        )
        let report = TestReport(results: results, started: started, elapsed: elapsed)
        var reportFailed = false
        for (path, text) in [(junit, report.junit), (tap, report.tap)] {
            guard let path else { continue }
            do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                Terminal.warn("pushsh: cannot write the report \(path): \(error.localizedDescription)")
                reportFailed = true
            }
        }
        if let first = results.first(where: { !$0.passed }) { throw ArgumentParser.ExitCode(first.exitCode) }
        if reportFailed { throw ArgumentParser.ExitCode(.usage) }
    }
}

/// What running one script gave.
struct ScriptResult {
    var file: String
    var exitCode: Int32
    var seconds: Double
    /// What the script printed on its standard output and error stream (keys redacted).
    var output: String
    var errors: String
    /// For a failure: `file:line:col: message`, or what is known without a place.
    var failure: String?
    var location: SourceRange?

    var passed: Bool { exitCode == ScriptExit.ok.rawValue }

    /// `ok    a.push  0.01s` or `FAIL  b.push  0.02s  exit 4: b.push:3:8: ...`.
    var summaryLine: String {
        let time = TestReport.seconds(seconds) + "s"
        guard !passed else { return "ok    \(file)  \(time)" }
        return "FAIL  \(file)  \(time)  exit \(exitCode): \(failure ?? "failed")"
    }

    /// Whether the failure is the script's own verdict (an expect, a wait) rather than an error.
    var isAssertion: Bool { exitCode == ScriptExit.expectFailed.rawValue || exitCode == ScriptExit.waitFailed.rawValue }

    /// - Parameter sandboxOnly: the flag that allows the built-in sandbox only, when given.
    static func run(_ file: String, environment: [String: String], variables: [String], sandboxOnly: String? = nil) async -> ScriptResult {
        let clock = ContinuousClock()
        let start = clock.now
        func seconds() -> Double {
            let d = clock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            let reason = FileManager.default.fileExists(atPath: file) ? "cannot be read" : "does not exist"
            return ScriptResult(
                file: file, exitCode: ScriptExit.usage.rawValue, seconds: seconds(), output: "", errors: "pushsh: \(file) \(reason)\n",
                failure: "\(file) \(reason)")
        }
        let connection: Connection
        do { connection = try Connection.fromEnvironment(environment, sandboxes: .builtIn, transports: .http) } catch {
            return ScriptResult(
                file: file, exitCode: ScriptExit.usage.rawValue, seconds: seconds(), output: "", errors: "pushsh: \(error.message)\n",
                failure: error.message)
        }
        let captured = CapturedOutput()
        let interpreter = Interpreter(
            connection: connection, output: captured, environment: environment, sandboxes: .builtIn, transports: .http)
        interpreter.setProgress(false)
        interpreter.sandboxOnly = sandboxOnly
        for definition in variables {
            if let (name, value) = ScriptVariables.parse(definition) { interpreter.define(name, value) }
        }
        let code = await interpreter.run(SourceFile(name: file, bytes: [UInt8](data)))
        await interpreter.shutdown()
        // The key of the connection the script ended on, and the one in the environment.
        var secrets = [environment["SPRINTO_API_KEY"] ?? ""]
        if interpreter.connection.sandbox == nil { secrets.append(interpreter.connection.client.configuration.apiKey.revealed) }
        let redact = Redactor(secrets: secrets)
        let (output, errors) = captured.text
        var result = ScriptResult(file: file, exitCode: code, seconds: seconds(), output: redact(output), errors: redact(errors))
        if code != ScriptExit.ok.rawValue {
            if let error = interpreter.lastError, error.exitCode.rawValue == code {
                result.location = error.range
                result.failure = redact((error.range.map { "\($0): " } ?? "") + error.message)
            } else {
                // A parse error (or a check) is printed, not kept: its first line says where.
                let first = errors.split(separator: "\n").first { $0.contains(": error: ") }
                result.failure = first.map { redact(String($0)) } ?? ScriptExit(rawValue: code)?.meaning ?? "exit \(code)"
            }
        }
        return result
    }
}

/// Hides keys in text bound for a report; short strings are no keys.
struct Redactor {
    let secrets: [String]

    init(secrets: [String]) { self.secrets = secrets.filter { $0.count >= 6 } }

    func callAsFunction(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
    }
}

/// Keeps what a script prints, for the reports (no colour: reports are files).
final class CapturedOutput: ScriptOutput {
    private let buffers = Mutex<(output: String, errors: String)>(("", ""))
    var color: Bool { false }
    func write(_ text: String) { buffers.withLock { $0.output += text } }
    func writeError(_ text: String) { buffers.withLock { $0.errors += text } }
    var text: (String, String) { buffers.withLock { ($0.output, $0.errors) } }
}

/// The JUnit XML and TAP texts for a run.
struct TestReport {
    var results: [ScriptResult]
    var started: Date
    var elapsed: Double

    static func seconds(_ value: Double) -> String { String(format: "%.3f", value) }

    var junit: String {
        let failures = results.filter { !$0.passed && $0.isAssertion }.count
        let errors = results.filter { !$0.passed && !$0.isAssertion }.count
        let timestamp = ISO8601DateFormatter().string(from: started)
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="pushsh" tests="\(results.count)" failures="\(failures)" errors="\(errors)" time="\(Self.seconds(elapsed))">
              <testsuite name="pushsh test" tests="\(results.count)" failures="\(failures)" errors="\(errors)" skipped="0" time="\(Self.seconds(elapsed))" timestamp="\(timestamp)">

            """
        for result in results {
            let name = XML.escape(result.file)
            let className = XML.escape(Self.className(result.file))
            let head = "    <testcase name=\"\(name)\" classname=\"\(className)\" file=\"\(name)\" time=\"\(Self.seconds(result.seconds))\""
            if result.passed && result.output.isEmpty {
                xml += head + "/>\n"
                continue
            }
            xml += head + ">\n"
            if !result.passed {
                let element = result.isAssertion ? "failure" : "error"
                let type = ScriptExit(rawValue: result.exitCode)?.meaning ?? "exit \(result.exitCode)"
                let message = result.failure ?? "exit \(result.exitCode)"
                xml += "      <\(element) message=\"\(XML.escape(message))\" type=\"\(XML.escape("exit \(result.exitCode): \(type)"))\">"
                xml += XML.escape(result.errors.isEmpty ? message : result.errors) + "</\(element)>\n"
            }
            if !result.output.isEmpty { xml += "      <system-out>\(XML.escape(result.output))</system-out>\n" }
            if !result.errors.isEmpty { xml += "      <system-err>\(XML.escape(result.errors))</system-err>\n" }
            xml += "    </testcase>\n"
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    /// `examples/quickstart.push` → `examples.quickstart`, how JUnit viewers group cases.
    static func className(_ file: String) -> String {
        var name = file.hasSuffix(".push") ? String(file.dropLast(5)) : file
        while name.hasPrefix("./") { name.removeFirst(2) }
        return name.split(separator: "/").joined(separator: ".")
    }

    var tap: String {
        var lines = ["TAP version 13", "1..\(results.count)"]
        for (index, result) in results.enumerated() {
            let description = result.file.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "#", with: "\\#")
            lines.append("\(result.passed ? "ok" : "not ok") \(index + 1) - \(description)")
            var yaml = ["  ---", "  duration_ms: \(Int((result.seconds * 1000).rounded()))", "  exit_code: \(result.exitCode)"]
            if !result.passed {
                yaml.append("  message: \(YAML.quote(result.failure ?? "exit \(result.exitCode)"))")
                yaml.append("  severity: \(result.isAssertion ? "fail" : "error")")
                if let location = result.location {
                    yaml += [
                        "  at:", "    file: \(YAML.quote(location.file))", "    line: \(location.line)", "    column: \(location.column)",
                    ]
                }
                if !result.errors.isEmpty { yaml.append("  output: \(YAML.quote(result.errors))") }
            }
            yaml.append("  ...")
            lines += yaml
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

enum XML {
    /// Escapes text for an attribute or element, dropping characters XML 1.0 cannot hold.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF || (0xD800...0xDFFF).contains(v) {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

enum YAML {
    /// A double-quoted YAML scalar (JSON's escapes are YAML's too).
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\x%02X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
