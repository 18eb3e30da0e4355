import PushSyntax

/// A name a script defines: `let NAME = ...` or `for NAME in ...`.
public struct Definition: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `let NAME = ...`; `session` when the value is a session (`start`, `status`, `close`, `wait`).
        case `let`(session: Bool)
        /// `for NAME in ...`.
        case loopVariable
    }

    public var name: String
    public var kind: Kind
    /// The name as written (the symbol's selection range, where "go to definition" lands).
    public var nameRange: SourceRange
    /// The whole defining statement (the `for` line only, not its body).
    public var statementRange: SourceRange

    public var isSession: Bool { kind == .let(session: true) }
}

/// An `include "PATH"` whose path is written literally.
public struct IncludeLink: Sendable, Equatable {
    /// The string as written, quotes included.
    public var range: SourceRange
    /// The path as the checker and interpreter resolve it.
    public var resolvedPath: String
}

/// One document parsed, checked and indexed: everything the server answers from.
///
/// Diagnostics are exactly `pushsh check`'s: the lexer's and parser's, and
/// the checker's over the statements that parsed (included files followed).
public struct DocumentAnalysis: Sendable {
    public let source: SourceFile
    public let lines: LineTable
    public let parsed: ParseResult
    public let diagnostics: [Diagnostic]
    /// Every file read while checking, by the name its diagnostics carry.
    public let sources: [String: SourceFile]
    /// Definitions in this file, in file order (blocks included).
    public let definitions: [Definition]
    /// Definitions made by included files (followed as far as the checker would).
    public let includedDefinitions: [Definition]
    public let includes: [IncludeLink]
    /// Entity types pushed in this file (`User` is always offered).
    public let entityTypes: [String]
    /// Whether any `push` runs, so `last_push` exists.
    public let pushes: Bool

    /// - Parameters:
    ///   - predefined: names given from outside (`--var`), never reported as undefined.
    ///   - readFile: the bytes of an included file (an open editor buffer first, then the disk).
    ///   - dataFile: looks at a data file as `pushsh check` does; nil leaves data files unchecked.
    public init(
        source: SourceFile, predefined: Set<String> = [], dataFile: ((String) -> CheckFiles.DataFile)? = nil,
        records: ((DataFileRecords) -> [Diagnostic])? = nil, readFile: (String) -> [UInt8]?
    ) {
        self.source = source
        lines = LineTable(source)
        let parsed = Parser.parse(source)
        self.parsed = parsed
        var sources = [source.name: source]
        var diagnostics = parsed.diagnostics
        // Checked even when a line does not parse (as `pushsh check` does), so
        // the line being typed does not hide the rest of the file's problems.
        do {
            let predefined = predefined.union(parsed.unfinishedNames)
            var read: [String: SourceFile] = [:]
            let found = withoutActuallyEscaping(readFile) { readFile -> [Diagnostic] in
                let load: (String) throws -> SourceFile = { path in
                    guard let bytes = readFile(path) else { throw UnreadableInclude() }
                    let included = SourceFile(name: path, bytes: bytes)
                    read[path] = included
                    return included
                }
                guard let dataFile else { return Checker.check(parsed.program, source: source, predefined: predefined, loadInclude: load) }
                var files = CheckFiles(loadInclude: load, dataFile: dataFile)
                files.records = records
                return Checker.check(parsed.program, source: source, predefined: predefined, files: files)
            }
            diagnostics += found
            sources.merge(read) { first, _ in first }
        }
        self.diagnostics = diagnostics.sortedByLocation()

        var index = Index()
        index.collect(parsed.program.statements, in: source)
        definitions = index.definitions
        includes = index.includes
        entityTypes = index.entityTypes
        pushes = index.pushes

        // Names defined by included files, for completion, hover and definition.
        var included = Index()
        var visited: Set<String> = [source.name]
        var queue = index.includes.map(\.resolvedPath)
        while let path = queue.first, visited.count <= Checker.maxIncludedFiles {
            queue.removeFirst()
            guard visited.insert(path).inserted else { continue }
            let file = sources[path] ?? readFile(path).map { SourceFile(name: path, bytes: $0) }
            guard let file else { continue }
            sources[path] = file
            let before = included.includes.count
            included.collect(Parser.parse(file).program.statements, in: file)
            queue += included.includes[before...].map(\.resolvedPath)
        }
        includedDefinitions = included.definitions
        self.sources = sources
    }

