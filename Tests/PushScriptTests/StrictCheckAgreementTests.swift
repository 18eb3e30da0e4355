import BuiltInSandbox
import Foundation
import PushAPI
import PushSyntax
import Testing
import _PushTestSupport

@testable import PushScript

/// `pushsh check --strict` refuses every data file the built-in sandbox
/// rejects, and passes every file it takes (issue 21, item 6): the check
/// reads the file with the shared `RecordValidation`, and the sandbox's own
/// rules (the `employmentType` values) come out as warnings that --strict
/// makes errors.
@Suite struct StrictCheckAgreementTests {
    static let good: [String: String] = [
        "employeeId": "E1", "firstName": "Ada", "lastName": "Lovelace", "workEmail": "ada@example.com",
        "employmentStartDate": "2023-03-15T00:00:00Z", "employmentType": "EMPLOYEE",
    ]

    /// One User record: the good one with `field` set to `value` (nil: left out).
    struct Case: CustomStringConvertible, Sendable {
        var field: String
        var value: String?
        var description: String { "\(field)=\(value ?? "(none)")" }

        var line: String {
            var record = StrictCheckAgreementTests.good
            record[field] = value
            let data = try! JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
            return String(decoding: data, as: UTF8.self)
        }
    }

    static let cases: [Case] = [
        Case(field: "employmentType", value: "EMPLOYEE"), Case(field: "employmentType", value: "CONTRACTOR"),
        Case(field: "employmentType", value: "FULL_TIME"), Case(field: "employmentType", value: "employee"),
        Case(field: "employmentType", value: "INTERN"), Case(field: "employmentType", value: nil),
        Case(field: "employmentStartDate", value: "2023-03-15"), Case(field: "employmentStartDate", value: "03/15/2023"),
        Case(field: "workEmail", value: "not-an-address"), Case(field: "workEmail", value: "ada@example.org"),
        Case(field: "firstName", value: " "), Case(field: "lastName", value: nil),
        Case(field: "managerId", value: "E0"),
    ]

    /// What the built-in sandbox says to the record, sent as it is (validation off, so nothing is checked first).
    static func sandboxAccepts(_ file: String) async -> Bool {
        let run = await runScript(
            "set validation off\nlet s = start\npush s User from \"\(file)\"\nclose s discard\n")
        return run.code == 0
    }

    /// What `pushsh check --strict` says: true when it finds no error.
    static func strictCheckAccepts(_ file: String) -> Bool {
        let source = SourceFile(name: "/check.push", text: "let s = start\npush s User from \"\(file)\"\n")
        let (_, diagnostics) = Checker.parseAndCheck(source, predefined: [], files: ScriptFiles.checkFiles { _ in })
        return !diagnostics.strict().hasErrors
    }

    @Test(arguments: cases)
    func strictCheckAndTheSandboxAgree(_ testCase: Case) async throws {
        let folder = try ScratchFolder("strict")
        let file = try folder.write("records.jsonl", testCase.line + "\n")
        let sandbox = await Self.sandboxAccepts(file)
        let check = Self.strictCheckAccepts(file)
        #expect(
            sandbox == check,
            "the sandbox \(sandbox ? "takes" : "rejects") \(testCase.line); check --strict \(check ? "passes" : "refuses") it")
    }

    /// The same records written in the script: check and sandbox agree on them too.
    @Test(arguments: cases)
    func strictCheckAndTheSandboxAgreeOnInlineRecords(_ testCase: Case) async throws {
        let push = "push s User [\(testCase.line)]"
        let sandbox = await runScript("set validation off\nlet s = start\n\(push)\nclose s discard\n").code == 0
        let source = SourceFile(name: "/check.push", text: "let s = start\n\(push)\n")
        let check = !Checker.parseAndCheck(source, predefined: [], files: ScriptFiles.checkFiles { _ in }).diagnostics.strict().hasErrors
        #expect(sandbox == check, "the sandbox \(sandbox ? "takes" : "rejects") \(push); check --strict \(check ? "passes" : "refuses") it")
    }

    /// Without --strict the sandbox-only rule is a warning (the real service may take the value), not silence.
    @Test func withoutStrictASandboxOnlyValueIsAWarning() throws {
        let folder = try ScratchFolder("strict")
        let file = try folder.write("records.jsonl", Case(field: "employmentType", value: "FULL_TIME").line + "\n")
        let source = SourceFile(name: "/check.push", text: "let s = start\npush s User from \"\(file)\"\n")
        let diagnostics = Checker.parseAndCheck(source, predefined: [], files: ScriptFiles.checkFiles { _ in }).diagnostics
        #expect(!diagnostics.hasErrors)
        #expect(diagnostics.map(\.severity) == [.warning])
        #expect(diagnostics.first?.details.first?.contains("employmentType must be one of EMPLOYEE, CONTRACTOR") == true)
    }
}
