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

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            Terminal.warn("pushsh: \(file) \(FileManager.default.fileExists(atPath: file) ? "cannot be read" : "does not exist")")
            throw ExitCode(1)
        }
        let source = SourceFile(name: file, bytes: [UInt8](data))
        let color = StandardOutput.detectColor(descriptor: STDERR_FILENO)
        let parsed = Parser.parse(source)
        var sources = [source]
        var diagnostics = parsed.diagnostics
        if !parsed.hasErrors {
            let predefined = Set(variables.map { String($0.prefix { $0 != "=" }) })
            diagnostics += Checker.check(parsed.program, source: source, predefined: predefined) { path in
                guard let bytes = FileManager.default.contents(atPath: path) else {
                    throw CocoaError(.fileNoSuchFile)
                }
                let included = SourceFile(name: path, bytes: [UInt8](bytes))
                sources.append(included)
                return included
            }
        }
        if !diagnostics.isEmpty {
            Terminal.warn(Diagnostic.render(diagnostics.sortedByLocation(), sources: sources, color: color))
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        if errors > 0 {
            Terminal.warn("\(file): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
            throw ExitCode(2)
        }
        Terminal.warn("\(file): ok\(warnings > 0 ? " (\(warnings) warning\(warnings == 1 ? "" : "s"))" : "")")
    }
}
