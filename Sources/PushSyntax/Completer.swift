import Foundation

// The word logic of Tab completion, shared by the shell (on libedit) and the
// language server (`pushsh lsp`): both offer exactly the same words.

/// What Tab offers for the text before the cursor.
public struct Completion: Equatable, Sendable {
    /// The word being completed (what the candidates replace).
    public var word: String
    /// Every candidate, sorted.
    public var candidates: [String]
    /// Whether the candidates are file paths inside a string.
    public var isPath = false

    /// The text to insert after `word`: the rest of the one candidate (then a
    /// space, or the closing quote of a path), or the candidates' common prefix.
    public var insertion: String {
        guard let first = candidates.first else { return "" }
        if candidates.count == 1 {
            let rest = String(first.dropFirst(word.count))
            if isPath { return first.hasSuffix("/") ? rest : rest + "\"" }
            if first.hasSuffix("(") || first.hasSuffix("\"") || first == "[" { return rest }
            return rest + " "
        }
        var prefix = first
        for candidate in candidates.dropFirst() {
            while !candidate.hasPrefix(prefix) { prefix.removeLast() }
        }
        return String(prefix.dropFirst(word.count))
    }
}

/// Tab completion that knows the language: commands, the keywords that may
/// come next, variables in scope, entity types, states, file paths, help topics.
public struct Completer: Sendable {
    /// Names of variables in scope now.
    public var variables: [String]
    /// Variables holding sessions, offered first where a session is expected.
    public var sessionVariables: [String]
    /// Lesson names, for `learn`.
    public var lessons: [String] = []
    /// Profile names of the config file, for `connect profile`.
    public var profiles: [String] = []
    /// Entity types known (User, plus any pushed in this shell).
    public var entityTypes: [String]
    /// The folder relative paths start from.
    public var directory: String

    public init(
        variables: [String], sessionVariables: [String], entityTypes: [String] = ["User"],
        directory: String = FileManager.default.currentDirectoryPath
    ) {
        self.variables = variables
        self.sessionVariables = sessionVariables
        self.entityTypes = entityTypes
        self.directory = directory
    }

    static let states = SessionStateName.allCases.map(\.rawValue)
    /// Read from the catalog, as the parser reads it: what may follow `let NAME =`.
    static let valueCommands = Parser.valueCommands.sorted()
    /// The options after `push ... from PATH`: the catalog's words for push, less `from` itself.
    static let pushFileOptions = CommandCatalog.followingWords(after: "push").filter { $0 != "from" }

    /// Completes `text`, the line up to the cursor (continuation lines included).
    public func complete(_ text: String) -> Completion {
        // Inside an open string after `from` / `include` / `save`: a path.
        if let (pathSoFar, keyword) = openPath(text), ["from", "include", "save", "file", "cacert"].contains(keyword) {
            return Completion(word: pathSoFar, candidates: paths(matching: pathSoFar), isPath: true)
        }
        let words = splitWords(text)
        let endsWithSpace = text.last.map { $0 == " " || $0 == "\t" || $0 == "\n" } ?? true
        let current = endsWithSpace ? "" : (words.last ?? "")
        let before = endsWithSpace ? words : Array(words.dropLast())
        let options = nextWords(after: before, current: current)
        let candidates = Set(options.filter { $0.hasPrefix(current) }).sorted()
        return Completion(word: current, candidates: candidates)
    }

