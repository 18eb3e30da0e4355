import Foundation
import PushAPI
import PushScript
import PushSyntax

/// What `learn` keeps in a shell: the lesson in progress and the lessons' folder.
struct Learning {
    var tour: Tour?
    /// The folder lessons work in, made at the first lesson.
    var workDirectory: String?
    var library: LessonLibrary?
    /// `${...}` that could not be worked out in lessons already left.
    var textProblems: [String] = []
    /// For each step of the lesson in progress, how many entries had run when
    /// it was shown: `back` replays those before the step it goes back to.
    var stepStarts: [Int: Int] = [:]
}

/// Where a lesson stands, for tests and for anyone driving the shell.
public struct LessonStatus: Sendable {
    public var lesson: String
    /// From 0; equal to `stepCount` once every step is done.
    public var stepIndex: Int
    public var stepCount: Int
    public var stepTitle: String?
    /// The command the current step suggests.
    public var suggestion: String?
    public var checks: [String]
    /// The folder the lesson works in.
    public var workDirectory: String
}

extension Shell {
    /// The lesson in progress, if any.
    public var lessonStatus: LessonStatus? {
        guard let tour = learning.tour else { return nil }
        return LessonStatus(
            lesson: tour.lesson.name, stepIndex: tour.stepIndex, stepCount: tour.lesson.steps.count, stepTitle: tour.step?.title,
            suggestion: tour.step?.suggestion, checks: tour.step?.checks.map(\.text) ?? [], workDirectory: tour.workDirectory)
    }

    /// The current step's checks as they stand now: the text, whether it holds, and why not.
    public func lessonCheckResults() -> [(check: String, met: Bool, note: String?)] {
        learning.tour?.evaluateChecks().map { ($0.check.text, $0.met, $0.note) } ?? []
    }

    /// `${...}` in lesson text that could not be worked out, in this shell so far.
    public var lessonTextProblems: [String] { learning.textProblems + (learning.tour?.textProblems ?? []) }

    /// The lessons, read once per shell.
    public func lessonLibrary() throws -> LessonLibrary {
        if let library = learning.library { return library }
        let library = try LessonLibrary.load(learnSettings)
        learning.library = library
        return library
    }

    /// Tab completion for the interpreter entries go to now (in a lesson, paths from the lesson's folder).
    public func completer() -> Completer {
        var completer = Completer.forInterpreter(interpreter)
        if let tour = learning.tour { completer.directory = tour.workDirectory }
        return completer
    }

    /// An entry as a source: `<prompt>` in messages (`<prompt>:1:5`), and in
    /// a lesson with relative paths taken from the lesson's folder.
    func entrySource(_ text: String) -> SourceFile {
        SourceFile(name: "<prompt>", text: text, directory: learning.tour?.workDirectory)
    }

    /// A path written at the prompt: in a lesson, a relative one is taken from the lesson's folder.
    func resolveTypedPath(_ path: String) -> String {
        guard let tour = learning.tour, !path.hasPrefix("/") else { return path }
        return tour.workDirectory + "/" + path
    }

    /// The prompt's prefix in a lesson: `[lifecycle 2/6] `.
    var lessonPromptPrefix: String {
        guard let tour = learning.tour else { return "" }
        return "[\(tour.lesson.name) \(min(tour.stepIndex + 1, tour.lesson.steps.count))/\(tour.lesson.steps.count)] "
    }

    // MARK: The command

    /// `learn`: the list of lessons; `learn NAME`: start one (`""`: the next one not done).
    func learn(_ name: String?, at range: SourceRange?) async throws {
        let library: LessonLibrary
        do { library = try lessonLibrary() } catch {
            throw ScriptError(.runtime, "the lessons cannot be read: \(error)", at: range)
        }
        guard let name else {
            showLessonList(library)
            return
        }
        let progress = LearnProgress(path: learnSettings.progressPath)
        let wanted = name.isEmpty ? (library.lessons.first { !progress.isDone($0.name) } ?? library.lessons.first)?.name ?? "" : name
        guard let lesson = library.lesson(named: wanted) else {
            let names = library.lessons.map(\.name)
            let suggestion = Spelling.closest(to: name, among: names).map { "learn \($0)" } ?? "learn (to list the lessons)"
            throw ScriptError(
                .runtime, "there is no lesson '\(name)'; lessons: \(names.joined(separator: ", "))", at: range, hint: suggestion)
        }
        try await startLesson(lesson, library: library, at: range)
    }

