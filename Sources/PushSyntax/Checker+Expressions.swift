/// Checking expressions, literal values in typed positions, and includes.
extension ScriptChecker {
    /// Checks names and calls throughout an expression.
    mutating func check(_ expression: Expr) {
        switch expression {
        case .literal:
            break
        case .interpolated(let parts, _):
            for case .interpolation(let inner) in parts { check(inner) }
        case .variable(let name, let range):
            if !defined.contains(name) { reportUndefined(name, at: range) }
        case .field(let base, _, _):
            check(base)
        case .index(let base, let index, _):
            check(base)
            check(index)
        case .call(let function, let arguments, _):
            for argument in arguments { check(argument) }
            guard let builtin = BuiltinFunction.named(function.value) else {
                let suggestion = Spelling.closest(to: function.value, among: BuiltinFunction.all.map(\.name))
                error(
                    "unknown function '\(function.value)'", at: function.range,
                    hint: suggestion.map { "did you mean '\($0)'?" }
                        ?? "functions: " + BuiltinFunction.all.map(\.signature).joined(separator: ", "))
                return
            }
            if !builtin.arity.contains(arguments.count) {
                let expected =
                    builtin.arity.count == 1
                    ? "\(builtin.arity.lowerBound)"
                    : "\(builtin.arity.lowerBound) or \(builtin.arity.upperBound)"
                let noun = builtin.arity.upperBound == 1 ? "argument" : "arguments"
                error(
                    "'\(builtin.name)' takes \(expected) \(noun), not \(arguments.count)", at: expression.range,
                    hint: "\(builtin.signature): \(builtin.summary)")
            }
        case .not(let operand, _):
            check(operand)
        case .binary(_, let left, let right, _):
            check(left)
            check(right)
        case .array(let elements, _):
            for element in elements { check(element) }
        case .object(let entries, _):
            for entry in entries { check(entry.value) }
        }
    }

    private mutating func reportUndefined(_ name: String, at range: SourceRange) {
        error("undefined variable '\(name)'", at: range, hint: NameRules.undefinedHint(name, defined: defined))
    }

    // MARK: - Values in typed positions

    /// Checks an expression against its place's rule: a literal of the wrong
    /// kind, or out of bounds, is an error now rather than when the line runs.
    mutating func expect(_ expression: Expr, _ rule: ArgumentRule) {
        check(expression)
        let range = expression.range
        switch rule.kind {
        case .duration, .durationOrTimestamp:
            switch expression {
            case .literal(.duration(let duration), _):
                if duration < .zero { error(rule.negativeDuration, at: range) }
            case .literal(.integer(let value), _):
                let problem = rule.bareNumber("\(value)")
                error(problem.message, at: range, hint: problem.hint)
            case .literal(.decimal(let value), _):
                let problem = rule.bareNumber("\(value)")
                error(problem.message, at: range, hint: problem.hint)
            case .literal(.string(let text), _):
                if DurationSyntax.parse(text) == nil && (rule.kind == .duration || !TimestampText.isValid(text)) {
                    let problem = rule.badDurationText(text)
                    error(problem.message, at: range, hint: problem.hint)
                }
            case .literal(let literal, _):
                let problem = rule.notADuration(literal.description)
                error(problem.message, at: range, hint: problem.hint)
            case .array, .object:
                let problem = rule.notADuration(expression.isArray ? "an array" : "an object")
                error(problem.message, at: range, hint: problem.hint)
            default:
                break
            }
        case .wholeNumber(let bounds):
            switch expression {
            case .literal(.integer(let value), _):
                if !bounds.contains(value) { error(rule.outOfBounds(value), at: range) }
            case .literal(let literal, _):
                error(rule.notAWholeNumber(literal.description), at: range)
            case .interpolated:
                error(rule.notAWholeNumber("a string"), at: range)
            case .array, .object:
                error(rule.notAWholeNumber(expression.isArray ? "an array" : "an object"), at: range)
            default:
                break
            }
        }
    }

    /// `activity since` takes a duration (that long ago) or a timestamp string.
    mutating func checkSince(_ expression: Expr) {
        expect(expression, .activitySince)
    }

