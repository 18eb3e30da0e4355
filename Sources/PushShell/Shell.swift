import Foundation
import PushAPI
import PushScript
import PushSyntax

/// The interactive loop: reads entries (continuing open brackets, strings and
/// blocks over several lines), runs them, keeps history, and never ends on an error.
public final class Shell {
    /// The learner's interpreter, or during a lesson the lesson's own (see `learn`).
    var interpreter: Interpreter
    let lines: LineSource
    let output: ScriptOutput
    let history: HistoryFile?
    /// Entries that ran without error, for `save`.
    public internal(set) var transcript: [String] = []
    var entryCount = 0
    /// Where `learn` finds lessons and keeps progress.
    public var learnSettings = LearnSettings()
    /// The lesson in progress, and what `learn` keeps between lessons.
    var learning = Learning()
    /// Whether leaving was already refused once because of an active session.
    var warnedAboutActiveSessions = false

    public init(interpreter: Interpreter, lines: LineSource, output: ScriptOutput, history: HistoryFile?) {
        self.interpreter = interpreter
        self.lines = lines
        self.output = output
        self.history = history
        interpreter.shellCommand = { [unowned self] statement in try await self.shellCommand(statement) }
    }

    /// The interpreter entries go to now: the learner's, or a lesson's.
    public var activeInterpreter: Interpreter { interpreter }

    /// The greeting: where commands go, and how to get help and leave.
    public var banner: String {
        let connection = interpreter.connection
        let target = connection.sandbox != nil
            ? "the built-in sandbox (integration \(connection.client.configuration.integrationID)); nothing leaves this machine"
            : "\(connection.client.configuration.baseURL) (integration \(connection.client.configuration.integrationID))"
        return "pushsh 0.1.0 on \(target)\nType help for commands, learn for a guided tour. Tab completes; Ctrl-D or exit leaves."
    }

    /// Runs until Ctrl-D or `exit`; returns the exit code.
    ///
    /// - Parameter lesson: start in this lesson (`pushsh learn NAME`); `""` for the next one not done.
    public func run(showBanner: Bool = true, lesson: String? = nil) async -> Int32 {
        if showBanner { output.line(banner) }
        if let warning = history?.permissionWarning { output.errorLine("warning: " + warning) }
        history?.entries.forEach(lines.remember)
        if let lesson {
            do { try await learn(lesson, at: nil) } catch let error as ScriptError { interpreter.report(error) } catch {}
        }
        while true {
            guard let entry = readEntry() else {
                output.line("")
                if warnAboutActiveSessions() { continue }
                return 0
            }
            if entry.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            if await lessonControl(entry) { continue }
            record(entry)
            entryCount += 1
            let tour = beginLessonEntry()
            let source = SourceFile(name: entrySourceName, text: entry)
            let outcome = await runCancellable(source)
            switch outcome {
            case .exit(let code):
                if warnAboutActiveSessions() { continue }
                return code
            case .done: transcript.append(entry)
            case .failed: break
            }
            await endLessonEntry(tour, entry: entry, outcome: outcome)
        }
    }

    /// On the first `exit` or Ctrl-D while a session this shell started is
    /// still active: says so once and offers both ways out; true means stay.
    /// A second `exit` leaves the session as it is.
    func warnAboutActiveSessions() -> Bool {
        guard !warnedAboutActiveSessions else { return false }
        let active = interpreter.startedSessions.filter { $0.state == .active }
        guard !active.isEmpty else { return false }
        warnedAboutActiveSessions = true
        for handle in active {
            let name = interpreter.variables.sorted { $0.key < $1.key }.first { entry in
                if case .session(let h) = entry.value { return h.id == handle.id }
                return false
            }?.key ?? "\"\(handle.id)\""
            let staged = handle.snapshot.acceptedRecordsTotal
            output.errorLine(
                "warning: session \(handle.id) is still active (\(staged) record\(staged == 1 ? "" : "s") staged); while it is, "
                    + "the integration cannot start another one.\n  discard it:  close \(name) discard\n  apply it:    close \(name) apply\n"
                    + "  or type exit (or Ctrl-D) again to leave it active; it expires after an hour without requests")
        }
        return true
    }

