import PushScript
import PushSyntax

extension Completer {
    /// A completer for what the interpreter holds now (fresh variables included).
    public static func forInterpreter(_ interpreter: Interpreter) -> Completer {
        let names = interpreter.variables.keys.sorted()
        let sessions = interpreter.variables.filter { if case .session = $0.value { return true } else { return false } }.keys.sorted()
        var completer = Completer(variables: names, sessionVariables: sessions)
        completer.lessons = Completer.lessonNames
        // Read at each Tab: a profile added to the file is offered at once.
        completer.profiles = (try? ProfileBook.load(environment: interpreter.environmentVariables))?.profiles.map(\.name) ?? []
        return completer
    }
}

extension Completer {
    /// The shipped lessons' names, read once.
    public static let lessonNames: [String] = {
        guard let directory = LessonLibrary.shippedDirectory(), let library = try? LessonLibrary.load(from: directory) else { return [] }
        return library.lessons.map(\.name)
    }()
}
