import Foundation
import PushScript
import PushSyntax

/// An entry that ran without error, and the folder its relative paths were typed from.
struct TranscriptEntry: Sendable, Equatable {
    var text: String
    var folder: String
    /// Every session id known just before the entry ran, with the name that
    /// held that session then (a variable, or `last_session`; "" for none):
    /// `save` writes a typed id as that name, or leaves its line out.
    var sessions: [String: String] = [:]
    /// The sessions the entry started.
    var started: [String] = []
}

/// What the shell typed and ran, for `save`, and where the last `save` ended.
struct TypedEntries {
    var entries: [TranscriptEntry] = []
    /// How many entries the last `save` had seen (`since last save` starts there).
    var savedUpTo: Int?
}

/// What `save` needs besides the entries.
struct SaveContext {
    /// The file being written (absolute): paths are rewritten for its folder.
    var target: String
    /// Variables whose values went into a key: their definitions are left out.
    var secretVariables: Set<String>
    /// Variables defined as `env("NAME")`: `key k` through one is kept as written.
    var referenceVariables: Set<String> = []
    /// Every key used: a statement holding one is left out.
    var keys: [String]
    /// The `connect` the shell started with, written first when statements
    /// used that connection before any `connect` of their own (none in a lesson).
    var startingConnect: String?
}

/// The script `save` writes.
struct SavedScript: Equatable {
    var text: String
    var statements: Int
    /// Lines left out because they held the key or a variable it was made from.
    var leftOut: Int
    /// Statements left out for naming a session the script does not start,
    /// as typed, each with why (also written as comments in the script).
    var leftOutSessions: [String] = []
    /// The environment variable the script reads the key from, when a typed key was replaced by one.
    var keyVariable: String?
}

/// Turns what was typed at the prompt into a script that replays the flow.
enum Transcript {
    /// Statements that talk to the current connection.
    static let usesConnection: Set<String> = [
        "start", "status", "push", "close", "wait", "integration", "activity", "sandbox", "include", "if", "for",
    ]
    /// What a key typed at the prompt becomes.
    static let keyReference = "env(\"SPRINTO_API_KEY\")"

    /// One statement's lines in the script, and what it does to the connection.
    struct Item {
        enum Kind { case connect, usesConnection, other, comment }
        var kind: Kind
        var lines: [String]
        /// Whether a typed key in it was replaced by `env("SPRINTO_API_KEY")`.
        var readsTypedKey = false
    }

    static func script(from entries: [TranscriptEntry], context: SaveContext) -> SavedScript {
        var items = context.startingConnect.map { [Item(kind: .connect, lines: [$0])] } ?? []
        var leftOut = 0
        var leftOutSessions: [String] = []
        // Sessions the script itself starts, and the names it defines: a typed
        // session id may be written as a name only when both are in the script.
        var startedInScript: Set<String> = []
        var definedInScript: Set<String> = [Interpreter.lastSessionName]
        // Variables whose definition was left out: a later line reading one
        // would stop the replay with "undefined variable", so it goes too.
        var unavailable: Set<String> = []
        let targetFolder = (context.target as NSString).deletingLastPathComponent
        let parsedEntries = entries.map { entry in
            let source = SourceFile(name: "<prompt>", text: entry.text)
            return (entry, source, Parser.parse(source))
        }
        // What each statement reads as a value, in order, to see whether a `status` feeds a later line.
        var laterReads = parsedEntries.filter { !$0.2.hasErrors }.flatMap { $0.2.program.statements.map(valueReads) }
        for (entry, source, parsed) in parsedEntries {
            guard !parsed.hasErrors else { continue }
            var writer = StatementWriter(source: source, context: context, folder: entry.folder, targetFolder: targetFolder)
            writer.unavailable = unavailable
            defer { unavailable = writer.unavailable }
            for statement in parsed.program.statements {
                laterReads.removeFirst()
                // What only looks at things is left out; the catalog says which those are. But a
                // `status` refreshes the session value that a later line reads (`expect s.state == ...`).
                if CommandCatalog.looksOnly(statement) && !refreshesARead(statement, laterReads) { continue }
                guard writer.admits(statement) else {
                    leftOut += 1
                    continue
                }
                var lines = writer.render(statement, depth: 0)
                switch SessionNames.rewrite(
                    lines, known: entry.sessions, started: startedInScript, defined: definedInScript.subtracting(writer.unavailable))
                {
                case .rewritten(let rewritten):
                    lines = rewritten
                case .leftOut(let id):
                    writer.unavailable.formUnion(StatementWriter.defines(statement))
                    let typed = writer.text(statement.range)
                    let why = "it names session \(id), which this script does not start"
                    leftOutSessions.append("\(typed)   (\(why))")
                    let commented = typed.components(separatedBy: "\n").map { "#   " + $0 }
                    items.append(Item(kind: .comment, lines: ["# Left out: \(why); it would fail on replay:"] + commented))
                    continue
                }
                definedInScript.formUnion(StatementWriter.defines(statement))
                let readsTypedKey = writer.replacedKey
                if readsTypedKey {
                    lines.insert("# The API key was typed at the prompt and is not saved: this reads it from SPRINTO_API_KEY.", at: 0)
                    writer.replacedKey = false
                }
                let kind: Item.Kind
                if case .connect = statement.kind {
                    kind = .connect
                } else if case .let(_, .command(let inner)) = statement.kind, usesConnection.contains(inner.commandWord) {
                    kind = .usesConnection
                } else {
                    kind = usesConnection.contains(statement.commandWord) ? .usesConnection : .other
                }
                items.append(Item(kind: kind, lines: lines, readsTypedKey: readsTypedKey))
            }
            leftOut += writer.leftOutInBlocks
            startedInScript.formUnion(entry.started)
        }
        items = droppingUnusedConnects(items, hasStartingConnect: context.startingConnect != nil)
        // Said only when a statement that reads it is still in the script.
        let keyVariable = items.contains(where: \.readsTypedKey) ? "SPRINTO_API_KEY" : nil
        // The same instructions the shell prints after saving: the variable to set, then the command.
        let run = (keyVariable.map { "\($0)=... " } ?? "") + "pushsh " + (context.target as NSString).lastPathComponent
        var lines = ["# Saved by pushsh from an interactive session.", "# Run it with: \(run)"]
        if leftOut > 0 {
            lines.append(
                leftOut == 1
                    ? "# 1 line left out: it held the API key, or used a value that did."
                    : "# \(leftOut) lines left out: they held the API key, or used a value that did.")
        }
        lines.append("")
        for item in items { lines += item.lines }
        let count = items.filter { $0.kind != .comment }.count
        return SavedScript(
            text: lines.joined(separator: "\n") + "\n", statements: count, leftOut: leftOut, leftOutSessions: leftOutSessions,
            keyVariable: keyVariable)
    }

