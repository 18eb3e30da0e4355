import ArgumentParser
import Foundation
import PushScript
import PushSyntax

/// `pushsh check FILE.push`: every problem that can be found without the network.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a script without sending anything: syntax, undefined variables, impossible waits.")

    @Argument(help: "The script to check.")
    var file: String

    @Option(name: .customLong("var"), help: "A variable the script expects from --var (repeatable): NAME or NAME=VALUE.")
    var variables: [String] = []

    @Flag(help: "Treat warnings as errors (exit \(ScriptExit.parse.rawValue)), for CI.")
    var strict = false

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            Terminal.warn("pushsh: \(file) \(FileManager.default.fileExists(atPath: file) ? "cannot be read" : "does not exist")")
            throw ExitCode(.usage)
        }
        let source = SourceFile(name: file, bytes: [UInt8](data))
        let color = StandardOutput.detectColor(descriptor: STDERR_FILENO)
        let predefined = Set(variables.map { String($0.prefix { $0 != "=" }) })
        // The same check a run makes before its first request (includes, data files, CSV headers).
        let collected = SourceCollection([source])
        let files = ScriptFiles.checkFiles { collected.add($0) }
        var diagnostics = Checker.parseAndCheck(source, predefined: predefined, files: files).diagnostics
        let sources = collected.all
        if strict { diagnostics = diagnostics.strict() }
        if !diagnostics.isEmpty {
            Terminal.warn(Diagnostic.render(diagnostics.sortedByLocation(), sources: sources, color: color))
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        if errors > 0 {
            Terminal.warn("\(file): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
            throw ExitCode(.parse)
        }
        Terminal.warn("\(file): ok\(warnings > 0 ? " (\(warnings) warning\(warnings == 1 ? "" : "s"))" : "")")
    }
}

/// The files a check read, to show their lines in messages.
final class SourceCollection {
    private(set) var all: [SourceFile]
    init(_ first: [SourceFile]) { all = first }
    func add(_ source: SourceFile) { all.append(source) }
}
