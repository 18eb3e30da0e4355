import ArgumentParser
import Foundation
import PushScript
import PushSyntax

/// `pushsh`: the push API's companion. Subcommands in `Subcommands/`, one per file.
@main
struct Pushsh: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pushsh",
        abstract: "A shell, a script runner and a sandbox for Sprinto's push API.",
        discussion: """
            pushsh                     open the shell (or run a script piped to stdin)
            pushsh FILE.push           run a script (same as: pushsh run FILE.push)
            pushsh -c 'STATEMENTS'     run statements given on the command line
            pushsh check FILE.push     check a script without sending anything
            pushsh serve               serve the sandbox over HTTP
            pushsh learn [LESSON]      a guided tour of the push API, in the shell
            pushsh profiles            list the profiles of the config file
            pushsh test FILE.push...   run scripts as tests, for CI (JUnit and TAP reports)
            pushsh lsp                 the language server, for editors

            Options for running (before FILE.push; also for the shell):
              -c STATEMENTS            run these statements instead of a file
              --var NAME=VALUE         define a variable (repeatable)
              --output text|json       json: one object per result, for machines
              --profile NAME           start on this profile of the config file
              -v, --verbose            trace every HTTP exchange (the key redacted)
              -q, --quiet              no progress display while pushing files
              --summary                end with one line: time, outcome, counts (cron)
              --timestamps             the time in front of every line on stderr

            Commands go to: the --profile (or PUSHSH_PROFILE) profile; else the
            service of SPRINTO_API_KEY and SPRINTO_INTEGRATION_ID; else the config
            file's default profile; else the built-in sandbox. A script with its own
            'connect' starts on the built-in sandbox.

            \(TextFlow.wrap(ExitCode.summaryLine, width: 78).joined(separator: "\n"))

            Networks: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY choose a proxy;
            --cacert FILE (or PUSHSH_CACERT, SSL_CERT_FILE, SSL_CERT_DIR) trusts a CA;
            --timeout DURATION (or PUSHSH_TIMEOUT) bounds each request.

            Long help in the shell goes through PUSHSH_PAGER, else PAGER, else less
            (LESS=FRX when LESS is unset); an empty one or cat means none.

            More: man pushsh (every command and option), 'pushsh SUBCOMMAND --help',
            and in the shell 'help' and 'help TOPIC' (help network, help profiles).
            """,
        version: BuildInfo.description,
        subcommands: [Run.self, Check.self, Serve.self, Learn.self, Profiles.self, LSP.self, TestScripts.self],
        defaultSubcommand: Run.self
    )

    /// Like ArgumentParser's, except that a bad command line exits 1 (the
    /// documented usage code) rather than sysexits' 64.
    static func main() async {
        StandardStreams.prepare()
        if let word = CommandLine.arguments.dropFirst().first, let near = misspelledSubcommand(word) {
            Terminal.warn("pushsh: '\(word)' is not a command or a file; did you mean 'pushsh \(near)'? (pushsh --help lists them)")
            Foundation.exit(ScriptExit.usage.rawValue)
        }
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
                Terminal.warn(fullMessage(for: error))
                Foundation.exit(ScriptExit.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}

extension Pushsh {
    /// A first word that is no file but one or two letters away from a
    /// subcommand (`chek`): the subcommand meant.
    static func misspelledSubcommand(_ word: String) -> String? {
        guard !word.hasPrefix("-"), !word.contains("/"), !word.contains("."), !FileManager.default.fileExists(atPath: word) else {
            return nil
        }
        let names = configuration.subcommands.map { $0._commandName }
        guard !names.contains(word) else { return nil }
        return Spelling.closest(to: word, among: names)
    }
}