    func showLessonList(_ library: LessonLibrary) {
        let progress = LearnProgress(path: learnSettings.progressPath)
        let paint = TerminalStyle(enabled: output.color)
        let width = (library.lessons.map(\.name.count).max() ?? 8) + 2
        output.line(paint.heading("Lessons: a guided tour of the push API on a sandbox of their own"))
        for (index, lesson) in library.lessons.enumerated() {
            let mark = learning.tour?.lesson.name == lesson.name ? "here" : progress.isDone(lesson.name) ? "done" : "    "
            let number = String(index + 1).rightAligned(to: 2)
            let head = "  \(number). \(lesson.name.padded(to: width))"
            let text = "\(lesson.title): \(lesson.teaches)"
            // On a terminal, a long line wraps under the title rather than at the left edge.
            let hanging = head.count + 6
            var lines = [text]
            if let columns = interpreter.terminalWidth.map(TextFlow.lineWidth(forTerminalColumns:)), hanging + text.count > columns,
                columns - hanging >= 20
            {
                lines = TextFlow.wrap(text, width: columns - hanging)
            }
            output.line(head + (mark == "done" ? paint.success(mark) : mark) + "  " + lines[0])
            for line in lines.dropFirst() { output.line(String(repeating: " ", count: hanging) + line) }
        }
        let next = library.lessons.first { !progress.isDone($0.name) }
        if let next {
            output.line("Start one with: learn NAME (next: learn \(next.name)). In a lesson: hint, skip, back, quit.")
        } else {
            output.line("You have finished every lesson. Start one again with: learn NAME")
        }
        if let path = learnSettings.progressPath { output.line(paint.dim("(progress is kept in \(path))")) }
    }

    /// Starts a lesson on a fresh sandbox; the learner's interpreter and transcript are kept aside.
    ///
    /// With `replaying`, the lesson starts again for `back`: those entries run
    /// quietly on the fresh sandbox, and the lesson goes on at `step`.
    func startLesson(
        _ lesson: Lesson, library: LessonLibrary, at range: SourceRange?, replaying: [TranscriptEntry] = [], step: Int = 0
    ) async throws {
        if learning.tour != nil { await endLesson(completed: false, quiet: true) }
        let work = try lessonWorkDirectory(at: range)
        for file in lesson.files {
            let source = library.dataFile(file)
            let target = work + "/" + file
            try? FileManager.default.removeItem(atPath: target)
            do { try FileManager.default.copyItem(atPath: source, toPath: target) } catch {
                throw ScriptError(
                    .runtime, "lesson \(lesson.name) needs \(source), which cannot be copied: \(error.localizedDescription)", at: range)
            }
        }
        guard let sandboxes = interpreter.sandboxes else {
            throw ScriptError(.runtime, "lessons need the built-in sandbox, and this shell was started without one", at: range)
        }
        let connection = sandboxes.connection(
            environment: learnSettings.environment, options: SandboxOptions(processingTime: learnSettings.processingTime))

        // Setup runs quietly, with names of its own, on the same sandbox.
        if !lesson.setup.isEmpty {
            let quiet = CapturedOutput()
            let setup = Interpreter(
                connection: connection, output: quiet, environment: learnSettings.environment, sandboxes: interpreter.sandboxes,
                transports: interpreter.transports)
            for statement in lesson.setup {
                let outcome = await setup.runEntry(SourceFile(name: work + "/<setup>", text: statement))
                guard outcome == .done else {
                    throw ScriptError(
                        .runtime, "lesson \(lesson.name) could not be set up: \(statement)", at: range,
                        details: quiet.errors.split(separator: "\n").map(String.init))
                }
            }
        }

        let learner = interpreter
        let lessonOutput = MutableOutput(output)
        let lessonInterpreter = Interpreter(
            connection: connection, output: lessonOutput, environment: learnSettings.environment, sandboxes: interpreter.sandboxes,
            transports: interpreter.transports)
        // A lesson shows what the service does with a bad record (its 400);
        // the client's own check before sending would hide that.
        lessonInterpreter.setValidation(false)
        lessonInterpreter.setVerbose(learner.verbose)
        lessonInterpreter.keyPrompt = learner.keyPrompt
        lessonInterpreter.pager = learner.pager
        lessonInterpreter.terminalWidth = learner.terminalWidth
        lessonInterpreter.warnsAboutTypedKeys = false
        lessonInterpreter.shellCommand = { [unowned self] statement in try await self.shellCommand(statement) }
        let tour = Tour(
            lesson: lesson, interpreter: lessonInterpreter, workDirectory: work, learner: learner, learnerTranscript: typed,
            output: output)
        learning.tour = tour
        interpreter = lessonInterpreter
        typed = TypedEntries()
        learning.stepStarts = [0: 0]
        guard !replaying.isEmpty || step > 0 else {
            tour.showOpening()
            return
        }
        lessonOutput.muted = true
        for entry in replaying { _ = await runTyped(entry.text) }
        lessonOutput.muted = false
        tour.resume(at: step)
        learning.stepStarts[step] = typed.entries.count
        tour.showStep()
    }