    /// Whether `statement` is a `status` whose session a later statement reads as a value.
    static func refreshesARead(_ statement: Statement, _ later: [Set<String>]) -> Bool {
        guard case .status(let session) = statement.kind else { return false }
        let names = Interpreter.variables(in: session)
        return later.contains { !$0.isDisjoint(with: names) }
    }

    /// The variables a statement reads as values (not as the session a command acts on).
    static func valueReads(_ statement: Statement) -> Set<String> {
        func all(_ exprs: [Expr?]) -> Set<String> {
            exprs.reduce(into: []) { if let e = $1 { $0.formUnion(Interpreter.variables(in: e)) } }
        }
        func block(_ statements: [Statement]) -> Set<String> { statements.reduce(into: []) { $0.formUnion(valueReads($1)) } }
        switch statement.kind {
        case .expect(let condition, let message): return all([condition, message])
        case .print(let exprs): return all(exprs)
        case .let(_, .expression(let expr)), .expression(let expr): return all([expr])
        case .if(let conditional):
            return conditional.branches.reduce(into: block(conditional.elseBody ?? [])) {
                $0.formUnion(all([$1.condition]).union(block($1.body)))
            }
        case .for(let loop): return all([loop.sequence]).union(block(loop.body))
        default: return []
        }
    }

    /// The variables a saved script reads without defining them (a range
    /// that leaves out their `let`), as the check before a run would find them.
    static func undefinedNames(in text: String, path: String) -> [String] {
        let source = SourceFile(name: path, text: text)
        let parsed = Parser.parse(source)
        guard !parsed.hasErrors else { return [] }
        // Only names matter here: files are taken as readable, includes as empty.
        let files = CheckFiles(
            loadInclude: { SourceFile(name: $0, text: "") }, dataFile: { _ in .readable(csvHeader: nil) })
        let diagnostics = Checker.check(parsed.program, source: source, predefined: [], files: files)
        var names: [String] = []
        for diagnostic in diagnostics where diagnostic.message.hasPrefix("undefined variable '") {
            if let name = diagnostic.message.split(separator: "'").dropFirst().first.map(String.init), !names.contains(name) {
                names.append(name)
            }
        }
        return names
    }

