import ArgumentParser
import Foundation
import PushScript
import PushShell
import PushSyntax

/// `pushsh learn [LESSON]`: the shell, started in a lesson of the guided tour.
struct Learn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A guided tour of the push API on a sandbox of its own: the shell, started in a lesson.",
        discussion: """
            Without a lesson name it starts the first lesson not yet finished. Each lesson runs on a \
            fresh built-in sandbox of its own; finished lessons are remembered in ~/.pushsh_learn \
            (or PUSHSH_LEARN_PROGRESS). In a lesson, type hint, skip, back or quit.
            """)

    @Argument(help: "The lesson to start (pushsh learn --list shows them).")
    var lesson: String?

    @Flag(help: "List the lessons, and which are done, then leave.")
    var list = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings = LearnSettings.forEnvironment(environment)
        let library: LessonLibrary
        do { library = try LessonLibrary.load(settings) } catch {
            Terminal.warn("pushsh: the lessons cannot be read: \(error)")
            throw ExitCode(.usage)
        }
        let progress = LearnProgress(path: settings.progressPath)
        if list {
            // On a terminal, only the description wraps, under its own start:
            // the number, name and mark columns stay as they are.
            let width = Terminal.size().map { TextFlow.lineWidth(forTerminalColumns: $0.columns) }
            for (index, lesson) in library.lessons.enumerated() {
                let mark = progress.isDone(lesson.name) ? "done" : "    "
                let lead = "\(index + 1). \(lesson.name.padded(to: 12)) \(mark)  "
                let description = "\(lesson.title): \(lesson.teaches)"
                guard let width, lead.count + description.count > width else {
                    Terminal.line(lead + description)
                    continue
                }
                TextFlow.hanging(lead, description, width: width).forEach(Terminal.line)
            }
            return
        }
        if let lesson, library.lesson(named: lesson) == nil {
            Terminal.warn("pushsh: there is no lesson '\(lesson)'; lessons: \(library.lessons.map(\.name).joined(separator: ", "))")
            throw ExitCode(.usage)
        }
        guard isatty(STDIN_FILENO) == 1 else {
            Terminal.warn("pushsh: learn is interactive and needs a terminal; pushsh learn --list shows the lessons")
            throw ExitCode(.usage)
        }
        let code = await Interactive.run(environment: environment, verbose: false, variables: [], lesson: lesson ?? "")
        if code != ScriptExit.ok.rawValue { throw ExitCode(code) }
    }
}
