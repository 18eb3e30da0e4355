import ArgumentParser
import Foundation
import PushLanguageServer
import PushScript
import PushSyntax

/// `pushsh lsp`: the language server for editors, on standard input and output.
struct LSP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp",
        abstract: "A language server for .push files (LSP over standard input and output), for editors.",
        discussion: """
            Editors start it themselves (set-ups for VS Code and Neovim: editors/ and docs/editors.md in the pushsh source): it gives the same \
            diagnostics as pushsh check as you type, completion, help on hover, go to definition \
            and an outline. It reads scripts and included files and never touches the network. \
            Messages are JSON-RPC 2.0 with Content-Length headers (LSP 3.17, UTF-16 positions).
            """)

    @Flag(help: "Accepted for editors that pass it; standard input and output are always used.")
    var stdio = false

    func run() throws {
        // A client that goes away mid-message must not kill us with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        // Data files are looked at as a run's check does, so the editor shows what pushsh check would.
        let server = LanguageServer(
            writer: .fileDescriptor(STDOUT_FILENO), version: BuildInfo.version, dataFile: ScriptFiles.dataFile,
            records: ScriptFiles.records)
        var reader = MessageReader.fileDescriptor(STDIN_FILENO)
        let code = server.serve(&reader)
        if code != ScriptExit.ok.rawValue { throw ExitCode(code) }
    }
}
