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

            With no SPRINTO_API_KEY and SPRINTO_INTEGRATION_ID set, commands go to the
            built-in sandbox. Exit codes: 0 ok, 1 usage, 2 parse/check, 3 runtime,
            4 expect failed, 5 wait timed out or unreachable, 6 API refused (4xx),
            7 service failing (5xx), 129/130/143 stopped by SIGHUP/SIGINT/SIGTERM.

            Networks: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY choose a proxy;
            --cacert FILE (or PUSHSH_CACERT, SSL_CERT_FILE, SSL_CERT_DIR) trusts a CA;
            --timeout DURATION (or PUSHSH_TIMEOUT) bounds each request. See docs/network.md.
            """,
        version: "0.1.0",
        subcommands: [Run.self, Check.self, Serve.self, Learn.self],
        defaultSubcommand: Run.self
    )

    /// Like ArgumentParser's, except that a bad command line exits 1 (the
    /// documented usage code) rather than sysexits' 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
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
