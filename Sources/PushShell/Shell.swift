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
    var typed = TypedEntries()
    /// The text of the entries that ran without error.
    public var transcript: [String] { typed.entries.map(\.text) }
    var entryCount = 0
    /// Where `learn` finds lessons and keeps progress.
    public var learnSettings = LearnSettings()
    /// The lesson in progress, and what `learn` keeps between lessons.
    var learning = Learning()
    /// Whether leaving was already refused once because of an active session.
    var warnedAboutActiveSessions = false
    /// The `connect` that says where this shell started, for `save`.
    let startingConnect: String
    /// For each variable defined at the prompt, the variables its value came
    /// from: a key made of variables makes all of them secret.
    var definitions: [String: Set<String>] = [:]
    /// The entries that defined each variable, to scrub from history once it turns out to hold a key.
    var definingEntries: [String: Set<String>] = [:]
    /// Variables last defined as `env("NAME")`: a key read through one is no secret in the line.
    var referenceVariables: Set<String> = []

    /// Variables a key was made from, through any number of `let`s.
    var secretVariables: Set<String> {
        Secrets.closure(of: interpreter.keyVariables.subtracting(referenceVariables), definitions: definitions)
    }

    public init(interpreter: Interpreter, lines: LineSource, output: ScriptOutput, history: HistoryFile?) {
        self.interpreter = interpreter
        self.lines = lines
        self.output = output
        self.history = history
        self.startingConnect = interpreter.connection.connectStatement
        // The shell says it once, with the history notice (see `record`).
        interpreter.warnsAboutTypedKeys = false
        interpreter.shellCommand = { [unowned self] statement in try await self.shellCommand(statement) }
    }

    /// The interpreter entries go to now: the learner's, or a lesson's.
    public var activeInterpreter: Interpreter { interpreter }

    /// The greeting: where commands go, and how to get help and leave.
    public var banner: String {
        let connection = interpreter.connection
        let profile = connection.profile.map { "profile \($0.name): " } ?? ""
        let target =
            connection.sandbox != nil
            ? "the built-in sandbox (integration \(connection.client.configuration.integrationID))\nNothing leaves this machine. "
            : "\(profile)\(connection.client.configuration.baseURL) (integration \(connection.client.configuration.integrationID))\n"
        // Lines under 80 columns: the first thing a newcomer reads at 80x24 is not wrapped mid-word.
        return "pushsh 0.1.0 on \(target)Type help for commands, learn for a guided tour.\nTab completes; exit, quit or Ctrl-D leaves."
    }

    /// Colour for what goes to the error stream, decided for that stream.
    var errorStyle: TerminalStyle { TerminalStyle(enabled: output.errorColor) }

    /// Runs until Ctrl-D or `exit`; returns the exit code.
    ///
    /// - Parameter lesson: start in this lesson (`pushsh learn NAME`); `""` for the next one not done.
    public func run(showBanner: Bool = true, lesson: String? = nil) async -> Int32 {
        if showBanner { output.line(banner) }
        if let warning = history?.permissionWarning { output.errorLine(errorStyle.warning("warning:") + " " + warning) }
        if let note = stopNote?.take() { output.errorLine(errorStyle.note("note:") + " " + note) }
        history?.entries.forEach(lines.remember)
        if let lesson {
            do { try await learn(lesson, at: nil) } catch let error as ScriptError { interpreter.report(error) } catch {}
        }
        while true {
            if let signal = stopRequest { return await stop(by: signal) }
            guard let entry = readEntry() else {
                if let signal = stopRequest { return await stop(by: signal) }
                output.line("")
                if warnAboutActiveSessions() { continue }
                return ExitCode.ok.rawValue
            }
            if entry.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            if await lessonControl(entry) { continue }
            record(entry)
            entryCount += 1
            let tour = beginLessonEntry()
            let outcome = await runTyped(entry)
            switch outcome {
            case .exit(let code):
                if warnAboutActiveSessions() { continue }
                return code
            case .done:
                noteUnnamedSession(after: entry)
            case .failed: break
            }
            protectKeys(after: entry)
            await endLessonEntry(tour, entry: entry, outcome: outcome)
        }
    }

    /// SIGHUP (the terminal went away) or SIGTERM: what a script does on that
    /// signal (the sessions this shell started and left active discarded,
    /// unless `set on_error keep`), noted for the next shell, which says it.
    func stop(by signal: StopSignal) async -> Int32 {
        await interpreter.cleanUpAfterSignal(signal)
        stopNote?.record(signal, sessions: interpreter.startedSessions)
        return signal.exitCode.rawValue
    }

    /// SIGHUP or SIGTERM, or an output that can no longer be written (a
    /// terminal gone, `> /dev/full`): the shell cannot go on.
    var stopRequest: StopSignal? { Self.stopRequest() }

    static func stopRequest() -> StopSignal? {
        if let signal = Interrupts.stop { return signal }
        guard let failure = StandardStreams.failure else { return nil }
        // The shell writes to its terminal: EIO there is a hang-up, whether its SIGHUP came first or not.
        return failure.code == EIO ? .hangup : failure.stop
    }

    var stopNote: ShellStopNote? { history.map { ShellStopNote(historyPath: $0.path) } }

    /// On the first `exit` or Ctrl-D while a session this shell started is
    /// still active: says so once and offers both ways out; true means stay.
    /// A second `exit` leaves the session as it is.
    ///
    /// Only sessions the shell can still reach are listed, each with lines
    /// that work as typed: on another service than the current one (the
    /// built-in sandbox, after a `connect` elsewhere) the `connect` back comes
    /// first. A session on a service the shell has left is said in one line.
    func warnAboutActiveSessions() -> Bool {
        guard !warnedAboutActiveSessions else { return false }
        let active = interpreter.startedSessions.filter { $0.state == .active }
        guard !active.isEmpty else { return false }
        warnedAboutActiveSessions = true
        let here = interpreter.connection.service
        for handle in active {
            let staged = handle.snapshot.acceptedRecordsTotal
            let records = "\(staged) record\(staged == 1 ? "" : "s") staged"
            guard interpreter.reachableConnection(for: handle.service) != nil else {
                output.errorLine(
                    errorStyle.warning("warning:")
                        + " session \(handle.id) on \(handle.service.description) may still be active (\(records)); this shell "
                        + "is no longer connected there; it expires after an hour without requests")
                continue
            }
            let name = sessionName(handle, orID: true)
            let back = handle.service == here ? "" : "  first:       \(handle.service.connectStatement)\n"
            output.errorLine(
                errorStyle.warning("warning:")
                    + " session \(handle.id) is still active (\(records)); while it is, "
                    + "the integration cannot start another one.\n\(back)  discard it:  close \(name) discard\n  apply it:    close \(name) apply\n"
                    + "  or type exit, quit or Ctrl-D again to leave it active; it expires after an hour without requests")
        }
        return true
    }

    /// After a bare `start`: how to name the session it left, so that it
    /// need not be copied from the output (`let s = last_session`).
    func noteUnnamedSession(after entry: String) {
        let statements = Parser.parse(SourceFile(name: "<prompt>", text: entry)).program.statements
        guard statements.contains(where: { if case .start = $0.kind { return true } else { return false } }),
            let session = interpreter.lastSession, sessionName(session, orID: false) == Interpreter.lastSessionName
        else { return }
        let free = ["s"] + (2...99).map { "s\($0)" }
        let name = free.first { interpreter.variables[$0] == nil } ?? "session"
        output.errorLine(
            errorStyle.dim(
                "(no name holds \(session.id): it is last_session until another session command; keep it with: let \(name) = last_session)")
        )
    }

    /// The variable that holds `handle` (the learner's own before
    /// `last_session`); with `orID`, the quoted id when none does.
    func sessionName(_ handle: SessionHandle, orID: Bool) -> String {
        let holding = interpreter.variables.filter { entry in
            if case .session(let held) = entry.value { return held === handle || held.id == handle.id && held.service == handle.service }
            return false
        }.keys
        if let own = holding.filter({ $0 != Interpreter.lastSessionName }).sorted().first { return own }
        if holding.contains(Interpreter.lastSessionName) && !orID { return Interpreter.lastSessionName }
        return StringLiteral.quoted(handle.id)
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

    /// Runs what was typed (or a lesson's `skip` ran) and keeps it for `save`
    /// when it ran without error, with the sessions it could name.
    func runTyped(_ entry: String) async -> Interpreter.EntryOutcome {
        let folder = learning.tour?.workDirectory ?? FileManager.default.currentDirectoryPath
        var sessions: [String: String] = [:]
        for handle in interpreter.knownSessionHandles where handle.service == interpreter.connection.service {
            let name = sessionName(handle, orID: false)
            sessions[handle.id] = name.hasPrefix("\"") ? "" : name
        }
        let startedBefore = interpreter.startedSessions.count
        let tour = learning.tour
        let outcome = await runCancellable(entrySource(entry))
        // An entry that started or left a lesson belongs to neither transcript.
        guard learning.tour === tour else { return outcome }
        // After `set on_error continue` a failure is one the flow goes past
        // (an expected 409, a rejected page whose last_push is read next): a
        // script replays it the same way. A line that does not parse never is.
        var goesPast = false
        if case .failed(let code) = outcome { goesPast = code != .parse && interpreter.settings.onError == .continue }
        if outcome == .done || goesPast {
            let started = interpreter.startedSessions.dropFirst(startedBefore).map(\.id)
            typed.entries.append(TranscriptEntry(text: entry, folder: folder, sessions: sessions, started: started))
        }
        return outcome
    }

    /// Runs an entry in a task that Ctrl-C cancels.
    func runCancellable(_ source: SourceFile) async -> Interpreter.EntryOutcome {
        let interpreter = self.interpreter
        Interrupts.clear()
        return await StoppableWork.run {
            await interpreter.runEntry(source)
        } stoppingWhen: {
            if let signal = Shell.stopRequest() {
                interpreter.interrupt(signal)
                return true
            }
            guard Interrupts.pending else { return false }
            Interrupts.clear()
            return true
        }
    }

    /// Keeps the entry for Up/Down and in the history file, unless it holds a key.
    func record(_ entry: String) {
        if Secrets.containsSecret(entry, knownKeys: interpreter.keysUsed) {
            output.errorLine(
                "(not kept in history: the line holds an API key; key env(\"SPRINTO_API_KEY\"), key file PATH, key prompt or connect profile NAME keep it out of sight)"
            )
            return
        }
        lines.remember(entry)
        history?.add(entry)
    }

    /// After an entry ran: any value now used as a key is a secret, so every
    /// history entry holding it, or defining a variable it was made from, goes
    /// (entries of earlier sessions included: the file is rewritten).
    func protectKeys(after entry: String) {
        let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
        for (name, from, isReference) in Secrets.definitions(in: SourceFile(name: "<prompt>", text: entry)) {
            definitions[name, default: []].formUnion(from)
            if isReference {
                referenceVariables.insert(name)
            } else {
                referenceVariables.remove(name)
                definingEntries[name, default: []].insert(trimmed)
            }
        }
        let keys = interpreter.keysUsed
        let tainted = secretVariables.reduce(into: Set<String>()) { $0.formUnion(definingEntries[$1] ?? []) }
        let holdsKey: (String) -> Bool = { tainted.contains($0) || Secrets.containsKnownKey($0, knownKeys: keys) }
        let removal = history?.remove(where: holdsKey) ?? .removed(0)
        let forgotten = lines.forget(where: holdsKey)
        switch removal {
        case .failed(let count, let reason):
            // Never "removed" unless it was: the key is still on disk, and the user must know where.
            output.errorLine(
                errorStyle.warning("warning:")
                    + " \(count) earlier history entr\(count == 1 ? "y" : "ies") holding the key could not be removed from "
                    + "\(history?.path ?? "the history") (\(reason)); the key is still in that file: remove those lines by hand "
                    + "or delete the file")
        case .removed(let removed):
            if max(removed, forgotten) > 0 {
                let count = max(removed, forgotten)
                output.errorLine("(\(count) earlier history entr\(count == 1 ? "y" : "ies") holding the key removed)")
            }
        }
    }

    // MARK: Prompts

    /// `sandbox s:active> `: where commands go, and how the last session stands.
    func mainPrompt() -> String {
        let paint = TerminalStyle(enabled: output.color, inPrompt: true)
        let label = interpreter.connection.label
        var text = lessonPromptPrefix + paint.target(label, isSandbox: label == "sandbox")
        if let session = interpreter.lastSession {
            // A session no variable holds is `last_session`: a name that can be typed.
            text += " " + sessionName(session, orID: false) + ":" + paint.state(session.state.rawValue)
        }
        return text + "> "
    }

    func continuationPrompt() -> String {
        String(repeating: " ", count: max(0, lessonPromptPrefix.count + interpreter.connection.label.count - 3)) + "...> "
    }

    // MARK: Shell-only commands

    func shellCommand(_ statement: Statement) async throws {
        switch statement.kind {
        case .save(let pathExpr, let replace, let entries):
            guard case .literal(.string(let typed), _) = pathExpr else {
                throw ScriptError(.runtime, "save takes a file name in quotes: save \"flow.push\"", at: pathExpr.range)
            }
            try save(to: typed, replace: replace, entries: try chosen(entries), at: pathExpr.range)
        case .learn(let topic):
            try await learn(topic?.value, at: statement.range)
        default:
            break
        }
    }
}

