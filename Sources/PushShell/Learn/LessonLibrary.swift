import Foundation

/// Where lessons come from, where progress is kept, and how the lesson sandbox is set up.
public struct LearnSettings: Sendable {
    /// The folder of `.lesson` files (with their data files in `data/`); nil: the lessons shipped with pushsh.
    public var lessonsDirectory: String?
    /// The file that remembers finished lessons; nil: progress is not kept.
    public var progressPath: String?
    /// The folder a lesson works in (its data files are copied there, and
    /// relative paths typed in a lesson are taken from it); nil: a new private
    /// folder in the temporary directory, made at the first lesson.
    public var workDirectory: String?
    /// For the lesson sandbox (`PUSHSH_SANDBOX_SEED`, `PUSHSH_SANDBOX_EPOCH`) and `env()`.
    public var environment: [String: String]
    /// How long one processing attempt takes on the lesson sandbox.
    public var processingTime: Duration

    public init(
        lessonsDirectory: String? = nil, progressPath: String? = nil, workDirectory: String? = nil,
        environment: [String: String] = [:], processingTime: Duration = .seconds(1)
    ) {
        self.lessonsDirectory = lessonsDirectory
        self.progressPath = progressPath
        self.workDirectory = workDirectory
        self.environment = environment
        self.processingTime = processingTime
    }

    /// The settings for a shell started in this environment: lessons from
    /// `PUSHSH_LESSONS` or the shipped ones, progress in
    /// `PUSHSH_LEARN_PROGRESS`, else next to the history (`PUSHSH_HISTORY` +
    /// `.learn`), else `~/.pushsh_learn`; the lessons' files in a folder the
    /// learner can find again (``defaultWorkDirectory(environment:)``).
    public static func forEnvironment(_ environment: [String: String]) -> LearnSettings {
        LearnSettings(
            lessonsDirectory: environment["PUSHSH_LESSONS"].flatMap { $0.isEmpty ? nil : $0 },
            progressPath: LearnProgress.defaultPath(environment: environment),
            workDirectory: defaultWorkDirectory(environment: environment),
            environment: environment)
    }

    /// Where lessons keep their data files and what the learner saves, for
    /// good (a temporary folder was lost with the shell): `PUSHSH_LEARN_DIR`;
    /// else beside the history when `PUSHSH_HISTORY` names it (`HISTORY.lessons`);
    /// else `$XDG_DATA_HOME/pushsh/lessons` (`~/.local/share/pushsh/lessons`).
    public static func defaultWorkDirectory(environment: [String: String]) -> String {
        if let path = environment["PUSHSH_LEARN_DIR"], !path.isEmpty { return path }
        if let history = environment["PUSHSH_HISTORY"], !history.isEmpty { return history + ".lessons" }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/pushsh/lessons" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share/pushsh/lessons"
    }
}

/// The lessons: the `.lesson` files of one folder, in the order of their numbers.
public struct LessonLibrary: Sendable {
    public var directory: String
    public var lessons: [Lesson]

    /// Reads every `.lesson` file in `directory`; a file that cannot be used is an error.
    public static func load(from directory: String) throws -> LessonLibrary {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".lesson") }
        var lessons: [Lesson] = []
        for name in names {
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else {
                throw LessonFormatError(file: path, line: 0, message: "cannot be read")
            }
            lessons.append(try Lesson.parse(String(decoding: data, as: UTF8.self), fileName: path))
        }
        lessons.sort { ($0.order, $0.name) < ($1.order, $1.name) }
        var seen: Set<String> = []
        for lesson in lessons where !seen.insert(lesson.name).inserted {
            throw LessonFormatError(file: lesson.file, line: 1, message: "another lesson is also named '\(lesson.name)'")
        }
        return LessonLibrary(directory: directory, lessons: lessons)
    }

    /// The lessons shipped with pushsh, or those of `settings.lessonsDirectory`.
    public static func load(_ settings: LearnSettings) throws -> LessonLibrary {
        guard let directory = settings.lessonsDirectory ?? shippedDirectory() else {
            throw LessonFormatError(
                file: "pushsh_PushShell.resources/Lessons", line: 0,
                message: "not found next to pushsh; install it with the binary, or set PUSHSH_LESSONS to a folder of lessons")
        }
        return try load(from: directory)
    }

    /// The lessons folder: in the resource bundle next to the executable (what
    /// `swift build` makes), else in the source tree this was built from.
    public static func shippedDirectory() -> String? {
        let fm = FileManager.default
        let besideExecutable = Bundle.main.bundleURL.appendingPathComponent("pushsh_PushShell.resources").path
        if fm.fileExists(atPath: besideExecutable + "/Lessons") {
            return Bundle.module.url(forResource: "Lessons", withExtension: nil)?.path ?? besideExecutable + "/Lessons"
        }
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() {
            let candidate = executable.appendingPathComponent("pushsh_PushShell.resources/Lessons").path
            if fm.fileExists(atPath: candidate) { return candidate }
        }
        let sourceTree = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Lessons").path
        return fm.fileExists(atPath: sourceTree) ? sourceTree : nil
    }

    /// A lesson by name, or by a prefix only one name starts with.
    public func lesson(named name: String) -> Lesson? {
        let wanted = name.lowercased()
        if let exact = lessons.first(where: { $0.name == wanted }) { return exact }
        let matching = lessons.filter { $0.name.hasPrefix(wanted) }
        return matching.count == 1 ? matching[0] : nil
    }

    /// The path of a lesson's data file.
    public func dataFile(_ name: String) -> String { directory + "/data/" + name }
}

/// Which lessons are finished: one name a line, in a file only the user can read (0600).
public struct LearnProgress: Sendable {
    public var path: String?
    public private(set) var done: [String] = []

    public init(path: String?) {
        self.path = path
        guard let path, let data = FileManager.default.contents(atPath: path) else { return }
        done = String(decoding: data, as: UTF8.self).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// `PUSHSH_LEARN_PROGRESS`, else next to `PUSHSH_HISTORY`, else `~/.pushsh_learn`.
    public static func defaultPath(environment: [String: String]) -> String {
        if let path = environment["PUSHSH_LEARN_PROGRESS"], !path.isEmpty { return path }
        if let history = environment["PUSHSH_HISTORY"], !history.isEmpty { return history + ".learn" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.pushsh_learn"
    }

    public func isDone(_ lesson: String) -> Bool { done.contains(lesson) }

    /// Records a finished lesson and rewrites the file (mode 0600).
    public mutating func markDone(_ lesson: String) {
        guard !done.contains(lesson) else { return }
        done.append(lesson)
        guard let path else { return }
        let text = "# lessons finished in pushsh's learn; delete this file to start over\n" + done.map { $0 + "\n" }.joined()
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
