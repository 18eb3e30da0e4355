import Foundation
import Testing

/// What `pushsh check` finds without the network, and that every way of
/// running a script finds the same before its first request.
@Suite struct CheckBeforeRunTests {
    func folder(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-cbr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir
    }

    /// The issue's first example: a typo after a start must not start a session.
    @Test func aTypoStopsFileDashCAndStdinBeforeTheFirstRequest() throws {
        let script = "let s = start\nclose t apply\n"
        let dir = try folder(["typo.push": script])
        let file = try Binary.runSeparately(["-v", dir.appendingPathComponent("typo.push").path])
        let dashC = try Binary.runSeparately(["-v", "-c", script])
        let stdin = try Binary.runSeparately(["-v"], stdin: script)
        let check = try Binary.runSeparately(["check", dir.appendingPathComponent("typo.push").path])
        for (name, run) in [("file", file), ("-c", dashC), ("stdin", stdin), ("check", check)] {
            #expect(run.code == 2, "\(name): \(run.err)")
            #expect(run.err.contains(":2:7: error: undefined variable 't'"), "\(name): \(run.err)")
            #expect(run.err.contains("hint: did you mean 's'?"), "\(name)")
            #expect(!run.err.contains("> POST"), "\(name) sent a request: \(run.err)")
            #expect(!run.out.contains("started session"), "\(name)")
        }
    }

