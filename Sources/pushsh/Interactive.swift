import BuiltInSandbox
import Foundation
import HTTPConnections
import PushAPI
import PushScript
import PushShell
import PushSyntax

/// `pushsh` on a terminal: the shell on libedit.
enum Interactive {
    /// - Parameter lesson: start in this lesson (`pushsh learn NAME`; `""` for the next one not done).
    static func run(environment: [String: String], verbose: Bool, variables: [String], lesson: String? = nil, profile: String? = nil) async
        -> Int32
    {
        let connection: Connection
        do {
            connection = try Connection.starting(explicitProfile: profile, environment: environment, sandboxes: .builtIn, transports: .http)
        } catch {
            Terminal.warn("pushsh: \(error.message)")
            return ScriptExit.usage.rawValue
        }
        let output = StandardOutput(environment: environment)
        let interpreter = Interpreter(
            connection: connection, output: output, environment: environment, sandboxes: .builtIn, transports: .http)
        interpreter.setVerbose(verbose)
        interpreter.keyPrompt = { prompt in SecretPrompt.read(prompt) }
        Terminal.preparePager(for: interpreter, environment: environment)
        for definition in variables {
            if let (name, value) = ScriptVariables.parse(definition) { interpreter.define(name, value) }
        }
        guard let editor = LineEditor() else {
            Terminal.warn("pushsh: cannot start line editing on this terminal")
            return ScriptExit.usage.rawValue
        }
        Interrupts.install()
        let history = HistoryFile(path: HistoryFile.defaultPath(environment: environment))
        history.load()
        let shell = Shell(interpreter: interpreter, lines: editor, output: output, history: history)
        shell.learnSettings = LearnSettings.forEnvironment(environment)
        // In a lesson, complete the lesson's names and the files of its folder.
        editor.complete = { [unowned shell] text in shell.completer().complete(text) }
        let code = await shell.run(lesson: lesson)
        await connection.client.transport.shutdown()
        return code
    }
}