    /// Drops a `connect` that nothing used before the next one replaced it,
    /// and the starting connection when nothing used it at all.
    static func droppingUnusedConnects(_ items: [Item], hasStartingConnect: Bool = true) -> [Item] {
        var kept: [Item] = []
        var lastConnect: Int?
        var used = false
        // Where the starting connect (always the first item) is, while it is kept.
        var starting: Int?
        for (index, item) in items.enumerated() {
            switch item.kind {
            case .connect:
                if let last = lastConnect, !used {
                    kept.remove(at: last)
                    if starting == last { starting = nil }
                }
                lastConnect = kept.count
                used = false
                if index == 0 && hasStartingConnect { starting = kept.count }
                kept.append(item)
            case .usesConnection:
                used = true
                kept.append(item)
            case .other, .comment:
                kept.append(item)
            }
        }
        // The starting connect stays only if something used it; the user's own
        // last connect stays even when nothing came after it.
        if let starting, lastConnect == starting, !used { kept.remove(at: starting) }
        return kept
    }
}

/// Writes statements of one entry: paths rewritten for the target's folder,
/// typed keys replaced by a reference, blocks indented.
struct StatementWriter {
    let source: SourceFile
    let context: SaveContext
    /// Where the entry's relative paths were typed from.
    let folder: String
    let targetFolder: String
    /// Set when the last statement rendered had a typed key replaced.
    var replacedKey = false
    /// Variables whose definition was left out (this entry's and earlier ones').
    var unavailable: Set<String> = []
    /// Statements left out inside kept `if`/`for` bodies, for the count in the header.
    var leftOutInBlocks = 0

    init(source: SourceFile, context: SaveContext, folder: String, targetFolder: String) {
        self.source = source
        self.context = context
        self.folder = folder
        self.targetFolder = targetFolder
    }

    /// Whether the statement may be written: not when it defines or reads a
    /// variable a key was made from, or holds a key's text (a `connect` has
    /// its key replaced instead).
    func keeps(_ statement: Statement) -> Bool {
        let text = source.text(in: statement.range)
        if case .connect = statement.kind { return true }
        if context.keys.contains(where: { $0.count >= 6 && text.contains($0) }) { return false }
        return Secrets.variables(readOrDefinedBy: statement).isDisjoint(with: context.secretVariables)
    }

    /// Whether the statement is written, keeping `unavailable` up to date: a
    /// statement left out (for the key, or for reading a variable whose
    /// definition was left out) makes what it defines unavailable; a kept one
    /// that defines a variable makes it available again. A `connect` is always
    /// kept: dropping one would send what follows to another service.
    mutating func admits(_ statement: Statement) -> Bool {
        let isConnect: Bool
        if case .connect = statement.kind { isConnect = true } else { isConnect = false }
        guard keeps(statement), isConnect || Self.reads(statement).isDisjoint(with: unavailable) else {
            unavailable.formUnion(Self.defines(statement))
            return false
        }
        // A block's own definitions are settled statement by statement as its body is written.
        if case .let(let name, _) = statement.kind { unavailable.remove(name.value) }
        if case .for(let loop) = statement.kind { unavailable.remove(loop.variable.value) }
        return true
    }

    /// The variables a statement reads itself: of a block, its condition or
    /// sequence (its body's statements are judged one by one).
    static func reads(_ statement: Statement) -> Set<String> {
        switch statement.kind {
        case .let(_, .expression(let expr)): return Interpreter.variables(in: expr)
        case .let(_, .command(let inner)): return reads(inner)
        case .if(let block): return block.branches.reduce(into: []) { $0.formUnion(Interpreter.variables(in: $1.condition)) }
        case .for(let loop): return Interpreter.variables(in: loop.sequence)
        default: return Secrets.variables(readOrDefinedBy: statement)
        }
    }

    /// The variables a statement defines, inside its blocks too (a `let` in a
    /// body defines a variable the lines after the block can read).
    static func defines(_ statement: Statement) -> Set<String> {
        func all(_ statements: [Statement]) -> Set<String> { statements.reduce(into: []) { $0.formUnion(defines($1)) } }
        switch statement.kind {
        case .let(let name, _): return [name.value]
        case .if(let block): return block.branches.reduce(into: all(block.elseBody ?? [])) { $0.formUnion(all($1.body)) }
        case .for(let loop): return all(loop.body).union([loop.variable.value])
        default: return []
        }
    }

    /// The statement's lines at `depth` levels of indentation.
    mutating func render(_ statement: Statement, depth: Int) -> [String] {
        let pad = String(repeating: "    ", count: depth)
        switch statement.kind {
        case .if(let block):
            var lines: [String] = []
            for (index, branch) in block.branches.enumerated() {
                lines.append(pad + (index == 0 ? "if " : "else if ") + text(branch.condition.range))
                lines += body(branch.body, depth: depth + 1)
            }
            if let elseBody = block.elseBody {
                lines.append(pad + "else")
                lines += body(elseBody, depth: depth + 1)
            }
            lines.append(pad + "end")
            return lines
        case .for(let loop):
            return [pad + "for \(loop.variable.value) in " + text(loop.sequence.range)] + body(loop.body, depth: depth + 1) + [pad + "end"]
        default:
            // Continuation lines (a long JSON literal, a multi-line string) stay as typed.
            let lines = text(statement.range, replacing: replacements(in: statement)).components(separatedBy: "\n")
            return [pad + lines[0]] + lines.dropFirst()
        }
    }