extension Shell {
    /// The entries `save` writes: all, the last N, or those since the last save.
    func chosen(_ entries: SaveEntries) throws -> ArraySlice<TranscriptEntry> {
        switch entries {
        case .all:
            return typed.entries[...]
        case .sinceLastSave:
            return typed.entries[(typed.savedUpTo ?? 0)...]
        case .last(let expr):
            let rule = ArgumentRule.saveLast
            guard case .int(let count) = try interpreter.evaluate(expr, with: [:]) else {
                throw ScriptError(.runtime, rule.notAWholeNumber("that"), at: expr.range, hint: rule.example)
            }
            guard rule.bounds.contains(count) else {
                throw ScriptError(.runtime, rule.outOfBounds(count), at: expr.range, hint: rule.example)
            }
            return typed.entries.suffix(Int(count))
        }
    }

    /// `save PATH [last N | since last save] [replace]`: entries as a script
    /// that replays from its own folder, which is made if missing.
    func save(to typed: String, replace: Bool, entries: ArraySlice<TranscriptEntry>, at range: SourceRange) throws {
        let path = PathText.absolute(resolveTypedPath(typed))
        let context = SaveContext(
            target: path, secretVariables: secretVariables, referenceVariables: referenceVariables,
            // A lesson's script is included in the lesson's own sandbox: no connect of its own.
            keys: interpreter.keysUsed, startingConnect: learning.tour == nil ? startingConnect : nil)
        let script = Transcript.script(from: Array(entries), context: context)
        guard script.statements > 0 else {
            let which = entries.count == self.typed.entries.count ? "in this shell" : "in the entries chosen"
            throw ScriptError(.runtime, "nothing to save yet: no statement that does something has run \(which)", at: range)
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            if isFolder.boolValue { throw ScriptError(.runtime, "\(typed) is a folder", at: range, hint: "save \"\(typed)/flow.push\"") }
            guard replace else {
                throw ScriptError(
                    .runtime, "\(typed) exists already; it was kept", at: range, hint: "save \"\(typed)\" replace   (to write over it)")
            }
        }
        let folder = (path as NSString).deletingLastPathComponent
        let madeFolder = !FileManager.default.fileExists(atPath: folder)
        do {
            if madeFolder { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            try script.text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw ScriptError(.runtime, "cannot write \(typed): \(error.localizedDescription)", at: range)
        }
        let shown = resolveTypedPath(typed)
        var message = "saved \(script.statements) statement\(script.statements == 1 ? "" : "s") to \(shown)"
        if madeFolder { message += " (made the folder \(PathText.relative(folder, from: FileManager.default.currentDirectoryPath)))" }
        message += "; run it with: "
        if let variable = script.keyVariable { message += "\(variable)=... " }
        message += "pushsh \(shown)"
        output.line(message)
        warnAboutLeftOut(script, path: path)
        self.typed.savedUpTo = self.typed.entries.count
        learning.tour?.saved = path
    }

    /// What `save` could not write as typed: statements naming a session the
    /// script does not start, and names the saved lines read but never define.
    func warnAboutLeftOut(_ script: SavedScript, path: String) {
        if !script.leftOutSessions.isEmpty {
            let count = script.leftOutSessions.count
            output.errorLine(
                errorStyle.warning("warning:")
                    + " left out \(count) statement\(count == 1 ? "" : "s") (in the file as comments):\n"
                    + script.leftOutSessions.map { "  " + $0 }.joined(separator: "\n"))
        }
        let undefined = Transcript.undefinedNames(in: script.text, path: path)
        if !undefined.isEmpty {
            output.errorLine(
                errorStyle.warning("warning:") + " the saved lines read \(undefined.map { "'\($0)'" }.joined(separator: ", ")), "
                    + "defined before the entries saved: add the definition, or save more (save \"FILE\" last N, or without a range)")
        }
    }
}
