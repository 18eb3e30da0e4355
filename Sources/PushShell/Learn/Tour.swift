import Foundation
import PushAPI
import PushScript
import PushSyntax

/// The exchanges an entry made, collected by the client's observer.
final class ExchangeLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [SeenExchange] = []
    func add(_ exchange: Exchange) {
        let seen = SeenExchange(exchange)
        lock.lock()
        items.append(seen)
        lock.unlock()
    }
    func drain() -> [SeenExchange] {
        lock.lock()
        defer { lock.unlock() }
        let all = items
        items = []
        return all
    }
}

/// A lesson in progress: which step, what the learner just did, and how to tell a step is done.
///
/// The tour never decides from what was typed: after each entry it reads the
/// lesson sandbox (``SandboxFacts``) and evaluates the step's `check:`
/// expressions with the interpreter, alongside the learner's own variables.
final class Tour {
    let lesson: Lesson
    /// The lesson's own interpreter, on a fresh built-in sandbox.
    let interpreter: Interpreter
    /// The folder the lesson works in: its data files, `save`, relative paths.
    let workDirectory: String
    /// The learner's own interpreter and transcript, put back when the lesson ends.
    let learnerInterpreter: Interpreter
    let learnerTranscript: TypedEntries
    let output: ScriptOutput
    let log = ExchangeLog()

    private(set) var stepIndex = 0
    private(set) var skipped: Set<Int> = []
    /// The last exchange of the lesson, and those of the last entry.
    var last: SeenExchange?
    var entryExchanges: [SeenExchange] = []
    var lastCommand = ""
    var lastOK = true
    /// The file `save` last wrote in this lesson.
    var saved: String?
    /// The sandbox as it stood before the entry being run.
    var before = SandboxFacts()
    /// Entries since the step was shown that did not complete it.
    var misses = 0
    /// `${...}` in the lesson's text that could not be worked out (tests insist there are none).
    private(set) var textProblems: [String] = []

    init(
        lesson: Lesson, interpreter: Interpreter, workDirectory: String, learner: Interpreter, learnerTranscript: TypedEntries,
        output: ScriptOutput
    ) {
        self.lesson = lesson
        self.interpreter = interpreter
        self.workDirectory = workDirectory
        self.learnerInterpreter = learner
        self.learnerTranscript = learnerTranscript
        self.output = output
        let log = self.log
        interpreter.exchangeObserver = { exchange in log.add(exchange) }
    }

    var finished: Bool { stepIndex >= lesson.steps.count }
    var step: LessonStep? { finished ? nil : lesson.steps[stepIndex] }
    var paint: TerminalStyle { TerminalStyle(enabled: output.color) }

    // MARK: What checks and texts can use

    /// The names a check or a `${...}` in the text can use, besides the learner's variables.
    func variables(_ facts: SandboxFacts) -> [String: Value] {
        var events: [(key: String, value: Value)] = SandboxFacts.eventTypes.map { ($0, .int(Int64(facts.events[$0] ?? 0))) }
        for (type, count) in facts.events.sorted(by: { $0.key < $1.key }) where !SandboxFacts.eventTypes.contains(type) {
            events.append((type, .int(Int64(count))))
        }
        return [
            "session": facts.sessions.last?.value ?? .null,
            "sessions": .array(facts.sessions.map(\.value)),
            "counts": .object(facts.counts.map { (key: $0.0, value: Value.int(Int64($0.1))) }),
            "events": .object(events),
            "records": .array(facts.records.map(Value.init)),
            "last": last?.value ?? .null,
            "exchanges": .array(entryExchanges.map(\.value)),
            "command": .string(lastCommand),
            "ok": .bool(lastOK),
            "saved": saved.map(Value.string) ?? .null,
            "failures_planned": .int(Int64(facts.failuresPlanned)),
            "page_size": .int(Int64(interpreter.settings.pageSize)),
            "push_concurrency": .int(Int64(interpreter.settings.pushConcurrency)),
            "clock": .string(facts.now),
            "work": .string(workDirectory),
        ]
    }

    /// Each check of the current step: whether it holds now, or why it could not be worked out.
    func evaluateChecks(_ facts: SandboxFacts? = nil) -> [(check: LessonCheck, met: Bool, note: String?)] {
        guard let step else { return [] }
        let names = variables(facts ?? SandboxFacts.read(interpreter.connection))
        return step.checks.map { check in
            do {
                let value = try interpreter.evaluate(check.expression, with: names)
                return (check, value.isTruthy, value.isTruthy ? nil : leftSide(of: check, names))
            } catch {
                return (check, false, (error as? ScriptError)?.message ?? "\(error)")
            }
        }
    }

