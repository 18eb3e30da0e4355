import BuiltInSandbox
import HTTPConnections
import PushAPI
import PushSandbox
import PushScript
import PushSyntax
import _PushTestSupport

/// Runs script text through an interpreter and keeps what it printed.
struct ScriptRun {
    let output: CapturedOutput
    let code: Int32
    let interpreter: Interpreter

    var stdout: String { output.standard }
    var stderr: String { output.errors }
}

func runScript(
    _ text: String, name: String = "test.push", connection: Connection = frozenSandbox(), environment: [String: String] = [:],
    verbose: Bool = false, output: OutputMode = .text
) async -> ScriptRun {
    let captured = CapturedOutput()
    let interpreter = Interpreter(
        connection: connection, output: captured, environment: environment, sandboxes: .builtIn, transports: .http)
    interpreter.setVerbose(verbose)
    interpreter.setOutput(output)
    let code = await interpreter.run(SourceFile(name: name, text: text))
    return ScriptRun(output: captured, code: code, interpreter: interpreter)
}

let adaRecord =
    #"{"employeeId": "E1", "firstName": "Ada", "lastName": "Lovelace", "workEmail": "ada@example.com", "employmentType": "EMPLOYEE", "employmentStartDate": "2022-01-15T09:00:00Z"}"#
