import Foundation
import PushSyntax

/// Completion, hover, definition and symbols: what a user sees besides diagnostics.
extension LanguageServer {
    // LSP's CompletionItemKind and SymbolKind numbers.
    enum ItemKind {
        static let function = 3, variable = 6, keyword = 14, file = 17, folder = 19, enumMember = 20
    }

    enum SymbolKind {
        static let file = 1, module = 2, variable = 13, object = 19
    }

    // MARK: Completion

    /// The shell's completer, on the text of the line up to the cursor, with
    /// the names this document (and its includes) defines.
    func completion(in document: OpenDocument, at offset: Int) -> Any {
        let analysis = document.analysis
        let folder = analysis.source.directory ?? FileManager.default.currentDirectoryPath
        var types = ["User"]
        for type in analysis.entityTypes where !types.contains(type) { types.append(type) }
        let completer = Completer(
            variables: analysis.definedNames, sessionVariables: analysis.sessionNames, entityTypes: types, directory: folder)
        let prefix = analysis.lines.linePrefix(upTo: offset)
        let completion = completer.complete(prefix)
        let cursor = analysis.lines.position(ofByte: offset)
        let start = Position(line: cursor.line, character: max(0, cursor.character - completion.word.utf16.count))
        let names = Set(analysis.definedNames)
        let items: [JSONObject] = completion.candidates.prefix(500).map { candidate in
            var item: JSONObject = [
                "label": candidate,
                "textEdit": ["range": json((start, cursor)), "newText": candidate] as JSONObject,
            ]
            if completion.isPath {
                item["kind"] = candidate.hasSuffix("/") ? ItemKind.folder : ItemKind.file
            } else if candidate.hasSuffix("("), let function = BuiltinFunction.named(String(candidate.dropLast())) {
                item["kind"] = ItemKind.function
                item["detail"] = function.signature
                item["documentation"] = function.summary
            } else if names.contains(candidate) {
                item["kind"] = ItemKind.variable
                if let definition = analysis.definition(of: candidate, before: offset) {
                    item["detail"] = definitionLine(definition, analysis: analysis)
                }
            } else if let command = CommandCatalog.command(candidate) {
                item["kind"] = ItemKind.keyword
                item["detail"] = command.summary
            } else if SessionStateName(rawValue: candidate) != nil {
                item["kind"] = ItemKind.enumMember
                item["detail"] = "a session state"
            } else {
                item["kind"] = ItemKind.keyword
            }
            return item
        }
        return ["isIncomplete": false, "items": items] as JSONObject
    }

    // MARK: Hover

    /// The help text of the command or keyword under the cursor, a variable's
    /// defining line, a function's signature.
    func hover(in document: OpenDocument, at offset: Int) -> Any? {
        let analysis = document.analysis
        guard let token = analysis.token(at: offset) else { return nil }
        let range = json(analysis.lines.range(of: token.range))
        func reply(_ text: String, markdown: Bool = false) -> JSONObject {
            ["contents": ["kind": markdown ? "markdown" : "plaintext", "value": text] as JSONObject, "range": range]
        }
        switch token.kind {
        case .word(let word):
            let statement = analysis.statement(at: offset)
            let startsStatement = statement.map { $0.range.start.offset == token.range.start.offset } ?? false
            if let help = CommandCatalog.helpText(for: word), CommandCatalog.command(word) != nil,
                startsStatement || statement == nil || isValueCommand(word, in: statement)
            {
                return reply(help)
            }
            if let function = BuiltinFunction.named(word), followedByParenthesis(token, in: analysis) {
                return reply("\(function.signature)\n\n\(function.summary)")
            }
            if let definition = analysis.definition(of: word, before: offset) {
                return reply(
                    "```push\n\(definitionText(definition, analysis: analysis))\n```\n\(definitionLine(definition, analysis: analysis))",
                    markdown: true)
            }
            if word == "last_push" && analysis.pushes {
                return reply("last_push: the result of the latest push (kept even when the page was rejected)")
            }
            // A keyword inside a command (`until`, `apply`, `from`): that command's help.
            if let statement, let help = CommandCatalog.helpText(for: statement.commandWord) {
                return reply(help)
            }
            return nil
        case .keyword:
            return CommandCatalog.helpText(for: "expressions").map { reply($0) }
        case .duration:
            return CommandCatalog.helpText(for: "durations").map { reply($0) }
        default:
            return nil
        }
    }