    struct UnreadableInclude: Error {}

    /// Every name defined in this file or the files it includes.
    public var definedNames: [String] {
        var names = Set(definitions.map(\.name)).union(includedDefinitions.map(\.name))
        if pushes { names.insert("last_push") }
        return names.sorted()
    }

    /// The names that hold sessions.
    public var sessionNames: [String] {
        Set((definitions + includedDefinitions).filter(\.isSession).map(\.name)).sorted()
    }

    /// Where `name` is defined, seen from `offset`: the nearest definition
    /// before it in this file, else the first one after it, else in an include.
    public func definition(of name: String, before offset: Int) -> Definition? {
        let here = definitions.filter { $0.name == name }
        if let nearest = here.last(where: { $0.nameRange.start.offset <= offset }) { return nearest }
        return here.first ?? includedDefinitions.first { $0.name == name }
    }

    /// The token under a byte offset: one that contains it, or one that ends
    /// right at it (the cursor just after a word).
    public func token(at offset: Int) -> Token? {
        let tokens = Lexer.tokenize(source).tokens
        var touching: Token?
        for token in tokens {
            let range = token.range.byteRange
            if case .newline = token.kind { continue }
            if case .endOfFile = token.kind { continue }
            if range.contains(offset) { return token }
            if range.upperBound == offset, !range.isEmpty { touching = token }
            if range.lowerBound > offset { break }
        }
        return touching
    }

    /// The innermost statement whose range holds the offset.
    public func statement(at offset: Int) -> Statement? {
        func search(_ statements: [Statement]) -> Statement? {
            for statement in statements {
                let range = statement.range.byteRange
                guard range.lowerBound <= offset else { continue }
                switch statement.kind {
                case .if(let conditional):
                    for branch in conditional.branches {
                        if let inner = search(branch.body) { return inner }
                    }
                    if let body = conditional.elseBody, let inner = search(body) { return inner }
                case .for(let loop):
                    if let inner = search(loop.body) { return inner }
                case .let(_, .command(let command)) where command.range.byteRange.contains(offset):
                    return command
                default: break
                }
                if range.contains(offset) || range.upperBound == offset { return statement }
            }
            return nil
        }
        return search(parsed.program.statements)
    }
}

/// Walks statements (into blocks) for definitions, includes and entity types.
struct Index {
    var definitions: [Definition] = []
    var includes: [IncludeLink] = []
    var entityTypes: [String] = []
    var pushes = false

    mutating func collect(_ statements: [Statement], in source: SourceFile) {
        for statement in statements { collect(statement, in: source) }
    }

    mutating func collect(_ statement: Statement, in source: SourceFile) {
        switch statement.kind {
        case .let(let name, let value):
            var session = false
            if case .command(let command) = value {
                session = ["start", "status", "close", "wait"].contains(command.commandWord)
                collect(command, in: source)
            }
            definitions.append(
                Definition(name: name.value, kind: .let(session: session), nameRange: name.range, statementRange: statement.range))
        case .for(let loop):
            let header = loop.variable.range.through(loop.sequence.range)
            definitions.append(
                Definition(
                    name: loop.variable.value, kind: .loopVariable, nameRange: loop.variable.range,
                    statementRange: SourceRange(file: header.file, start: statement.range.start, end: header.end)))
            collect(loop.body, in: source)
        case .if(let conditional):
            for branch in conditional.branches { collect(branch.body, in: source) }
            if let body = conditional.elseBody { collect(body, in: source) }
        case .include(let path):
            if let written = path.stringLiteral {
                includes.append(IncludeLink(range: path.range, resolvedPath: source.resolve(path: written)))
            }
        case .push(let push):
            pushes = true
            if !entityTypes.contains(push.entityType.value) { entityTypes.append(push.entityType.value) }
        default:
            break
        }
    }
}
