import Foundation
import PushSyntax

/// One lesson of the guided tour, read from a `.lesson` file (see docs/learn.md).
///
/// Lessons are data: the engine (``Tour``) shows each step's text, lets the
/// learner type, and decides that a step is done by evaluating its `check:`
/// expressions, in the pushsh language, against the lesson sandbox's real state.
public struct Lesson: Sendable {
    /// What `learn NAME` takes: the file name without its number and extension
    /// (`01-lifecycle.lesson` → `lifecycle`).
    public var name: String
    /// Where it sorts in the list: the number the file name starts with.
    public var order: Int
    /// The file it was read from, for messages.
    public var file: String
    public var title: String
    /// One line for the list: what the lesson teaches.
    public var teaches: String
    /// Paragraphs shown before the first step.
    public var intro: [String]
    /// Paragraphs shown when the last step is done.
    public var summary: [String]
    /// Data files (next to the lesson files, in `data/`) copied into the lesson's folder.
    public var files: [String]
    /// Statements run quietly on the lesson sandbox before the first step.
    public var setup: [String]
    public var steps: [LessonStep]
}

/// One step: what is about to happen and why, the command to try, and how to tell it is done.
public struct LessonStep: Sendable {
    public var title: String
    /// Paragraphs explaining the step (two or three sentences).
    public var say: [String]
    /// The suggested entry (several `try:` lines make one multi-line entry).
    public var suggestion: String
    /// Every check must hold for the step to be done.
    public var checks: [LessonCheck]
    /// Shown after a wrong or failed command.
    public var hint: [String]
    /// Shown once the step is done: what just happened, in the lesson's words.
    public var done: [String]
    /// The line of `step:` in the file.
    public var line: Int
}

/// A `check:` line: a pushsh expression that must be true.
public struct LessonCheck: Sendable {
    public var text: String
    public var expression: Expr
    public var line: Int
}

/// A lesson file that cannot be used, with its place.
public struct LessonFormatError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int
    public var message: String
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

extension Lesson {
    static let lessonKeys: Set<String> = ["title", "teaches", "intro", "summary", "files", "setup"]
    static let stepKeys: Set<String> = ["say", "try", "check", "hint", "done"]

    /// `01-lifecycle.lesson` → (1, "lifecycle").
    static func nameAndOrder(fileName: String) -> (name: String, order: Int) {
        var base = fileName
        if base.hasSuffix(".lesson") { base.removeLast(".lesson".count) }
        let digits = base.prefix { $0.isNumber }
        let order = Int(digits) ?? Int.max
        var name = base.dropFirst(digits.count)
        while name.first == "-" || name.first == "_" { name = name.dropFirst() }
        return (String(name), order)
    }