    /// Puts the learner's interpreter and transcript back.
    func endLesson(completed: Bool, quiet: Bool = false) async {
        guard let tour = learning.tour else { return }
        learning.tour = nil
        interpreter = tour.learnerInterpreter
        typed = tour.learnerTranscript
        await tour.interpreter.connection.client.transport.shutdown()
        defer { learning.textProblems += tour.textProblems }
        guard !quiet else { return }
        let paint = TerminalStyle(enabled: output.color)
        if completed {
            var progress = LearnProgress(path: learnSettings.progressPath)
            progress.markDone(tour.lesson.name)
            tour.showSummary()
            let library = learning.library
            if let next = library?.lessons.first(where: { !progress.isDone($0.name) }) {
                output.line("Next: learn \(next.name) (\(next.title)), or learn for the list.")
            } else {
                output.line("You have finished every lesson.")
            }
        } else {
            output.line(
                paint.dim(
                    "left lesson \(tour.lesson.name) at step \(min(tour.stepIndex + 1, tour.lesson.steps.count)) of \(tour.lesson.steps.count); learn \(tour.lesson.name) starts it again"
                ))
        }
        output.line(paint.dim("back in your own shell: your variables and connection are as you left them"))
        output.line(paint.dim("(the lesson's files, and what you saved in it, stay in \(tour.workDirectory))"))
    }

    func lessonWorkDirectory(at range: SourceRange?) throws -> String {
        if let existing = learning.workDirectory { return existing }
        let path: String
        if let configured = learnSettings.workDirectory {
            try? FileManager.default.createDirectory(
                atPath: configured, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            path = configured
        } else {
            var template = Array((FileManager.default.temporaryDirectory.path + "/pushsh-learn-XXXXXX").utf8CString)
            guard let made = mkdtemp(&template) else {
                throw ScriptError(
                    .runtime, "cannot make a folder for the lesson in \(FileManager.default.temporaryDirectory.path)", at: range)
            }
            path = String(cString: made)
        }
        learning.workDirectory = path
        return path
    }

    // MARK: The loop's hooks

    /// In a lesson, `skip`, `back`, `quit` and `hint` steer the lesson; returns true when the entry was one.
    func lessonControl(_ entry: String) async -> Bool {
        guard let tour = learning.tour else { return false }
        switch entry.trimmingCharacters(in: .whitespacesAndNewlines) {
        case "quit":
            await endLesson(completed: false)
        case "hint":
            tour.showHint()
        case "back":
            // The sandbox goes back too: the lesson starts again on a fresh one and what ran
            // before that step runs again, quietly; so its command works again (no 409).
            guard tour.stepIndex > 0, let library = learning.library else {
                output.line("this is the first step")
                return true
            }
            let step = tour.stepIndex - 1
            let replaying = Array(typed.entries.prefix(learning.stepStarts[step] ?? 0))
            output.line(
                TerminalStyle(enabled: output.color).dim(
                    "(back one step: the lesson's sandbox is set up again, with what you did before that step)"))
            do { try await startLesson(tour.lesson, library: library, at: nil, replaying: replaying, step: step) } catch let error
                as ScriptError
            {
                interpreter.report(error)
            } catch {}
        case "skip":
            guard let step = tour.step else { return true }
            output.line(TerminalStyle(enabled: output.color).dim("skipping: running it for you:"))
            output.line("  " + step.suggestion.replacingOccurrences(of: "\n", with: "\n  "))
            tour.beginEntry()
            let outcome = await runTyped(step.suggestion)
            tour.endEntry(step.suggestion, outcome: outcome, nudge: false)
            if tour.step?.line == step.line { tour.skipStep() }
            await afterStepChange(tour)
        default:
            return false
        }
        return true
    }

    /// Before an entry runs: the tour in progress, which remembers how the sandbox stands.
    func beginLessonEntry() -> Tour? {
        learning.tour?.beginEntry()
        return learning.tour
    }

    /// After an entry ran in a lesson: check the step, go on, or finish.
    func endLessonEntry(_ tour: Tour?, entry: String, outcome: Interpreter.EntryOutcome) async {
        // An entry that started or left a lesson (`learn ...`, `quit`) is not a step.
        guard let tour, tour === learning.tour else { return }
        if tour.endEntry(entry, outcome: outcome) { await afterStepChange(tour) }
    }

    /// After a step was done or skipped: the next step, or the end of the lesson.
    func afterStepChange(_ tour: Tour) async {
        if tour.finished {
            await endLesson(completed: true)
        } else {
            learning.stepStarts[tour.stepIndex] = typed.entries.count
            tour.showStep()
        }
    }
}