    /// For a comparison that does not hold: what its left side is now.
    func leftSide(of check: LessonCheck, _ names: [String: Value]) -> String? {
        guard case .binary(let op, let lhs, _, _) = check.expression, op.isComparison,
            let value = try? interpreter.evaluate(lhs, with: names)
        else { return nil }
        let bytes = Array(check.text.utf8)
        let range = lhs.range.byteRange.clamped(to: 0..<bytes.count)
        return "\(String(decoding: bytes[range], as: UTF8.self)) is \(value.json.jsonText)"
    }

    /// A text of the lesson with its `${...}` worked out, the pushsh way.
    func expand(_ text: String, _ names: [String: Value]) -> String {
        guard text.contains("${") else { return text }
        let literal = "\"" + Self.escapedOutsideInterpolations(text) + "\""
        guard let expression = Parser.parseExpression(SourceFile(name: lesson.file, text: literal)).expression else {
            textProblems.append("\(lesson.file): \(text): does not parse")
            return text
        }
        do {
            let value = try interpreter.evaluate(expression, with: names)
            if case .string(let s) = value { return s }
            return value.json.jsonText
        } catch {
            textProblems.append("\(lesson.file): \(text): \(error.message)")
            return text
        }
    }

    /// Escapes `"` and `\` except inside `${...}`, so the text becomes a pushsh string.
    static func escapedOutsideInterpolations(_ text: String) -> String {
        var out = ""
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            if chars[i] == "$", i + 1 < chars.count, chars[i + 1] == "{" {
                var depth = 0
                var inString = false
                var j = i + 1
                while j < chars.count {
                    let c = chars[j]
                    if inString {
                        if c == "\\" { j += 1 } else if c == "\"" { inString = false }
                    } else if c == "\"" {
                        inString = true
                    } else if c == "{" {
                        depth += 1
                    } else if c == "}" {
                        depth -= 1
                        if depth == 0 { break }
                    }
                    j += 1
                }
                out += String(chars[i...min(j, chars.count - 1)])
                i = j + 1
                continue
            }
            if chars[i] == "\n" {
                out += "\\n"
            } else {
                if chars[i] == "\"" || chars[i] == "\\" { out.append("\\") }
                out.append(chars[i])
            }
            i += 1
        }
        return out
    }

    // MARK: Showing

    func show(_ paragraphs: [String], _ names: [String: Value], style: (String) -> String = { $0 }, indent: String = "") {
        for paragraph in paragraphs {
            for line in LessonText.lines(of: expand(paragraph, names), width: 78, indent: indent) {
                output.line(style(line))
            }
        }
    }

    /// The lesson's opening: title, intro, how to move around, then the first step.
    func showOpening() {
        let names = variables(SandboxFacts.read(interpreter.connection))
        output.line("")
        output.line(paint.heading("── Lesson: \(lesson.title) (\(lesson.steps.count) steps) ──"))
        show(lesson.intro, names)
        output.line(paint.dim("This lesson runs on a fresh sandbox of its own, in \(workDirectory);"))
        output.line(paint.dim("your variables and connection come back when it ends. In a lesson, type"))
        output.line(paint.dim("hint (the suggestion again), skip (do this step for me), back, or quit."))
        showStep()
    }

    /// The current step: what is about to happen and why, and the command to try.
    func showStep() {
        guard let step else { return }
        misses = 0
        let names = variables(SandboxFacts.read(interpreter.connection))
        output.line("")
        output.line(paint.heading("── \(lesson.name) · step \(stepIndex + 1) of \(lesson.steps.count): \(step.title) ──"))
        show(step.say, names)
        showSuggestion(step)
    }

    func showSuggestion(_ step: LessonStep) {
        let lines = step.suggestion.components(separatedBy: "\n")
        output.line("  " + paint.hint("try:") + "  " + paint.bold(lines[0]))
        for line in lines.dropFirst() { output.line("        " + paint.bold(line)) }
    }

    func showHint() {
        guard let step else { return }
        let names = variables(SandboxFacts.read(interpreter.connection))
        if step.hint.isEmpty {
            output.line(paint.hint("hint:") + " type the suggested command (or skip to have it done for you).")
        } else {
            // Only the label is coloured, as under an error: the hint's words stay plain.
            let paragraphs = step.hint.enumerated().map { $0.offset == 0 ? "hint: " + $0.element : $0.element }
            var first = true
            show(
                paragraphs, names,
                style: { line in
                    defer { first = false }
                    guard first, line.hasPrefix("hint:") else { return line }
                    return paint.hint("hint:") + line.dropFirst("hint:".count)
                })
        }
        // Said once: a hint that already gives the command is not followed by it again.
        let command = step.suggestion.components(separatedBy: "\n")[0].trimmingCharacters(in: .whitespaces)
        if !step.hint.contains(where: { $0.contains(command) }) { showSuggestion(step) }
    }

    // MARK: Entries

    /// Before an entry runs: remember how the sandbox stands, to show what changed.
    func beginEntry() {
        _ = log.drain()
        before = SandboxFacts.read(interpreter.connection)
    }

    /// After an entry ran: what happened, then whether the step is done.
    /// Returns true when the step was completed.
    @discardableResult
    func endEntry(_ entry: String, outcome: Interpreter.EntryOutcome, nudge: Bool = true) -> Bool {
        entryExchanges = log.drain()
        if let newest = entryExchanges.last { last = newest }
        let parsed = Parser.parse(SourceFile(name: "<prompt>", text: entry))
        lastCommand = parsed.program.statements.first.map(Self.commandWord) ?? ""
        if case .done = outcome { lastOK = true } else { lastOK = false }
        let after = SandboxFacts.read(interpreter.connection)

        let happened = WhatHappened.exchangeLines(entryExchanges) + WhatHappened.changeLines(before: before, after: after)
        if !happened.isEmpty {
            output.line(paint.dim("what happened:"))
            for line in happened { output.line(paint.dim("  " + line)) }
        }
        guard let step else { return false }
        let results = evaluateChecks(after)
        if results.allSatisfy(\.met) {
            let names = variables(after)
            output.line(paint.success("✓ step \(stepIndex + 1) done: \(step.title)"))
            show(step.done, names)
            stepIndex += 1
            return true
        }
        misses += 1
        guard nudge else { return false }
        if !lastOK {
            // The error (with its own hint) is on the screen already: the
            // step's hint follows the first time only, not after every error.
            if misses == 1 { showHint() }
        } else if !entryExchanges.isEmpty {
            let missing = results.first { !$0.met }
            var why = "this step is done when \(missing?.check.text ?? "its check holds")"
            if let note = missing?.note { why += " (now \(note))" }
            output.line(paint.warning("not yet:") + " " + why)
            if misses >= 2 { showHint() }
        }
        return false
    }

    /// The command an entry ran: for `let x = status s`, `status`.
    static func commandWord(_ statement: Statement) -> String {
        if case .let(_, .command(let inner)) = statement.kind { return inner.commandWord }
        return statement.commandWord
    }

    /// `skip`: the step is marked skipped (its suggestion has been run by the shell).
    func skipStep() {
        guard !finished else { return }
        skipped.insert(stepIndex)
        stepIndex += 1
    }

    /// `back`: a lesson started again and replayed up to `step` goes on from there.
    func resume(at step: Int) {
        stepIndex = min(max(step, 0), lesson.steps.count)
        misses = 0
    }

    /// The closing text once every step is done.
    func showSummary() {
        let names = variables(SandboxFacts.read(interpreter.connection))
        output.line("")
        output.line(paint.heading("── Lesson complete: \(lesson.title) ──"))
        show(lesson.summary, names)
        if !skipped.isEmpty {
            output.line(
                paint.dim(
                    "(you skipped step\(skipped.count == 1 ? "" : "s") \(skipped.sorted().map { "\($0 + 1)" }.joined(separator: ", ")))"))
        }
    }
}

/// Wrapping lesson text: prose lines are joined and wrapped; lines starting with `|` are kept as they are.
enum LessonText {
    static func lines(of text: String, width: Int, indent: String = "") -> [String] {
        var result: [String] = []
        var prose: [String] = []
        func flush() {
            guard !prose.isEmpty else { return }
            result += wrap(prose.joined(separator: " "), width: width, indent: indent)
            prose = []
        }
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("|") {
                flush()
                var kept = line.dropFirst()
                if kept.first == " " { kept = kept.dropFirst() }
                result.append(indent + "  " + kept)
            } else {
                prose.append(line)
            }
        }
        flush()
        return result
    }

    static func wrap(_ text: String, width: Int, indent: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !current.isEmpty, current.count + 1 + word.count > width - indent.count {
                lines.append(indent + current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(indent + current) }
        return lines
    }
}
