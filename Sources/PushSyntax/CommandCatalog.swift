/// The area a command belongs to, for grouping in `help`.
public enum CommandArea: String, Sendable, Hashable, CaseIterable {
    case session, data, flow, output, sandbox, shell

    /// The heading `help` prints for the area.
    public var title: String {
        switch self {
        case .session: "Sessions"
        case .data: "Data and the integration"
        case .flow: "Variables and control flow"
        case .output: "Output"
        case .sandbox: "The built-in sandbox"
        case .shell: "The shell"
        }
    }
}

/// Everything `help` knows about one command word.
public struct CommandHelp: Sendable, Hashable {
    /// The command word: `push`.
    public var name: String
    /// The area it is listed under.
    public var area: CommandArea
    /// One line: what it does.
    public var summary: String
    /// The syntax, one form per line: `push SESSION TYPE RECORDS`.
    public var syntax: String
    /// A short, working example.
    public var example: String
    /// The longer explanation that `help WORD` prints.
    public var details: String
    /// Words that may follow the command word somewhere in the statement (for Tab completion).
    public var followingWords: [String]
    /// Whether the command gives a value, so it may stand after `let NAME =`.
    public var producesValue: Bool
    /// Whether it only looks at things (changes nothing): `save` leaves it out of a script.
    public var looksOnly: Bool

    public init(
        name: String, area: CommandArea, summary: String, syntax: String, example: String,
        details: String, followingWords: [String] = [], producesValue: Bool = false, looksOnly: Bool = false
    ) {
        self.name = name
        self.area = area
        self.summary = summary
        self.syntax = syntax
        self.example = example
        self.details = details
        self.followingWords = followingWords
        self.producesValue = producesValue
        self.looksOnly = looksOnly
    }
}

/// A `help TOPIC` page that is not a command: `values`, `expressions`, `exit-codes`, `durations`.
public struct HelpTopic: Sendable, Hashable {
    public var name: String
    public var summary: String
    public var text: String

    public init(name: String, summary: String, text: String) {
        self.name = name
        self.summary = summary
        self.text = text
    }
}

/// The table of commands and help topics: the single source for `help`,
/// for Tab completion, and for the parser's and checker's list of command words.
public enum CommandCatalog: Sendable {
    /// Every command, in the order `help` lists them.
    public static let commands: [CommandHelp] = sessionCommands + dataCommands + flowCommands + shellCommands

    /// The help topics.
    public static let topics: [HelpTopic] = helpTopics

    /// Every command word: these start a statement and cannot be variable names.
    public static let commandWords: Set<String> = Set(commands.map(\.name))

    /// Words that end or continue a block; they are not commands but cannot start an expression statement.
    public static let blockWords: [String] = ["else", "end"]

    /// Every word a statement may start with, for completion: the commands and the block words.
    public static var statementWords: [String] { commands.map(\.name) + blockWords }

    /// Whether a statement only looks at things: `save` leaves such statements
    /// out (and a bare expression, which only shows a value).
    public static func looksOnly(_ statement: Statement) -> Bool {
        if case .expression = statement.kind { return true }
        if case .sandbox(let command) = statement.kind {
            return SandboxSubcommand.named(command.word)?.looksOnly ?? false
        }
        return command(statement.commandWord)?.looksOnly ?? false
    }

    /// The command with this name.
    public static func command(_ name: String) -> CommandHelp? {
        commands.first { $0.name == name }
    }

    /// The topic with this name.
    public static func topic(_ name: String) -> HelpTopic? {
        topics.first { $0.name == name }
    }

    /// Words that may follow `word` in a statement, for completion.
    public static func followingWords(after word: String) -> [String] {
        command(word)?.followingWords ?? []
    }

    /// What `help` prints with no topic: the commands by area and the topics.
    public static var overview: String {
        var lines = ["pushsh: drive the Sprinto push API from a prompt or a .push script.", ""]
        let width = (commands.map(\.name.count) + topics.map(\.name.count)).max() ?? 10
        for area in CommandArea.allCases {
            let inArea = commands.filter { $0.area == area }
            guard !inArea.isEmpty else { continue }
            lines.append(area.title + ":")
            for command in inArea {
                lines.append("  " + command.name.padded(to: width) + "  " + command.summary)
            }
            lines.append("")
        }
        lines.append("Topics:")
        for topic in topics {
            lines.append("  " + topic.name.padded(to: width) + "  " + topic.summary)
        }
        lines.append("")
        lines.append("Type 'help WORD' for one command or topic, e.g. 'help push' or 'help values'.")
        return lines.joined(separator: "\n")
    }

    /// What `help WORD` prints, or nil when WORD is neither a command nor a topic.
    public static func helpText(for word: String) -> String? {
        if let command = command(word) {
            return """
                \(command.name): \(command.summary)

                Syntax:
                \(indent(command.syntax))

                \(command.details)

                Example:
                \(indent(command.example))
                """
        }
        if let topic = topic(word) {
            return "\(topic.name): \(topic.summary)\n\n\(topic.text)"
        }
        return nil
    }

    /// What `help WORD` says: the command's or topic's text, else the list of
    /// commands and topics whose help mentions the word (`help csv` leads to
    /// `push`); nil when nothing mentions it either.
    public static func helpAnswer(for word: String) -> String? {
        if let text = helpText(for: word) { return text }
        let found = mentioning(word)
        guard !found.isEmpty else { return nil }
        return "'\(word)' is not a command or a topic; the help on these mentions it:\n"
            + found.map { "  help \($0)" }.joined(separator: "\n")
    }

    /// The commands and topics whose help text has `word` (any case, a plural
    /// too) as a word of its own, in the order `help` lists them.
    public static func mentioning(_ word: String) -> [String] {
        let wanted = word.lowercased()
        guard !wanted.isEmpty else { return [] }
        return helpWords.filter { name in
            guard let text = helpText(for: name) else { return false }
            let words = text.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "_") }
            return words.contains { $0 == wanted || $0 == wanted + "s" || $0 + "s" == wanted }
        }
    }

    /// Every word `help` accepts, for completion and "did you mean".
    public static var helpWords: [String] { commands.map(\.name) + topics.map(\.name) }

    private static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}