    private func isValueCommand(_ word: String, in statement: Statement?) -> Bool {
        guard let statement, case .let(_, .command(let command)) = statement.kind else { return false }
        return command.commandWord == word
    }

    private func followedByParenthesis(_ token: Token, in analysis: DocumentAnalysis) -> Bool {
        let bytes = analysis.source.utf8
        let next = token.range.end.offset
        return next < bytes.count && bytes[next] == UInt8(ascii: "(")
    }

    /// The defining statement's text (its first line, for a `for`).
    func definitionText(_ definition: Definition, analysis: DocumentAnalysis) -> String {
        let source = analysis.sources[definition.statementRange.file] ?? analysis.source
        let text = source.text(in: definition.statementRange)
        let firstLine = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? text
        return firstLine.count > 200 ? String(firstLine.prefix(200)) + "…" : firstLine
    }

    /// `defined on line 3` or `defined in common.push, line 2`.
    func definitionLine(_ definition: Definition, analysis: DocumentAnalysis) -> String {
        let what = definition.kind == .loopVariable ? "the loop variable of the for on" : "defined on"
        if definition.nameRange.file == analysis.source.name {
            return "\(what) line \(definition.nameRange.line)"
        }
        let file = definition.nameRange.file.split(separator: "/").last.map(String.init) ?? definition.nameRange.file
        return "\(what) line \(definition.nameRange.line) of \(file)"
    }

    // MARK: Definition

    /// A variable's defining `let` or `for`; an include path's file.
    func definition(in document: OpenDocument, at offset: Int) -> Any? {
        let analysis = document.analysis
        if let link = analysis.includes.first(where: { $0.range.byteRange.contains(offset) || $0.range.end.offset == offset }) {
            guard readDisk(link.resolvedPath) != nil || openText(ofPath: link.resolvedPath) != nil else { return nil }
            let origin = Position(line: 0, character: 0)
            return ["uri": DocumentURI.from(path: link.resolvedPath), "range": json((origin, origin))] as JSONObject
        }
        guard let token = analysis.token(at: offset), case .word(let name) = token.kind,
            let definition = analysis.definition(of: name, before: offset)
        else { return nil }
        return location(of: definition.nameRange, analysis: analysis, document: document)
    }

    func location(of range: SourceRange, analysis: DocumentAnalysis, document: OpenDocument) -> JSONObject {
        if range.file == analysis.source.name {
            return ["uri": document.uri, "range": json(analysis.lines.range(of: range))]
        }
        let lines = LineTable(analysis.sources[range.file] ?? SourceFile(name: range.file, text: ""))
        return ["uri": DocumentURI.from(path: range.file), "range": json(lines.range(of: range))]
    }

    // MARK: Symbols

    /// The `let`s (sessions marked as such), `for` variables and includes, in file order.
    func symbols(in document: OpenDocument) -> Any {
        let analysis = document.analysis
        var symbols: [(offset: Int, json: JSONObject)] = analysis.definitions.map { definition in
            let detail: String
            switch definition.kind {
            case .let(session: true): detail = "session"
            case .let: detail = "let"
            case .loopVariable: detail = "for"
            }
            let symbol: JSONObject = [
                "name": definition.name, "detail": detail,
                "kind": definition.isSession ? SymbolKind.object : SymbolKind.variable,
                "range": json(analysis.lines.range(of: definition.statementRange)),
                "selectionRange": json(analysis.lines.range(of: definition.nameRange)),
            ]
            return (definition.statementRange.start.offset, symbol)
        }
        for link in analysis.includes {
            let range = json(analysis.lines.range(of: link.range))
            let name = analysis.source.text(in: link.range)
            symbols.append(
                (
                    link.range.start.offset,
                    [
                        "name": name.isEmpty ? link.resolvedPath : name, "detail": "include", "kind": SymbolKind.file, "range": range,
                        "selectionRange": range,
                    ]
                ))
        }
        return symbols.sorted { $0.offset < $1.offset }.map(\.json)
    }
}
