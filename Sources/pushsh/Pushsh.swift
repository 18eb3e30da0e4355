import ArgumentParser
import Foundation

/// `pushsh`: the push API's companion. Subcommands in `Subcommands/`, one per file.
@main
struct Pushsh: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pushsh",
        abstract: "A shell, a script runner and a sandbox for Sprinto's push API.",
        discussion: """
            pushsh                     open the shell (a script on stdin when it is not a terminal)
            pushsh FILE.push           run a script (same as: pushsh run FILE.push)
            pushsh -c 'STATEMENTS'     run statements given on the command line
            pushsh check FILE.push     check a script without sending anything
            pushsh serve               serve the sandbox over HTTP
            pushsh learn [LESSON]      a guided tour of the push API, in the shell
            pushsh test FILE.push...   run scripts as tests (--report-junit, --report-tap for CI)
            pushsh lsp                 the language server, for editors (docs/editors.md)

            With no SPRINTO_API_KEY and SPRINTO_INTEGRATION_ID set, commands go to the
            built-in sandbox. Exit codes: 0 ok, 1 usage, 2 parse/check, 3 runtime,
            4 expect failed, 5 wait timed out or unreachable, 6 API refused (4xx),
            7 service failing (5xx).
            """,
        version: BuildInfo.description,
        subcommands: [Run.self, Check.self, Serve.self, Learn.self, LSP.self, TestScripts.self],
        defaultSubcommand: Run.self
    )

    /// Like ArgumentParser's, except that a bad command line exits 1 (the
    /// documented usage code) rather than sysexits' 64.
    static func main() async {
        do {
            var command = try parseAsRoot(TestScripts.rewriting(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(1)
            }
            exit(withError: error)
        }
    }
}