    /// `push s user ...`: a type that differs from a documented one only by
    /// case or a typo is a different, unvalidated type, staged silently.
    mutating func checkEntityType(_ type: Word) {
        guard let problem = KnownEntityTypes.problem(type.value) else { return }
        if problem.isError {
            error(problem.message, at: type.range, hint: problem.hint)
        } else {
            warn(problem.message, at: type.range, hint: problem.hint)
        }
    }

    /// Where a missing data file was looked for, with the name in that folder
    /// it most likely meant (`employes.jsonl` for `employees.jsonl`).
    private func missingFileHint(written: String, resolved: String, files: CheckFiles) -> String {
        let rule = "a path is relative to the folder of the script that names it"
        let folder = resolved.lastIndex(of: "/").map { $0 == resolved.startIndex ? "/" : String(resolved[..<$0]) } ?? ""
        let name = resolved.lastIndex(of: "/").map { String(resolved[resolved.index(after: $0)...]) } ?? resolved
        guard let meant = Spelling.closest(to: name, among: files.folderEntries(folder)) else {
            return "looked for \(files.shown(resolved)); \(rule)"
        }
        let writtenFolder = written.lastIndex(of: "/").map { String(written[...$0]) } ?? ""
        let shownFolder = folder.isEmpty ? "the current folder" : files.shown(folder) + "/"
        return "did you mean \"\(writtenFolder)\(meant)\"? (looked in \(shownFolder); \(rule))"
    }

    /// `push ... from "file"`: the file exists and can be read, and the
    /// columns `map` names are in a CSV's header. Only a literal path can be
    /// looked at before the script runs.
    mutating func checkDataFile(_ pathExpression: Expr, options: PushFileOptions, entityType: String) {
        guard let files, let written = pathExpression.stringLiteral else { return }
        let found = diagnostics.count
        let resolved = currentSource.resolve(path: written)
        let shown = files.shown(resolved)
        switch files.dataFile(resolved) {
        case .missing:
            error(
                "the data file \"\(written)\" does not exist", at: pathExpression.range,
                hint: missingFileHint(written: written, resolved: resolved, files: files))
        case .folder:
            error("the data file \"\(written)\" is a folder", at: pathExpression.range, hint: "looked at \(shown)")
        case .unreadable:
            error("the data file \"\(written)\" cannot be read", at: pathExpression.range, hint: "check its permissions: \(shown)")
        case .readable(let csvHeader):
            let isCSV = options.format.map { $0.value == .csv } ?? written.lowercased().hasSuffix(".csv")
            guard isCSV, let header = csvHeader else { break }
            for map in options.mappings {
                guard let column = map.from.stringLiteral, !header.contains(column) else { continue }
                let suggestion = Spelling.closest(to: column, among: header)
                let listing = header.prefix(12).map { "\"\($0)\"" }.joined(separator: ", ")
                error(
                    "\(written) has no column \"\(column)\"", at: map.from.range,
                    hint: suggestion.map { "did you mean \"\($0)\"? (the header has \(listing))" } ?? "the header has \(listing)")
            }
        }
        var mappingPath: String?
        if let mapping = options.mapping, let mappingFile = mapping.stringLiteral {
            let resolvedMapping = currentSource.resolve(path: mappingFile)
            if case .readable = files.dataFile(resolvedMapping) {
            } else {
                error(
                    "the mapping file \"\(mappingFile)\" does not exist or cannot be read", at: mapping.range,
                    hint: "looked for \(files.shown(resolvedMapping))")
                return
            }
            mappingPath = resolvedMapping
        }
        // A missing column already says why the records will not fit; reading them would only repeat it.
        guard !diagnostics[found...].contains(where: { $0.severity == .error }) else { return }
        checkRecords(
            pathExpression, written: written, resolved: resolved, options: options, entityType: entityType, mappingPath: mappingPath)
    }

    /// The records themselves, read as the push will read them: a problem
    /// there is known before the run, so it stops the run before its first
    /// request. Only when every part of the push is written literally, and
    /// the settings that change reading are known, can the file be read now.
    mutating func checkRecords(
        _ pathExpression: Expr, written: String, resolved: String, options: PushFileOptions, entityType: String, mappingPath: String?
    ) {
        // Only called for a readable file (any other is an error already): no second look at the disk.
        guard let files, let readRecords = files.records, recordSettings.known else { return }
        if options.mapping != nil && mappingPath == nil { return }
        var renames: [(from: String, to: String)] = []
        for map in options.mappings {
            guard let from = map.from.stringLiteral else { return }
            renames.append((from, map.to.value))
        }
        var skip = 0
        if let skipExpression = options.skip {
            guard case .literal(.integer(let count), _) = skipExpression, count >= 0, count <= Int64(Int32.max) else { return }
            skip = Int(count)
        }
        let request = DataFileRecords(
            path: resolved, written: written, range: pathExpression.range, entityType: entityType, format: options.format?.value,
            renames: renames, mappingFile: mappingPath, skip: skip, settings: recordSettings)
        addRecordFindings(readRecords(request))
    }

