import PushSyntax
import Testing

@testable import PushScript

/// How a failed statement is written out: clipped, then details, then the hint.
@Suite struct ErrorReportTests {
    let script = SourceFile(name: "run.push", text: "let s = start \"hr\"\npush s from \"people.json\"\n")
    var pushPlace: SourceRange {
        SourceRange(
            file: "run.push", start: SourceLocation(line: 2, column: 6, offset: 24), end: SourceLocation(line: 2, column: 6, offset: 25))
    }

    @Test func aPlacedErrorShowsTheLineThenDetailsThenTheHint() {
        let error = ScriptError(
            .refused, "push failed: the page was rejected", at: pushPlace,
            details: ["POST /v1/sessions/s1/batches → 400 Bad Request", "record 3 (employee) workEmail: not an email address"],
            hint: "fix the records named above")
        let text = ErrorReport(error).text(sources: ["run.push": script], color: false)
        #expect(
            text == """
                run.push:2:6: error: push failed: the page was rejected
                  2 | push s from "people.json"
                    |      ^
                  POST /v1/sessions/s1/batches → 400 Bad Request
                  record 3 (employee) workEmail: not an email address
                hint: fix the records named above
                """)
    }

    @Test func withoutItsFileAtHandTheErrorStandsAlone() {
        let error = ScriptError(.runtime, "no connection", at: pushPlace, details: ["one", "two"], hint: "connect first")
        #expect(ErrorReport(error).text(sources: [:], color: false) == "error: no connection\n  one\n  two\nhint: connect first")
        let unplaced = ScriptError(.runtime, "no connection")
        #expect(ErrorReport(unplaced).text(sources: ["run.push": script], color: false) == "error: no connection")
    }

    /// The hint that was cut mid-word at 300 characters (issue 22): a long
    /// push error's hint with the resume advice folded in is shown whole, and
    /// one past the hint limit is cut between words.
    @Test func hintsAreNeverCutMidWord() {
        var error = ScriptError(
            .runtime, "push stopped",
            hint:
                "the accepted records are staged; fix the rejected ones and push only them again; to accept partial pages and go on, say: set partial_pages accept"
        )
        error.resume = "push ... from \"a-rather-long-folder-name/and-a-longer-file-name-for-the-export.jsonl\" skip 1200"
        error.sessionsDiscarded = true
        let hint = ErrorReport(error).error.hint ?? ""
        #expect(hint.count > 300)
        #expect(hint.hasSuffix("set on_error keep, or --keep-sessions)"))
        let words = (1...600).map { "word\($0)" }.joined(separator: " ")
        let clipped = ErrorReport(ScriptError(.runtime, "bad", hint: words)).error.hint ?? ""
        #expect(clipped.count <= ErrorReport.longestHint + 2)
        #expect(clipped.hasSuffix(" …"))
        let lastWord = clipped.dropLast(2).split(separator: " ").last.map(String.init) ?? ""
        #expect(words.split(separator: " ").map(String.init).contains(lastWord))
    }

    @Test func longLinesAndLongListsAreClipped() {
        let long = String(repeating: "x", count: 400)
        let error = ScriptError(.runtime, "bad", details: (1...50).map { "problem \($0) " + long }, hint: long)
        let report = ErrorReport(error)
        #expect(report.error.details.count == 40)
        #expect(report.error.details.last?.hasPrefix("problem 40 ") == true)
        #expect(report.error.details.allSatisfy { $0.count == 301 && $0.hasSuffix("…") })
        // A hint is pushsh's advice: not cut at 300 (that cut 'set on_error kee…' in two).
        #expect(report.error.hint == long)
        let text = report.text(sources: [:], color: false)
        #expect(text.split(separator: "\n").count == 1 + 40 + 1)
        #expect(!text.contains("problem 41 "))
        // A short hint is left as it is.
        #expect(ErrorReport(ScriptError(.runtime, "bad", hint: "short")).error.hint == "short")
    }

    @Test func theResumeAdviceFollowsTheHintUnlessTheSessionIsDiscarded() {
        var error = ScriptError(.refused, "push failed", hint: "fix the file")
        error.resume = "push s from \"people.json\" skip 200"
        #expect(ErrorReport(error).error.hint == "fix the file; to go on from there: push s from \"people.json\" skip 200")
        #expect(ErrorReport(error).error.resume == nil)
        error.sessionsDiscarded = true
        let hint = ErrorReport(error).error.hint ?? ""
        #expect(hint.hasPrefix("fix the file; this run's session is discarded below"))
        #expect(!hint.contains("skip 200"))
    }

    @Test func coloursOnlyWhenAsked() {
        let error = ScriptError(.runtime, "no connection", hint: "connect first")
        #expect(
            ErrorReport(error).text(sources: [:], color: true)
                == "\u{1B}[1;31merror:\u{1B}[0m no connection\n\u{1B}[1;36mhint:\u{1B}[0m connect first")
        #expect(!ErrorReport(error).text(sources: [:], color: false).contains("\u{1B}"))
    }

    @Test func aSignalIsNamedOnceInFrontOfTheMessage() {
        let error = ScriptError(.runtime, "push failed: cancelled")
        let stopped = ErrorReport.stopped(error, by: .interrupt)
        #expect(stopped.message == "stopped by SIGINT (Ctrl-C): push failed: cancelled")
        #expect(ErrorReport.stopped(stopped, by: .interrupt).message == stopped.message)
        #expect(ErrorReport.stopped(error, by: nil).message == error.message)
    }

    @Test func aStopOutsideAnyStatementIsLabelledInterrupted() {
        let stop = ErrorReport.interruption(by: .terminate)
        #expect(stop.exitCode == .terminated)
        #expect(ErrorReport(stop, label: "interrupted").text(sources: [:], color: false) == "interrupted: stopped by SIGTERM")
        #expect(
            ErrorReport(stop, label: "interrupted").text(sources: [:], color: true)
                == "\u{1B}[1;31minterrupted:\u{1B}[0m stopped by SIGTERM")
        // Ctrl-C at the prompt: the word alone, and the entry failed as a runtime error.
        let cancelled = ErrorReport.interruption(by: nil)
        #expect(cancelled.exitCode == .runtime)
        #expect(ErrorReport(cancelled, label: "interrupted").text(sources: [:], color: false) == "interrupted")
    }

    @Test func anUnexpectedErrorIsARuntimeErrorClippedLikeAnyOther() {
        struct Odd: Error, CustomStringConvertible { var description: String }
        let short = ErrorReport.unexpected(Odd(description: "odd"))
        #expect(short.exitCode == .runtime)
        #expect(ErrorReport(short).text(sources: [:], color: false) == "error: odd")
        let long = ErrorReport.unexpected(Odd(description: String(repeating: "y", count: 10_000)))
        #expect(long.message == String(repeating: "y", count: 300) + "…")
    }
}
