import Foundation
import PushScript
import PushSyntax
import Testing
import _PushTestSupport

/// The string, pattern and date functions, through the checker and the
/// interpreter as a script meets them: each case prints one call and
/// compares what `print` shows.
@Suite struct FunctionTests {
    /// Runs `print EXPRESSION` and gives stdout (without its line end), or the error.
    func shown(_ expression: String) async -> (out: String, err: String, code: Int32) {
        let run = await runScript("print \(expression)\n")
        return (run.stdout.trimmingCharacters(in: .newlines), run.stderr, run.code)
    }

    static let values: [(String, String)] = [
        (#"lower("ÄbC Dé")"#, "äbc dé"),
        (#"upper("straße")"#, "STRASSE"),
        ("trim(\"  Ada Lovelace \\t\\n\")", "Ada Lovelace"),
        (#"trim("")"#, ""),
        (#"replace("a-b-c", "-", "/")"#, "a/b/c"),
        (#"replace("a.b", ".", "")"#, "ab"),  // plain text, not a pattern
        (#"split("a,b,,c", ",")"#, #"["a","b","","c"]"#),
        (#"split("", ",")"#, #"[""]"#),
        (#"split("Ada Lovelace", " ")[1]"#, "Lovelace"),
        (#"join(["Ada", "Lovelace"], " ")"#, "Ada Lovelace"),
        (#"join(["a", 1, 2.5, true], "+")"#, "a+1+2.5+true"),
        (#"join([], ",")"#, ""),
        (#"substring("hello", 1, 3)"#, "ell"),
        (#"substring("hello", -3)"#, "llo"),
        (#"substring("hello", 2, 100)"#, "llo"),
        (#"substring("hello", 5)"#, ""),
        (#"substring("héllo", 1, 1)"#, "é"),
        (#"starts_with("EMP-001", "EMP-")"#, "true"),
        (#"starts_with("EMP-001", "emp")"#, "false"),
        (#"ends_with("ada@example.com", "@example.com")"#, "true"),
        (#"contains("Full-Time", "Time")"#, "true"),
        (#"contains("Full-Time", "time")"#, "false"),
        (#"contains(["Test", "Active"], "Test")"#, "true"),
        (#"contains([1, 2], 3)"#, "false"),
        (#"pad("42", 6, "0")"#, "000042"),
        (#"pad("42", 1)"#, "42"),
        (#"string(pad("ab", -4)) == "ab  ""#, "true"),
        (#"matches("EMP-001", "^EMP-[0-9]+$")"#, "true"),
        (#"matches("emp-001", "^EMP-")"#, "false"),
        (#"match("id=12, id=3", "id=([0-9]+)")"#, #"["id=12","12"]"#),
        (#"match("abc", "[0-9]")"#, "null"),
        (#"match("ab", "(x)?b")"#, #"["b",null]"#),
        (#"replace_pattern("2023-03-15", "(\\d+)-(\\d+)-(\\d+)", "$3.$2.$1")"#, "15.03.2023"),
        (#"replace_pattern("a  b   c", " +", " ")"#, "a b c"),
        (#"date("03/15/2023", "MM/dd/yyyy")"#, "2023-03-15T00:00:00.000Z"),
        (#"date("3/5/2023", "MM/dd/yyyy")"#, "2023-03-05T00:00:00.000Z"),
        (#"date("15.03.2023 14:30", "dd.MM.yyyy HH:mm", "Europe/Berlin")"#, "2023-03-15T13:30:00.000Z"),
        (#"date("2024-02-29", "yyyy-MM-dd")"#, "2024-02-29T00:00:00.000Z"),
        (#"date("03/15/23", "MM/dd/yy")"#, "2023-03-15T00:00:00.000Z"),
        (#"date("03/15/69", "MM/dd/yy")"#, "1969-03-15T00:00:00.000Z"),
        (#"date("3/5/2023 2:30 PM", "M/d/yyyy h:mm a")"#, "2023-03-05T14:30:00.000Z"),
        (#"date("3/5/2023 12:00 AM", "M/d/yyyy h:mm a")"#, "2023-03-05T00:00:00.000Z"),
        (#"date("20230315T0930", "yyyyMMdd'T'HHmm", "+05:30")"#, "2023-03-15T04:00:00.000Z"),
        (#"date("2023-03-15")"#, "2023-03-15T00:00:00.000Z"),
        (#"date("2023-03-15", "yyyy-MM-dd", "America/New_York")"#, "2023-03-15T04:00:00.000Z"),
        (#"date("2023-03-15T10:00:00+02:00")"#, "2023-03-15T08:00:00.000Z"),
        (#"date("2023-03-15 10:00:00.250Z")"#, "2023-03-15T10:00:00.250Z"),
        (#"date("2023-10-29 01:30", "yyyy-MM-dd HH:mm", "Europe/Berlin")"#, "2023-10-28T23:30:00.000Z"),
        (#"date("2023-10-29 03:30", "yyyy-MM-dd HH:mm", "Europe/Berlin")"#, "2023-10-29T02:30:00.000Z"),
        ("excel_date(45000)", "2023-03-15T00:00:00.000Z"),
        ("excel_date(45000.5)", "2023-03-15T12:00:00.000Z"),
        (#"excel_date("45000.75", "Europe/Berlin")"#, "2023-03-15T17:00:00.000Z"),
        ("excel_date(61)", "1900-03-01T00:00:00.000Z"),
    ]

    @Test(arguments: values) func eachFunctionGivesItsValue(_ expression: String, _ expected: String) async {
        let run = await shown(expression)
        #expect(run.code == 0, "\(expression): \(run.err)")
        #expect(run.out == expected, "\(expression)")
    }

    /// A refused call names the function, the argument and the value, at the argument's place, with a hint.
    static let refusals: [(String, String, String)] = [
        (
            #"date("13/01/2023", "MM/dd/yyyy")"#, #"date: "13/01/2023" does not fit the format "MM/dd/yyyy": 13 cannot be a month"#,
            "did you mean dd/MM/yyyy?"
        ),
        (#"date("02/30/2023", "MM/dd/yyyy")"#, "February 2023 has no day 30", "never moves a date"),
        (#"date("02/29/2023", "MM/dd/yyyy")"#, "no day 29 (2023 is not a leap year)", ""),
        (#"date("02/29/1900", "MM/dd/yyyy")"#, "(1900 is not a leap year)", ""),
        (#"date("3/15/23", "MM/dd/yyyy")"#, "23 is a two-digit year, and the format says yyyy", "say so: yy"),
        (#"date("2023-03-15 24:00", "yyyy-MM-dd HH:mm")"#, "24 cannot be an hour", ""),
        (#"date("2023-03-15 10:00 extra", "yyyy-MM-dd HH:mm")"#, #"" extra" follows the date"#, ""),
        (#"date("2023-03-26 02:30", "yyyy-MM-dd HH:mm", "Europe/Berlin")"#, "does not exist in Europe/Berlin", "offset"),
        (#"date("2023-10-29 02:30", "yyyy-MM-dd HH:mm", "Europe/Berlin")"#, "happens twice in Europe/Berlin", "does not guess"),
        (#"date("2023-03-15", "yyyy-MM-dd", "Mars/Base")"#, #"ZONE "Mars/Base" is not a time zone"#, "Europe/Berlin"),
        (#"date("03/15/2023", string("MM/dd/yyyy hh:mm"))"#, "has hh without a", "12-hour"),
        (#"date("03/15/2023", string("MM/qq/yyyy"))"#, "'qq', which is not a date field", "fields:"),
        (#"date("15/03/2023")"#, #""15/03/2023" is not an ISO 8601 date"#, #"date(x, "MM/dd/yyyy")"#),
        ("excel_date(12)", "outside Excel's dates", "61 (1900-03-01)"),
        (#"excel_date("soon")"#, #"SERIAL "soon" is not a number"#, "date(TEXT, FORMAT)"),
        // Not a literal (the checker compiles literal patterns), so it reaches the run.
        (#"matches("x", string("("))"#, #"PATTERN "(" is not a regular expression"#, "brackets"),
        (#"split("a", "")"#, "split: SEPARATOR is empty", ""),
        (#"replace("a", "", "b")"#, "replace: OLD is empty", ""),
        (#"pad("a", 3, "ab")"#, #"pad: FILL must be one character, got "ab""#, ""),
        (#"pad("a", 99999999)"#, "pad: WIDTH 99999999 is out of range", "-10000 to 10000"),
        (#"substring("abc", 4)"#, "substring: START 4 is out of range", "-3 to 3"),
        (#"join([null], ",")"#, "join: element 0 of ARRAY is null", ""),
    ]

    @Test(arguments: refusals) func eachRefusalSaysWhatWhereAndWhatToDo(_ expression: String, _ message: String, _ hint: String)
        async
    {
        let run = await shown(expression)
        #expect(run.code == ExitCode.runtime.rawValue, "\(expression): \(run.err)")
        #expect(run.err.contains(message), "\(expression): \(run.err)")
        #expect(run.err.contains("hint: ") && (hint.isEmpty || run.err.contains(hint)), "\(expression): \(run.err)")
        // At the argument (the first one for a value that does not fit), not at `print`.
        #expect(run.err.contains("test.push:1:") && !run.err.contains("test.push:1:1:"), "\(run.err)")
    }

    /// Literal arguments of the wrong kind are found by the check before anything runs.
    @Test func theCheckerKnowsTheArgumentKinds() async {
        let run = await runScript("let s = start\nprint upper(5), pad(\"x\", \"5\"), join(\"a\", \",\")\n")
        #expect(run.code == ExitCode.parse.rawValue, "\(run.stderr)")
        #expect(run.stderr.contains("test.push:2:13: error: upper: TEXT must be a string, got the number 5"), "\(run.stderr)")
        #expect(run.stderr.contains("pad: WIDTH must be a whole number, got the string \"5\""))
        #expect(run.stderr.contains("join: ARRAY must be an array"))
        #expect(!run.stdout.contains("started session"))
        let pattern = await runScript("let s = start\nprint matches(\"x\", \"([a-z]\")\n")
        #expect(pattern.code == ExitCode.parse.rawValue, "\(pattern.stderr)")
        #expect(
            pattern.stderr.contains("test.push:2:20: error: matches: PATTERN \"([a-z]\" is not a regular expression"), "\(pattern.stderr)")
        #expect(!pattern.stdout.contains("started session"))
        let format = await runScript("let s = start\nprint date(\"03/15/2023\", \"MM/dd/yyy\")\n")
        #expect(format.code == ExitCode.parse.rawValue, "\(format.stderr)")
        #expect(
            format.stderr.contains("test.push:2:26: error: date: FORMAT \"MM/dd/yyy\" has 'yyy', which is not a date field"),
            "\(format.stderr)")
        let arity = await runScript("print lower(\"a\", \"b\")\n")
        #expect(arity.code == ExitCode.parse.rawValue)
        #expect(arity.stderr.contains("'lower' takes 1 argument, not 2"), "\(arity.stderr)")
    }

    /// A pattern that backtracks for ever, over a long value: stopped with an error, not a hung run.
    @Test func aHostilePatternIsStoppedInTime() async {
        let started = ContinuousClock.now
        let run = await runScript("let t = pad(\"b\", 5000, \"a\")\nprint matches(t, \"(a+)+$\")\n")
        let took = ContinuousClock.now - started
        #expect(run.code == ExitCode.runtime.rawValue, "\(run.stderr)")
        #expect(run.stderr.contains("matches: PATTERN took longer than"), "\(run.stderr)")
        #expect(took < .seconds(10), "\(took)")
        let long = await runScript("let t = pad(\"b\", 5000, \"a\")\nprint matches(t, \"\(String(repeating: "a", count: 1001))\")\n")
        #expect(long.stderr.contains("PATTERN is 1001 characters long; at most 1000"), "\(long.stderr)")
    }
}
