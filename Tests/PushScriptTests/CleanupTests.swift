import Foundation
import PushAPI
import PushScript
import Testing
import _PushTestSupport

/// A run that fails, however it fails, leaves the integration as it found
/// it: the sessions it started and left active are discarded (issue 11's
/// "nothing left behind"), unless it is told to keep them. Each session's
/// state is read back from the sandbox, not from the interpreter's notes.
@Suite struct CleanupTests {
    /// Runs `script` and returns its exit code, standard error and the state the service gives each session it started.
    func run(_ script: String) async throws -> (code: Int32, err: String, states: [SessionState]) {
        let connection = frozenSandbox()
        let run = await runScript(script, connection: connection)
        var states: [SessionState] = []
        for handle in run.interpreter.startedSessions {
            states.append(try await connection.client.session(handle.id).state)
        }
        return (run.code, run.stderr, states)
    }

    /// Issue 22: an error's hint said "this run's session is discarded
    /// below" for a session that had expired, which the cleanup leaves
    /// alone. The hint now says so only when a session will be discarded.
    @Test func anExpiredSessionIsNotSaidToBeDiscarded() async throws {
        let folder = try ScratchFolder("cleanup")
        let line =
            #"{"employeeId": "E1", "firstName": "A", "lastName": "B", "workEmail": "a@example.com", "employmentType": "EMPLOYEE", "employmentStartDate": "2022-01-15T09:00:00Z"}"#
        let path = try folder.write("users.jsonl", line + "\n" + line.replacingOccurrences(of: "E1", with: "E2") + "\n")
        let result = try await run("let s = start\nsandbox advance 2h\npush s User from \"\(path)\" skip 1\n")
        #expect(result.code == 6, "\(result.err)")
        #expect(result.states == [.expired], "\(result.err)")
        #expect(!result.err.contains("discarded"), "\(result.err)")
    }

    @Test func aPlainErrorDiscardsTheSession() async throws {
        let result = try await run("let s = start\nexpect 1 == 2\n")
        #expect(result.code == 4)
        #expect(result.states == [.cancelled])
        #expect(result.err.contains("stopped on an error; discarded session"))
    }

    @Test func exitWithAFailureCodeDiscardsTheSession() async throws {
        let result = try await run("let s = start\nexit 3\n")
        #expect(result.code == 3)
        #expect(result.states == [.cancelled])
        #expect(result.err.contains("ended with exit 3; discarded session"), "\(result.err)")
    }

    @Test func exitZeroLeavesTheSessionAsTheScriptLeftIt() async throws {
        let result = try await run("let s = start\nexit 0\n")
        #expect(result.code == 0)
        #expect(result.states == [.active])
    }

    @Test func aRunThatWentOnPastAFailureStillCleansUp() async throws {
        let result = try await run("set on_error continue\nlet s = start\nexpect 1 == 2\nprint \"went on\"\n")
        #expect(result.code == 4)
        #expect(result.states == [.cancelled])
        #expect(result.err.contains("ended after a failure it went on past; discarded session"), "\(result.err)")
    }

    @Test func aSessionTheScriptClosedIsLeftAlone() async throws {
        let result = try await run("set on_error continue\nlet s = start\nclose s apply\nexpect 1 == 2\n")
        #expect(result.code == 4)
        #expect(result.states != [.cancelled])
        #expect(!result.err.contains("discarded session"))
    }

    @Test func keepKeepsItAndSaysSo() async throws {
        let result = try await run("set on_error keep\nlet s = start\nexit 5\n")
        #expect(result.code == 5)
        #expect(result.states == [.active])
        #expect(result.err.contains("is left active"))
    }
}
