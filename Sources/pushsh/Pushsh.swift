import ArgumentParser

/// `pushsh`: the push API's companion. Subcommands in `Subcommands/`, one per file.
@main
struct Pushsh: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pushsh",
        abstract: "A shell, a script runner and a sandbox for Sprinto's push API.",
        discussion: """
            Run a script:           pushsh FILE.push   (or: pushsh run FILE.push)
            Serve the sandbox:      pushsh serve
            """,
        version: "0.1.0",
        subcommands: [Serve.self],
        defaultSubcommand: nil
    )
}
