import ArgumentParser
import PushSyntax

/// The documented exit codes (ArgumentParser has an `ExitCode` too): every
/// subcommand exits through these, so a code means the same everywhere.
typealias ScriptExit = PushSyntax.ExitCode

extension ArgumentParser.ExitCode {
    /// Exits with one of the documented codes.
    init(_ code: ScriptExit) { self.init(code.rawValue) }
}
