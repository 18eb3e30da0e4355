import BuiltInSandbox
import Foundation
import PushSyntax
import Testing
import _PushTestSupport

@testable import PushAPI
@testable import PushScript

/// Every record rule the built-in sandbox applies, one row or more each, in
/// every file format a push reads: `pushsh check --strict` must refuse what
/// the sandbox rejects and pass what it takes (issue 21, item 6). The rows
/// are built from RecordValidation's own field lists, so a field added to a
/// rule gets its rows; ``everyRuleHasARow()`` fails when a rule has none.
@Suite struct StrictCheckRuleTableTests {
    /// The fields of a good User, as JSON text, in the order they are written.
    static let good: [(String, String)] = [
        ("employeeId", #""E1""#), ("firstName", #""Ada""#), ("lastName", #""Lovelace""#),
        ("workEmail", #""ada@example.com""#), ("employmentStartDate", #""2023-03-15T00:00:00Z""#),
        ("employmentType", #""EMPLOYEE""#),
    ]

    /// One file: a name (its extension picks the reader) and its text.
    struct Row: CustomStringConvertible, Sendable {
        var name: String
        var file: String
        var text: String
        var description: String { "\(file): \(name)" }
    }

    /// The good record with `field` set to the JSON text `value` (nil: left out).
    static func record(_ field: String, _ value: String?) -> String {
        var fields = good
        if let index = fields.firstIndex(where: { $0.0 == field }) {
            if let value { fields[index].1 = value } else { fields.remove(at: index) }
        } else if let value {
            fields.append((field, value))
        }
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    static func jsonl(_ name: String, _ field: String, _ value: String?) -> Row {
        Row(name: "\(field)=\(value ?? "(none)") \(name)", file: "records.jsonl", text: record(field, value) + "\n")
    }

    static let rows: [Row] = {
        var rows: [Row] = [Row(name: "good", file: "records.jsonl", text: record("employeeId", #""E1""#) + "\n")]
        // Required: missing, null, empty, blank.
        for field in RecordValidation.userRequired {
            rows.append(jsonl("required", field, nil))
            rows.append(jsonl("required", field, "null"))
            rows.append(jsonl("required", field, #""""#))
            rows.append(jsonl("required", field, #"" \t ""#))
        }
        // Strings: every other JSON type; an optional string may be null or left out.
        for field in RecordValidation.userStrings {
            for value in ["42", "true", "{}", #"["x"]"#] { rows.append(jsonl("string", field, value)) }
            if !RecordValidation.userRequired.contains(field) {
                rows.append(jsonl("optional", field, "null"))
                rows.append(jsonl("optional", field, #""x""#))
            }
        }
        // Dates: a date alone, not a date, not a string; a date-time with an offset.
        for field in RecordValidation.userDates {
            for value in [
                #""2023-03-15""#, #""03/15/2023""#, #""2023-02-30T00:00:00Z""#, "20230315", "true", #""2023-03-15T09:00:00+01:00""#,
            ] {
                rows.append(jsonl("date", field, value))
            }
        }
        // Email: the shape of an address.
        for value in [
            #""ada""#, #""ada@""#, #""@example.com""#, #""ada@example""#, #""ada@@example.com""#, #""ada @example.com""#,
            #""ada@example..com""#, #""ada@exämple.com""#, #""äda@example""#, #""a.b+c@mail.example.co""#,
        ] {
            rows.append(jsonl("email", "workEmail", value))
        }
        // Employment type: the sandbox's own rule (a warning without --strict).
        for value in [#""CONTRACTOR""#, #""FULL_TIME""#, #""employee""#, #"" EMPLOYEE""#] {
            rows.append(jsonl("employment type", "employmentType", value))
        }
        // A record that is not an object.
        for value in ["42", #""E1""#, "[]", "null"] {
            rows.append(Row(name: "not an object: \(value)", file: "records.jsonl", text: value + "\n"))
        }
        // The same rules through the other readers.
        rows.append(Row(name: "array, good", file: "records.json", text: "[" + record("employeeId", #""E1""#) + "]"))
        rows.append(Row(name: "array, date alone", file: "records.json", text: "[" + record("employmentStartDate", #""2023-03-15""#) + "]"))
        rows.append(Row(name: "array, number id", file: "records.json", text: "[" + record("employeeId", "7") + "]"))
        let header = "employeeId,firstName,lastName,workEmail,employmentStartDate,employmentType\n"
        rows.append(
            Row(name: "csv, good", file: "records.csv", text: header + "E1,Ada,Lovelace,ada@example.com,2023-03-15T00:00:00Z,EMPLOYEE\n"))
        rows.append(
            Row(name: "csv, empty type", file: "records.csv", text: header + "E1,Ada,Lovelace,ada@example.com,2023-03-15T00:00:00Z,\n"))
        rows.append(
            Row(
                name: "csv, other type", file: "records.csv", text: header + "E1,Ada,Lovelace,ada@example.com,2023-03-15T00:00:00Z,INTERN\n"
            ))
        rows.append(
            Row(name: "csv, date alone", file: "records.csv", text: header + "E1,Ada,Lovelace,ada@example.com,2023-03-15,EMPLOYEE\n"))
        rows.append(Row(name: "csv, bad email", file: "records.csv", text: header + "E1,Ada,Lovelace,ada,2023-03-15T00:00:00Z,EMPLOYEE\n"))
        rows.append(
            Row(
                name: "csv, no lastName column", file: "records.csv",
                text:
                    "employeeId,firstName,workEmail,employmentStartDate,employmentType\nE1,Ada,ada@example.com,2023-03-15T00:00:00Z,EMPLOYEE\n"
            ))
        return rows
    }()

    @Test(arguments: rows)
    func strictCheckRefusesWhatTheSandboxRejects(_ row: Row) async throws {
        let folder = try ScratchFolder("strict-table")
        let file = try folder.write(row.file, row.text)
        let sandbox = await StrictCheckAgreementTests.sandboxAccepts(file)
        let check = StrictCheckAgreementTests.strictCheckAccepts(file)
        // The good rows anchor the table: a sandbox run that failed for another reason would "agree" with every refusal.
        if row.name.contains("good") || row.name.contains("optional") { #expect(sandbox, "the sandbox must take \(row.text)") }
        #expect(
            sandbox == check,
            "the sandbox \(sandbox ? "takes" : "rejects") \(row.text.prefix(200)); check --strict \(check ? "passes" : "refuses") it")
    }

    /// Each kind of finding RecordValidation can make, for each field it
    /// names, comes up in some row: a rule without a row is a rule nobody
    /// checked the check against.
    @Test func everyRuleHasARow() throws {
        var seen: Set<String> = []
        for row in Self.rows {
            for line in row.text.split(separator: "\n") where row.file == "records.jsonl" {
                let value = try JSONValue(parsing: String(line))
                for finding in RecordValidation.findings(entityType: "User", record: value) {
                    seen.insert("\(finding.field): \(Self.kind(finding.issue))")
                }
            }
        }
        var expected: Set<String> = ["(record): must be a JSON object"]
        for field in RecordValidation.userRequired {
            expected.formUnion(["\(field): is required", "\(field): is required (got null)", "\(field): must not be empty"])
        }
        for field in RecordValidation.userStrings { expected.insert("\(field): must be a string") }
        for field in RecordValidation.userDates {
            expected.formUnion([
                "\(field): must be an ISO 8601 date-time, not a date alone", "\(field): must be an ISO 8601 date-time",
                "\(field): must be an ISO 8601 date-time string",
            ])
        }
        expected.formUnion(["workEmail: must be an email address", "employmentType: must be one of"])
        #expect(expected.subtracting(seen).isEmpty, "rules without a row: \(expected.subtracting(seen).sorted())")
        #expect(
            seen.subtracting(expected).isEmpty, "findings the table does not name (a new rule?): \(seen.subtracting(expected).sorted())")
    }

    /// A finding's words up to what varies (the value got, the suggestion).
    static func kind(_ issue: String) -> String {
        let stops = [":", " (got \"", ", got", " such as", " EMPLOYEE"].compactMap { issue.range(of: $0)?.lowerBound }
        return stops.min().map { String(issue[..<$0]) } ?? issue
    }
}
