import Testing

@testable import PushSyntax

/// Parses text as a file named `test.push`.
func parse(_ text: String, name: String = "test.push") -> ParseResult {
    Parser.parse(SourceFile(name: name, text: text))
}

/// The statements of a source that must parse without diagnostics, as S-expressions.
func sexprs(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [String] {
    let result = parse(text)
    #expect(result.diagnostics == [], "unexpected diagnostics: \(result.diagnostics)", sourceLocation: sourceLocation)
    return result.program.statements.map(\.sexpr)
}

/// The one statement of a source, as an S-expression.
func sexpr(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
    let all = sexprs(text, sourceLocation: sourceLocation)
    #expect(all.count == 1, "expected one statement, got \(all)", sourceLocation: sourceLocation)
    return all.first ?? ""
}

/// `line:column: message` for each diagnostic, for compact assertions.
func messages(_ diagnostics: [Diagnostic]) -> [String] {
    diagnostics.map { "\($0.range.start.line):\($0.range.start.column): \($0.message)" }
}

/// Text with numbered markers (`1️⃣`, `2️⃣`, ...) that say where diagnostics
/// are expected, as swift-format's tests do. `text` is the text without them.
struct MarkedText {
    let text: String
    /// Marker number → "line:column" (columns count Unicode scalars, like the lexer).
    let markers: [Int: String]

    static let symbols = ["0️⃣", "1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣"]

    init(_ marked: String) {
        var text = ""
        var markers: [Int: String] = [:]
        var line = 1
        var column = 1
        var rest = Substring(marked)
        outer: while let character = rest.first {
            for (number, symbol) in Self.symbols.enumerated() where rest.hasPrefix(symbol) {
                markers[number] = "\(line):\(column)"
                rest = rest.dropFirst(symbol.count)
                continue outer
            }
            text.append(character)
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
            rest = rest.dropFirst()
        }
        self.text = text
        self.markers = markers
    }

    /// "line:column" of marker `number`.
    subscript(_ number: Int) -> String { markers[number] ?? "no marker \(number)" }
}

// MARK: - S-expressions: the AST without ranges, compact enough to compare in one line.

extension Expr {
    var sexpr: String {
        switch self {
        case .literal(let literal, _): literal.sexpr
        case .interpolated(let parts, _):
            "(str "
                + parts.map { part in
                    switch part {
                    case .text(let text, _): quoted(text)
                    case .interpolation(let inner): inner.sexpr
                    }
                }.joined(separator: " ") + ")"
        case .variable(let name, _): name
        case .field(let base, let name, _): "(. \(base.sexpr) \(name.value))"
        case .index(let base, let index, _): "([] \(base.sexpr) \(index.sexpr))"
        case .call(let function, let arguments, _):
            "(\(([function.value] + arguments.map(\.sexpr)).joined(separator: " ")))"
        case .not(let operand, _): "(not \(operand.sexpr))"
        case .binary(let op, let left, let right, _): "(\(op.rawValue) \(left.sexpr) \(right.sexpr))"
        case .array(let elements, _): "[" + elements.map(\.sexpr).joined(separator: " ") + "]"
        case .object(let entries, _):
            "{" + entries.map { "\($0.key.value): \($0.value.sexpr)" }.joined(separator: ", ") + "}"
        }
    }
}

private func quoted(_ text: String) -> String { "\"" + text + "\"" }

extension Literal {
    var sexpr: String {
        switch self {
        case .string(let text): quoted(text)
        case .integer(let value): "\(value)"
        case .decimal(let value): "\(value)d"
        case .duration(let duration):
            "\(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)ms"
        case .bool(let value): "\(value)"
        case .null: "null"
        }
    }
}

extension Optional where Wrapped == Expr {
    var sexpr: String { self?.sexpr ?? "-" }
}

extension Statement {
    var sexpr: String {
        func block(_ statements: [Statement]) -> String { "(" + statements.map(\.sexpr).joined(separator: " ") + ")" }
        func key(_ key: KeySource) -> String {
            switch key {
            case .value(let value): value.sexpr
            case .file(let path): "(file \(path.sexpr))"
            case .prompt: "prompt"
            }
        }
        switch kind {
        case .connect(.sandbox): return "(connect sandbox)"
        case .connect(.profile(let name)): return "(connect profile \(name.value))"
        case .connect(.region(let region, let integration, let k, let cacert)):
            return "(connect region \(region.value.rawValue) \(integration.sexpr) \(key(k))\(cacert.map { " (cacert \($0.sexpr))" } ?? ""))"
        case .connect(.url(let url, let integration, let k, let cacert)):
            return "(connect url \(url.sexpr) \(integration.sexpr) \(key(k))\(cacert.map { " (cacert \($0.sexpr))" } ?? ""))"
        case .start(let reference): return "(start \(reference.sexpr))"
        case .status(let session): return "(status \(session.sexpr))"
        case .push(let push):
            switch push.source {
            case .records(let records):
                return "(push \(push.session.sexpr) \(push.entityType.value) \(records.sexpr))"
            case .file(let path, let options):
                var parts = ["push", push.session.sexpr, push.entityType.value, "from", path.sexpr]
                if let format = options.format { parts.append("format=\(format.value.rawValue)") }
                if let skip = options.skip { parts.append("skip=\(skip.sexpr)") }
                for map in options.mappings { parts.append("map=\(map.from.sexpr)->\(map.to.value)") }
                if let mapping = options.mapping { parts.append("mapping=\(mapping.sexpr)") }
                return "(" + parts.joined(separator: " ") + ")"
            }
        case .close(let session, let mode, let anyway): return "(close \(session.sexpr) \(mode.value.rawValue)\(anyway ? " anyway" : ""))"
        case .wait(let wait):
            return
                "(wait \(wait.session.sexpr) \(wait.states.map(\.value.rawValue).joined(separator: "|")) \(wait.timeout.sexpr))"
        case .integration: return "(integration)"
        case .activity(let query): return "(activity \(query.since.sexpr) \(query.page.sexpr) \(query.size.sexpr))"
        case .let(let name, .expression(let value)): return "(let \(name.value) \(value.sexpr))"
        case .let(let name, .command(let command)): return "(let \(name.value) \(command.sexpr))"
        case .print(let values): return "(print" + values.map { " " + $0.sexpr }.joined() + ")"
        case .expect(let condition, let message): return "(expect \(condition.sexpr) \(message.sexpr))"
        case .sleep(let duration): return "(sleep \(duration.sexpr))"
        case .if(let conditional):
            let branches = conditional.branches.map { "\($0.condition.sexpr) \(block($0.body))" }.joined(separator: " ")
            return "(if \(branches)\(conditional.elseBody.map { " else " + block($0) } ?? ""))"
        case .for(let loop): return "(for \(loop.variable.value) \(loop.sequence.sexpr) \(block(loop.body)))"
        case .include(let path): return "(include \(path.sexpr))"
        case .set(let setting):
            switch setting {
            case .onError(let mode): return "(set on_error \(mode.value.rawValue))"
            case .output(let mode): return "(set output \(mode.value.rawValue))"
            case .pageSize(let value): return "(set page_size \(value.sexpr))"
            case .retries(let value): return "(set retries \(value.sexpr))"
            case .retryFor(let value): return "(set retry_for \(value.sexpr))"
            case .settle(let value): return "(set settle \(value.sexpr))"
            case .pageBytes(let value): return "(set page_bytes \(value.sexpr))"
            case .progress(let on): return "(set progress \(on.value ? "on" : "off"))"
            case .validation(let on): return "(set validation \(on.value ? "on" : "off"))"
            case .timeout(let value): return "(set timeout \(value.sexpr))"
            case .partialPages(let mode): return "(set partial_pages \(mode.value.rawValue))"
            case .csvQuotes(let mode): return "(set csv_quotes \(mode.value.rawValue))"
            case .csvTrim(let on): return "(set csv_trim \(on.value ? "on" : "off"))"
            case .csvDuplicates(let mode): return "(set csv_duplicates \(mode.value.rawValue))"
            case .pushConcurrency(let value): return "(set push_concurrency \(value.sexpr))"
            }
        case .help(let topic): return "(help \(topic?.value ?? "-"))"
        case .why: return "(why)"
        case .exit(let code): return "(exit \(code.sexpr))"
        case .sandbox(let command):
            switch command {
            case .advance(let value): return "(sandbox advance \(value.sexpr))"
            case .failNext(let count): return "(sandbox fail-next \(count.sexpr))"
            case .processing(let value): return "(sandbox processing \(value.sexpr))"
            case .rateLimit(let value): return "(sandbox rate-limit \(value.map(\.sexpr) ?? "off"))"
            case .records(let type): return "(sandbox records \(type.value))"
            case .reset: return "(sandbox reset)"
            case .faults(let plan): return "(sandbox faults \(plan.map(\.sexpr) ?? "off"))"
            }
        case .save(let path, let replace, let entries):
            var range = ""
            switch entries {
            case .all: break
            case .last(let count): range = " (last \(count.sexpr))"
            case .sinceLastSave: range = " since-last-save"
            }
            return "(save \(path.sexpr)\(range)\(replace ? " replace" : ""))"
        case .learn(let topic): return "(learn \(topic?.value ?? "-"))"
        case .expression(let expression): return expression.sexpr
        }
    }
}