    /// `push s User [{...}]` with records written as literals: held to the
    /// record rules as the push's check pass will hold them, so `pushsh check`
    /// and the run agree on inline records as on a file's.
    mutating func checkInlineRecords(_ records: Expr, entityType: String) {
        guard let files, let readRecords = files.records, recordSettings.known, let json = records.constantJSON else { return }
        let request = DataFileRecords(
            path: "", written: "the records", range: records.range, entityType: entityType, format: nil, renames: [],
            mappingFile: nil, skip: 0, settings: recordSettings, inlineJSON: json)
        addRecordFindings(readRecords(request))
    }

    private mutating func addRecordFindings(_ findings: [Diagnostic]) {
        for var found in findings {
            // After 'set on_error continue' the script goes on past the failed
            // push (a lesson, a test of the refusal): known, but not fatal.
            if recordSettings.continuesOnError && found.severity == .error {
                found.severity = .warning
                let reason =
                    found.message.hasSuffix("; nothing was sent")
                    ? String(found.message.dropLast("; nothing was sent".count)) : found.message
                found.message = "this push will fail, and the script goes on past it (set on_error continue): " + reason
            }
            diagnostics.append(found)
        }
    }

    // MARK: - Includes

    /// Loads, parses and checks an included file in the current scope; the
    /// names it defines stay defined after the `include`.
    mutating func checkInclude(_ pathExpression: Expr, statement: Statement, in source: SourceFile) {
        check(pathExpression)
        // A computed path can only be followed at run time.
        guard let path = pathExpression.stringLiteral else {
            if case .literal(let literal, let range) = pathExpression {
                error(
                    "'include' takes a file path, not \(literal.description)", at: range,
                    hint: "include \"common.push\"")
            }
            return
        }
        let resolved = source.resolve(path: path)
        if includeStack.contains(resolved) {
            let cycle = (includeStack.drop { $0 != resolved } + [resolved]).joined(separator: " → ")
            error(
                "include cycle: \(cycle)", at: pathExpression.range,
                hint: "a file cannot include itself, even indirectly")
            return
        }
        if includeStack.count > Checker.maxIncludeDepth {
            error(
                "includes are nested too deeply (more than \(Checker.maxIncludeDepth) files)", at: pathExpression.range)
            return
        }
        // Each file is checked once: a file included from many places (or a
        // fan of includes) would otherwise be checked exponentially often.
        if let names = checkedIncludes[resolved] {
            defined.formUnion(names)
            return
        }
        if checkedIncludes.count >= Checker.maxIncludedFiles {
            error("more than \(Checker.maxIncludedFiles) different files are included", at: pathExpression.range)
            return
        }
        let included: SourceFile
        do {
            included = try loadInclude(resolved)
        } catch {
            let problem = IncludeRules.unreadable(path, resolved: files?.shown(resolved) ?? resolved)
            self.error(problem.message, at: pathExpression.range, hint: problem.hint)
            return
        }
        let parsed = Parser.parse(included)
        let before = diagnostics.count
        diagnostics.append(contentsOf: parsed.diagnostics)
        includeStack.append(resolved)
        let definedBefore = defined
        defined.formUnion(parsed.unfinishedNames)
        let outerSource = currentSource
        currentSource = included
        checkBlock(parsed.program.statements, in: included)
        currentSource = outerSource
        checkedIncludes[resolved] = defined.subtracting(definedBefore)
        includeStack.removeLast()
        if diagnostics.count > before {
            diagnostics.append(.note("in the file included here", at: pathExpression.range))
        }
    }
}

extension Expr {
    /// Whether this is an array literal (for messages about what was written).
    fileprivate var isArray: Bool {
        if case .array = self { return true }
        return false
    }
}