    mutating func body(_ statements: [Statement], depth: Int) -> [String] {
        var lines: [String] = []
        for statement in statements {
            guard admits(statement) else {
                leftOutInBlocks += 1
                continue
            }
            lines += render(statement, depth: depth)
        }
        return lines
    }

    /// Text to put in place of parts of a statement: paths and typed keys.
    mutating func replacements(in statement: Statement) -> [(SourceRange, String)] {
        var out: [(SourceRange, String)] = []
        func path(_ expr: Expr?) {
            guard let expr, case .literal(.string(let written), let range) = expr else { return }
            out.append((range, quoted(rewrite(written))))
        }
        switch statement.kind {
        case .connect(.region(_, _, let key, let cacert)), .connect(.url(_, _, let key, let cacert)):
            // A CA file is read relative to the script, like a data file.
            path(cacert)
            switch key {
            case .value(let expr):
                var isReference = Secrets.isEnvironmentReference(expr)
                if case .variable(let name, _) = expr, context.referenceVariables.contains(name) { isReference = true }
                if !isReference {
                    out.append((expr.range, Transcript.keyReference))
                    replacedKey = true
                }
            case .file(let expr): path(expr)
            case .prompt: break
            }
        case .push(let command):
            if case .file(let file, let options) = command.source {
                path(file)
                path(options.mapping)
            }
        case .let(_, .command(let inner)):
            out += replacements(in: inner)
        case .include(let file):
            path(file)
        default: break
        }
        return out
    }

    /// A path typed at the prompt, as the saved script must write it: relative
    /// to the script's folder (a script reads paths from there).
    func rewrite(_ written: String) -> String {
        if written.hasPrefix("/") || written.hasPrefix("~") { return written }
        let absolute = SourceFile.normalize(folder + "/" + written)
        return PathText.relative(absolute, from: targetFolder)
    }

    func quoted(_ text: String) -> String { StringLiteral.quoted(text) }

    func text(_ range: SourceRange, replacing replacements: [(SourceRange, String)] = []) -> String {
        let bytes = source.utf8
        let whole = range.byteRange.clamped(to: 0..<bytes.count)
        var out: [UInt8] = []
        var index = whole.lowerBound
        for (part, replacement) in replacements.sorted(by: { $0.0.byteRange.lowerBound < $1.0.byteRange.lowerBound })
        where part.byteRange.lowerBound >= index && part.byteRange.upperBound <= whole.upperBound {
            out += bytes[index..<part.byteRange.lowerBound]
            out += Array(replacement.utf8)
            index = part.byteRange.upperBound
        }
        out += bytes[index..<whole.upperBound]
        return String(decoding: out, as: UTF8.self)
    }
}

/// Paths between folders.
enum PathText {
    /// `file` (absolute) as seen from `folder` (absolute): `../data/x.jsonl`.
    static func relative(_ file: String, from folder: String) -> String {
        let to = SourceFile.normalize(file).split(separator: "/")
        let from = SourceFile.normalize(folder).split(separator: "/")
        var common = 0
        while common < min(to.count, from.count) && to[common] == from[common] { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        let parts = ups + to[common...].map(String.init)
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// A path made absolute from the current folder.
    static func absolute(_ path: String, in folder: String = FileManager.default.currentDirectoryPath) -> String {
        SourceFile.normalize(path.hasPrefix("/") ? path : folder + "/" + path)
    }
}

/// Session ids typed at the prompt (`close "ses_1" discard`), as a saved script
/// must write them: an id means one session of one service, and a replay
/// starts new sessions with new ids.
enum SessionNames {
    enum Outcome: Equatable {
        case rewritten([String])
        /// The statement names this session and no name the script defines holds it.
        case leftOut(String)
    }

    /// Each quoted id of a known session in `lines`, replaced by the name that
    /// held the session when the entry was typed, if the script starts that
    /// session and defines that name; else the statement is left out.
    static func rewrite(_ lines: [String], known: [String: String], started: Set<String>, defined: Set<String>) -> Outcome {
        var lines = lines
        // Longer ids first, so that no id is replaced inside a longer one.
        for (id, name) in known.sorted(by: { $0.key.count > $1.key.count }) {
            let quoted = StringLiteral.quoted(id)
            guard lines.contains(where: { $0.contains(quoted) }) else { continue }
            guard started.contains(id), !name.isEmpty, defined.contains(name) else { return .leftOut(id) }
            lines = lines.map { $0.replacingOccurrences(of: quoted, with: name) }
        }
        return .rewritten(lines)
    }
}