    /// A bad record on line 3 of a data file is knowable without the network:
    /// check finds it, and the run stops before `start` (issue 11's first
    /// example found it on page 300, after 29,900 records were staged).
    @Test func aBadRecordInADataFileStopsTheRunBeforeItsFirstRequest() throws {
        let good =
            #"{"employeeId": "E1", "firstName": "A", "lastName": "B", "workEmail": "a@example.com", "employmentType": "EMPLOYEE", "employmentStartDate": "2022-01-15T09:00:00Z"}"#
        let bad = good.replacingOccurrences(of: "E1", with: "E3").replacingOccurrences(of: "a@example.com", with: "nobody")
        let dir = try folder([
            "data/users.jsonl": [good, good.replacingOccurrences(of: "E1", with: "E2"), bad].joined(separator: "\n") + "\n",
            "load.push": "let s = start\npush s User from \"data/users.jsonl\"\nclose s apply\n",
            "lenient.push": "set on_error continue\nlet s = start\npush s User from \"data/users.jsonl\"\nclose s discard\n",
            "off.push": "set validation off\nlet s = start\npush s User from \"data/users.jsonl\"\nclose s discard\n",
        ])
        let check = try Binary.runSeparately(["check", dir.appendingPathComponent("load.push").path])
        #expect(check.code == 2, "\(check.err)")
        #expect(
            check.err.contains(
                "load.push:2:18: error: data/users.jsonl cannot be pushed: 1 problem (1 record breaks the documented User rules)"),
            "\(check.err)")
        #expect(check.err.contains("data/users.jsonl:3 (E3): workEmail must be an email address"), "\(check.err)")
        let run = try Binary.runSeparately(["-v", dir.appendingPathComponent("load.push").path])
        #expect(run.code == 2, "\(run.err)")
        #expect(!run.err.contains("> POST"), "a request was sent: \(run.err)")
        // Going on past failures is the script's choice: then it is a warning, and the push fails at run time.
        let lenient = try Binary.runSeparately(["check", dir.appendingPathComponent("lenient.push").path])
        #expect(lenient.code == 0, "\(lenient.err)")
        #expect(
            lenient.err.contains("warning: this push will fail, and the script goes on past it (set on_error continue)"), "\(lenient.err)")
        #expect(try Binary.runSeparately(["check", "--strict", dir.appendingPathComponent("lenient.push").path]).code == 2)
        // With the checking left to the service, the file is only read for its syntax.
        #expect(try Binary.runSeparately(["check", dir.appendingPathComponent("off.push").path]).code == 0)
    }

    @Test func checkLooksAtDataFilesHeadersAndEntityTypes() throws {
        let dir = try folder([
            "data/export.csv": "Employee ID,First Name,Email\nE1,Ada,ada@example.com\n",
            "nightly.push": """
            let s = start
            push s User from "data/missing.jsonl"
            push s User from "data/export.csv" map "Employe ID" to employeeId map "First Name" to firstName
            push s user from "data/export.csv"
            close s apply
            """,
        ])
        let path = dir.appendingPathComponent("nightly.push").path
        let check = try Binary.runSeparately(["check", path])
        #expect(check.code == 2)
        #expect(check.err.contains("nightly.push:2:18: error: the data file \"data/missing.jsonl\" does not exist"), "\(check.err)")
        #expect(check.err.contains("hint: looked for \(dir.path)/data/missing.jsonl"), "\(check.err)")
        #expect(check.err.contains("nightly.push:3:40: error: data/export.csv has no column \"Employe ID\""), "\(check.err)")
        #expect(check.err.contains("hint: did you mean \"Employee ID\"?"), "\(check.err)")
        #expect(!check.err.contains("no column \"First Name\""))
        // A documented type in the wrong case is an error (issue 21, item 4; it was a warning).
        #expect(
            check.err.contains("nightly.push:4:8: error: the entity type is 'User', not 'user' (entity types are case-sensitive)"),
            "\(check.err)")
        #expect(check.err.contains("3 errors, 0 warnings"), "\(check.err)")
        // The run finds the same before sending anything.
        let run = try Binary.runSeparately(["-v", path])
        #expect(run.code == 2)
        #expect(run.err.contains("the data file \"data/missing.jsonl\" does not exist"))
        #expect(!run.err.contains("> POST"))
    }

    @Test func strictTurnsWarningsIntoErrors() throws {
        // 'Usr' (a near miss of User) is still only a warning; 'user' is an error of its own now.
        let dir = try folder(["w.push": "let s = start\npush s Usr [{\"a\": 1}]\nclose s discard\n"])
        let path = dir.appendingPathComponent("w.push").path
        let lenient = try Binary.runSeparately(["check", path])
        #expect(lenient.code == 0)
        #expect(lenient.err.contains("w.push: ok (1 warning)"), "\(lenient.err)")
        let strict = try Binary.runSeparately(["check", "--strict", path])
        #expect(strict.code == 2)
        #expect(strict.err.contains("w.push:2:8: error: 'Usr' is not the entity type 'User'"), "\(strict.err)")
        #expect(strict.err.contains("(an error with --strict)"))
    }

    @Test func emptyExportsPushNothingAndExit0() throws {
        let dir = try folder([
            "data/empty.csv": "employeeId,firstName\n", "data/empty.jsonl": "",
            "e.push": """
            let s = start
            push s User from "data/empty.csv"
            expect last_push.accepted == 0
            push s User from "data/empty.jsonl"
            close s discard
            """,
        ])
        let run = try Binary.runSeparately(["-v", dir.appendingPathComponent("e.push").path])
        #expect(run.code == 0, "\(run.err)")
        #expect(run.out.contains("pushed 0 User records to ses_910a2dec89025cc1 (data/empty.csv holds none)"))
        #expect(run.out.contains("(data/empty.jsonl holds none)"))
        #expect(run.err.contains("warning: nothing to push: data/empty.csv holds none; nothing was sent"))
        #expect(!run.err.contains("/entities"))
    }

    @Test func serveRefusesABareNumberForADuration() throws {
        let run = try Binary.run(["serve", "--processing-time", "2", "--port", "0"])
        #expect(run.code == 1)
        // The language's words for a bare number (ArgumentRule.bareNumber), on the command line too.
        #expect(
            run.output.contains("--processing-time needs a duration, and 2 has no unit; write 2s (or 2ms, 2m, 2h, 2d)"), "\(run.output)")
    }

    @Test func aMisspeltCommandGetsTheSameHintAtRunTime() throws {
        for (typed, meant) in [("strat", "start"), ("hlep", "help"), ("intergration", "integration")] {
            let run = try Binary.runSeparately(["-c", typed])
            #expect(run.code == 2)
            #expect(run.err.contains("-c:1:1: error: undefined variable '\(typed)'"))
            #expect(run.err.contains("hint: did you mean the command '\(meant)'?"), "\(run.err)")
        }
    }
}