    /// The words that may come after `before`.
    func nextWords(after before: [String], current: String) -> [String] {
        guard let command = before.first else {
            return CommandCatalog.statementWords + variables
        }
        let args = Array(before.dropFirst())
        let sessions = sessionVariables.isEmpty ? variables : sessionVariables
        switch command {
        case "let":
            if args.count == 1 { return ["="] }
            if args.count == 2 { return Self.valueCommands + variables + BuiltinFunction.all.map { $0.name + "(" } }
            return nextWords(after: Array(args.dropFirst(2)), current: current)
        case "start": return args.isEmpty ? ["ref"] : variables
        case "status": return sessions
        case "push":
            switch args.count {
            case 0: return sessions
            case 1: return entityTypes
            case 2: return ["from", "["]
            default:
                if args[2] == "from" { return args.count == 3 ? ["\""] : Self.pushFileOptions }
                return []
            }
        case "close":
            if args.isEmpty { return sessions }
            // After apply, the word that skips the check before apply.
            return args.count == 2 && args[1] == "apply" ? ["anyway"] : CloseMode.allCases.map(\.rawValue)
        case "wait":
            if args.isEmpty { return sessions }
            if args.count == 1 { return ["until"] }
            let last = args.last!
            if last == "until" || last == "or" { return Self.states }
            if last == "timeout" { return ["30s", "1m", "5m", "10m"] }
            return ["or", "timeout"]
        case "activity": return CommandCatalog.followingWords(after: "activity")
        case "set":
            if args.isEmpty { return SettingName.allCases.map(\.rawValue) }
            switch args[0] {
            case "on_error": return OnErrorMode.allCases.map(\.rawValue)
            case "output": return OutputMode.allCases.map(\.rawValue)
            case "progress", "validation", "csv_trim": return Switch.allCases.map(\.rawValue)
            case "csv_quotes": return CSVQuotes.allCases.map(\.rawValue)
            case "csv_duplicates": return CSVDuplicates.allCases.map(\.rawValue)
            case "partial_pages": return PartialPagesMode.allCases.map(\.rawValue)
            default: return []
            }
        case "learn": return args.isEmpty ? lessons : []
        case "help": return args.isEmpty ? CommandCatalog.helpWords : []
        case "sandbox":
            if args.isEmpty { return SandboxSubcommand.names }
            guard args.count == 1, let subcommand = SandboxSubcommand.named(args[0]) else { return [] }
            if subcommand.name == "records" { return entityTypes }
            return subcommand.followingWords
        case "connect":
            if args.isEmpty { return ["sandbox", "profile", "region", "url"] }
            if args[0] == "region" && args.count == 1 { return RegionName.allCases.map(\.rawValue) }
            if args[0] == "profile" { return args.count == 1 ? profiles : [] }
            let last = args.last!
            if last == "key" { return ["env(\"SPRINTO_API_KEY\")", "file", "prompt"] }
            if last == "cacert" { return ["\""] }
            // Once the key is given, only a CA file may follow.
            if args.contains("key") { return args.contains("cacert") ? [] : ["cacert"] }
            return ["integration", "key"]
        case "include": return ["\""]
        case "save":
            // save PATH [last N | since last save] [replace]
            if args.isEmpty { return ["\""] }
            if args.last == "since" { return ["last"] }
            if args.count >= 2 && args[args.count - 2] == "since" && args.last == "last" { return ["save"] }
            if args.contains("replace") || args.last == "last" { return [] }
            return args.contains("since") || args.contains("last") ? ["replace"] : ["last", "since", "replace"]
        case "if", "expect", "print", "for", "exit", "quit", "sleep":
            if command == "for" && args.count == 1 { return ["in"] }
            // `expect CONDITION else MESSAGE`: the catalog's words for expect, once a condition is there.
            let following = command == "expect" && !args.isEmpty ? CommandCatalog.followingWords(after: command) : []
            return variables + BuiltinFunction.all.map { $0.name + "(" } + NameRules.keywords + following
        default: return variables
        }
    }

    /// When the cursor is inside an unclosed string, the text after its quote
    /// and the word before the string.
    func openPath(_ text: String) -> (String, String)? {
        var inString = false
        var quoteIndex = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            if c == "\\" && inString {
                index = text.index(after: index)
                if index < text.endIndex { index = text.index(after: index) }
                continue
            }
            if c == "\"" {
                inString.toggle()
                if inString { quoteIndex = index }
            }
            index = text.index(after: index)
        }
        guard inString else { return nil }
        let inside = String(text[text.index(after: quoteIndex)...])
        let keyword = splitWords(String(text[..<quoteIndex])).last ?? ""
        return (inside, keyword)
    }

    /// Files and folders whose path starts with `prefix` (folders end in `/`).
    func paths(matching prefix: String) -> [String] {
        let slash = prefix.lastIndex(of: "/")
        let folderPart = slash.map { String(prefix[...$0]) } ?? ""
        let namePart = slash.map { String(prefix[prefix.index(after: $0)...]) } ?? prefix
        let folder = folderPart.hasPrefix("/") ? folderPart : directory + "/" + folderPart
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { $0.hasPrefix(namePart) && (!$0.hasPrefix(".") || namePart.hasPrefix(".")) }.map { name in
            var isDirectory: ObjCBool = false
            let isFolder = FileManager.default.fileExists(atPath: folder + name, isDirectory: &isDirectory) && isDirectory.boolValue
            return folderPart + name + (isFolder ? "/" : "")
        }.sorted()
    }

    /// Words split on white space, strings and brackets kept whole enough to count positions.
    func splitWords(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var depth = 0
        var inString = false
        for c in text {
            if inString {
                current.append(c)
                if c == "\"" { inString = false }
                continue
            }
            switch c {
            case "\"":
                inString = true
                current.append(c)
            case "[", "{", "(":
                depth += 1
                current.append(c)
            case "]", "}", ")":
                depth -= 1
                current.append(c)
            case " ", "\t",
                "\n" where depth <= 0:
                if !current.isEmpty {
                    words.append(current)
                    current = ""
                }
            default: current.append(c)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