    /// Reads a lesson file.
    ///
    /// The format, line by line: `# comment`; `key: value`; a line that starts
    /// with a space or tab continues the previous key's value (a continuation
    /// starting with `|` is kept as it is, for diagrams and code). Blank lines
    /// are ignored. `step: TITLE` starts a step; `say`, `try`, `check`, `hint`
    /// and `done` belong to the step above them; `title`, `teaches`, `intro`,
    /// `summary`, `files` and `setup` to the lesson.
    public static func parse(_ text: String, fileName: String) throws(LessonFormatError) -> Lesson {
        let (name, order) = nameAndOrder(fileName: (fileName as NSString).lastPathComponent)
        var lesson = Lesson(
            name: name, order: order, file: fileName, title: "", teaches: "", intro: [], summary: [], files: [], setup: [], steps: [])
        func fail(_ line: Int, _ message: String) -> LessonFormatError { LessonFormatError(file: fileName, line: line, message: message) }

        // First: fields with their continuation lines.
        var fields: [(key: String, value: String, line: Int)] = []
        for (index, raw) in text.components(separatedBy: "\n").enumerated() {
            let number = index + 1
            var line = raw
            while let last = line.last, last.isWhitespace { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.first == " " || line.first == "\t" {
                guard !fields.isEmpty else { throw fail(number, "a continuation line before any key") }
                let content = line.drop { $0 == " " || $0 == "\t" }
                let separator = fields[fields.count - 1].value.isEmpty ? "" : "\n"
                fields[fields.count - 1].value += separator + content
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw fail(number, "expected 'key: value' (or an indented continuation line), found \"\(line)\"")
            }
            let key = String(line[..<colon])
            guard key == "step" || lessonKeys.contains(key) || stepKeys.contains(key) else {
                let known = (["step"] + lessonKeys.sorted() + stepKeys.sorted()).joined(separator: ", ")
                throw fail(number, "unknown key '\(key)'; keys are \(known)")
            }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            fields.append((key, value, number))
        }

        // Then: what each field means.
        for field in fields {
            let value = field.value
            if field.key == "step" {
                guard !value.isEmpty else { throw fail(field.line, "a step needs a title: step: Start a session") }
                lesson.steps.append(LessonStep(title: value, say: [], suggestion: "", checks: [], hint: [], done: [], line: field.line))
                continue
            }
            if stepKeys.contains(field.key) {
                guard !lesson.steps.isEmpty else {
                    throw fail(field.line, "'\(field.key):' belongs to a step; put a 'step:' line above it")
                }
                var step = lesson.steps.removeLast()
                switch field.key {
                case "say": step.say.append(value)
                case "hint": step.hint.append(value)
                case "done": step.done.append(value)
                case "try":
                    step.suggestion += (step.suggestion.isEmpty ? "" : "\n") + value
                default:
                    let source = SourceFile(name: "\(fileName):\(field.line)", text: value)
                    let parsed = Parser.parseExpression(source)
                    guard let expression = parsed.expression else {
                        let problem = parsed.diagnostics.first?.message ?? "not an expression"
                        throw fail(field.line, "check: \(value): \(problem)")
                    }
                    step.checks.append(LessonCheck(text: value, expression: expression, line: field.line))
                }
                lesson.steps.append(step)
                continue
            }
            switch field.key {
            case "title": lesson.title = value
            case "teaches": lesson.teaches = value
            case "intro": lesson.intro.append(value)
            case "summary": lesson.summary.append(value)
            case "setup": lesson.setup.append(value)
            default:
                lesson.files += value.split { $0 == "," || $0 == " " || $0 == "\n" }.map(String.init)
            }
        }

        guard !lesson.title.isEmpty else { throw fail(1, "the lesson has no 'title:'") }
        guard !lesson.teaches.isEmpty else { throw fail(1, "the lesson has no 'teaches:' (one line for the list of lessons)") }
        guard !lesson.steps.isEmpty else { throw fail(1, "the lesson has no steps") }
        for step in lesson.steps {
            guard !step.say.isEmpty else { throw fail(step.line, "step '\(step.title)' has no 'say:' (what is about to happen and why)") }
            guard !step.suggestion.isEmpty else { throw fail(step.line, "step '\(step.title)' has no 'try:' (the command to suggest)") }
            guard !step.checks.isEmpty else { throw fail(step.line, "step '\(step.title)' has no 'check:' (how to tell it is done)") }
            let parsed = Parser.parse(SourceFile(name: fileName, text: step.suggestion))
            if parsed.hasErrors || parsed.isIncomplete {
                let problem = parsed.diagnostics.first?.message ?? "it is not complete"
                throw fail(step.line, "step '\(step.title)': try: does not parse: \(problem)")
            }
        }
        for statement in lesson.setup {
            let parsed = Parser.parse(SourceFile(name: fileName, text: statement))
            if parsed.hasErrors || parsed.isIncomplete {
                throw fail(1, "setup: \(statement): \(parsed.diagnostics.first?.message ?? "it is not complete")")
            }
        }
        return lesson
    }
}