    /// One entry: a line, plus continuation lines while the parser says it is unfinished.
    func readEntry() -> String? {
        var entry = ""
        var prompt = mainPrompt()
        while true {
            switch lines.read(prompt: prompt) {
            case .end:
                return entry.isEmpty ? nil : entry
            case .interrupted:
                output.line("")
                entry = ""
                prompt = mainPrompt()
            case .line(let line):
                entry += entry.isEmpty ? line : "\n" + line
                if Parser.parse(SourceFile(name: "<prompt>", text: entry)).isIncomplete {
                    prompt = continuationPrompt()
                    continue
                }
                return entry
            }
        }
    }

    /// Runs an entry in a task that Ctrl-C cancels.
    func runCancellable(_ source: SourceFile) async -> Interpreter.EntryOutcome {
        let interpreter = self.interpreter
        Interrupts.clear()
        let work = Task { await interpreter.runEntry(source) }
        let watcher = Task {
            while !Task.isCancelled {
                if Interrupts.pending {
                    Interrupts.clear()
                    work.cancel()
                    return
                }
                try? await Task.sleep(for: .milliseconds(25))
            }
        }
        let outcome = await work.value
        watcher.cancel()
        return outcome
    }

    /// Keeps the entry for Up/Down and in the history file, unless it holds a key.
    func record(_ entry: String) {
        let knownKeys = [interpreter.connection.client.configuration.apiKey.revealed]
            .filter { $0.count >= 8 && $0 != "sandbox-key" }
        if Secrets.containsSecret(entry, knownKeys: knownKeys) {
            output.errorLine("(not kept in history: the line holds an API key)")
            return
        }
        lines.remember(entry)
        history?.add(entry)
    }

    // MARK: Prompts

    /// `sandbox s:active> `: where commands go, and how the last session stands.
    func mainPrompt() -> String {
        let paint = PromptPaint(enabled: output.color)
        var text = lessonPromptPrefix + paint.target(interpreter.connection.label)
        if let session = interpreter.lastSession {
            let name = interpreter.variables.sorted { $0.key < $1.key }.first { entry in
                if case .session(let h) = entry.value { return h.id == session.id }
                return false
            }?.key ?? session.id
            text += " " + name + ":" + paint.state(session.state.rawValue)
        }
        return text + "> "
    }

    func continuationPrompt() -> String {
        String(repeating: " ", count: max(0, lessonPromptPrefix.count + interpreter.connection.label.count - 3)) + "...> "
    }

    // MARK: Shell-only commands

    func shellCommand(_ statement: Statement) async throws {
        switch statement.kind {
        case .save(let pathExpr):
            guard case .literal(.string(let typed), _) = pathExpr else {
                throw ScriptError(.runtime, "save takes a file name in quotes: save \"flow.push\"", at: pathExpr.range)
            }
            let path = resolveTypedPath(typed)
            let script = Transcript.script(from: transcript)
            do {
                try script.text.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw ScriptError(.runtime, "cannot write \(path): \(error.localizedDescription)", at: pathExpr.range)
            }
            output.line("saved \(script.statements) statement\(script.statements == 1 ? "" : "s") to \(path); run it with: pushsh \(path)")
            learning.tour?.saved = path
        case .learn(let topic):
            try await learn(topic?.value, at: statement.range)
        default:
            break
        }
    }
}

/// Colour in prompts: bracketed by \u{1} so libedit does not count it as width.
struct PromptPaint {
    let enabled: Bool
    func wrap(_ text: String, _ code: String) -> String {
        enabled ? "\u{1}\u{1B}[\(code)m\u{1}\(text)\u{1}\u{1B}[0m\u{1}" : text
    }
    func target(_ label: String) -> String { wrap(label, label == "sandbox" ? "36" : "35;1") }
    func state(_ state: String) -> String {
        switch state {
        case "processed": return wrap(state, "32")
        case "failed", "expired": return wrap(state, "31")
        case "processing": return wrap(state, "36")
        default: return wrap(state, "1")
        }
    }
}
