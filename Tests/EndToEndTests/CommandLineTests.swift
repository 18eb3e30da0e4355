import Foundation
import Testing

/// The binary's contract with shells, cron and CI: inputs and exit codes.
@Suite struct CommandLineTests {
    @Test func missingScriptIsAUsageError() throws {
        let result = try Binary.run(["no-such-file.push"])
        #expect(result.code == 1)
        #expect(result.output.contains("no-such-file.push does not exist"))
    }

    @Test func dashCRunsStatements() throws {
        let result = try Binary.runSeparately(["-c", "let s = start\nprint s.state"])
        #expect(result.code == 0)
        #expect(result.out.hasSuffix("active\n"))
        #expect(result.err.contains("using the built-in sandbox"))
    }

    @Test func scriptOnStdin() throws {
        let result = try Binary.runSeparately([], stdin: "print \"from stdin\"\nexpect 1 == 2\n")
        #expect(result.code == 4)
        #expect(result.out == "from stdin\n")
        #expect(result.err.contains("<stdin>:2:8: error: expectation failed"))
    }

    @Test func varsAreTypedLikeJSON() throws {
        let result = try Binary.runSeparately([
            "-c", "expect n == 3\nexpect name == \"ada\"\nexpect flag == true\nprint n name", "--var", "n=3", "--var", "name=ada", "--var",
            "flag=true",
        ])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.hasSuffix("3 ada\n"))
    }

    @Test func badArgumentsAreUsageErrors() throws {
        #expect(try Binary.run(["--output", "yaml", "-c", "print 1"]).code == 1)
        #expect(try Binary.run(["-c", "print 1", "--var", "no equals"]).code == 1)
        // A bare number is no duration, as a flag or as the variable.
        #expect(try Binary.run(["--timeout", "5", "-c", "print 1"]).code == 1)
        let variable = try Binary.run(["-c", "print 1"], environment: Binary.environment(["PUSHSH_TIMEOUT": "5"]))
        #expect(variable.code == 1)
        #expect(variable.output.contains("PUSHSH_TIMEOUT takes a duration"), "\(variable.output)")
        #expect(try Binary.run(["-c", "print 1"], environment: Binary.environment(["PUSHSH_TIMEOUT": "45s"])).code == 0)
    }

    @Test func jsonOutputIsMachineReadable() throws {
        let result = try Binary.runSeparately(["--output", "json", "-c", "let s = start\nclose s discard"])
        #expect(result.code == 0)
        let lines = result.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.hasPrefix("{\"command\":") })
        #expect(!result.err.contains("built-in sandbox"))  // no notices to mix into machine output
    }

    @Test func parseErrorsExit2WithFileLineColumn() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("bad.push").path
        try "let s = start\npush s User [{\"a\": 1}\nclose s apply\n".write(toFile: path, atomically: true, encoding: .utf8)
        let run = try Binary.run([path])
        #expect(run.code == 2)
        #expect(run.output.contains("bad.push:"))
        let check = try Binary.run(["check", path])
        #expect(check.code == 2)
        #expect(check.output.contains("error"))
    }

    @Test func checkFindsUndefinedNamesWithoutTheNetwork() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("flow.push").path
        try "let s = start\nclose s apply\nwait sess until processed\n".write(toFile: path, atomically: true, encoding: .utf8)
        let check = try Binary.run(["check", path])
        #expect(check.code == 2)
        #expect(check.output.contains("flow.push:3:6: error:"))
        #expect(try Binary.run(["check", "examples/quickstart.push"]).code == 0)
    }

    @Test func everyExamplePassesCheck() throws {
        for name in ExampleTests.names {
            let check = try Binary.run(["check", "examples/\(name).push"])
            #expect(check.code == 0, "\(name): \(check.output)")
        }
    }

    @Test func shebangScriptsRun() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-shebang-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("nightly.push").path
        try "#!/usr/bin/env pushsh\nprint \"ran\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        let run = try Binary.runSeparately(["run", path])
        #expect(run.code == 0)
        #expect(run.out == "ran\n")
    }

    @Test func halfConfiguredCredentialsAreAUsageError() throws {
        let run = try Binary.run(["-c", "print 1"], environment: Binary.environment(["SPRINTO_API_KEY": "sk_live_abc"]))
        #expect(run.code == 1)
        #expect(run.output.contains("SPRINTO_INTEGRATION_ID"))
        #expect(!run.output.contains("sk_live_abc"))
    }
}
