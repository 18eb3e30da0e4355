import Testing

@testable import PushSyntax

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// docs/language.md is held to the command catalog: every command, setting,
/// sandbox command and help topic documented, and nothing documented that
/// the language does not have.
@Suite struct LanguageDocTests {
    /// docs/language.md, read through the C library (this target has no Foundation).
    static let text: String = {
        let here = #filePath
        let root = here.split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/")
        guard let file = fopen(root + "/docs/language.md", "r") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }()

    static var lines: [Substring] { text.split(separator: "\n", omittingEmptySubsequences: false) }

    /// The `### ` headings of the "## Commands" section.
    static var commandHeadings: [String] {
        var inCommands = false
        var headings: [String] = []
        for line in lines {
            if line.hasPrefix("## ") { inCommands = line == "## Commands" }
            if inCommands, line.hasPrefix("### ") { headings.append(String(line.dropFirst(4))) }
        }
        return headings
    }

    @Test func theDocumentIsThere() {
        #expect(Self.text.count > 10_000)
    }

    @Test func everyCommandIsDocumentedAndNoOtherIs() {
        let documented = Set(Self.commandHeadings.flatMap { $0.split(separator: " ").map(String.init) }.filter { $0 != "and" })
        for command in CommandCatalog.commands {
            #expect(documented.contains(command.name), "docs/language.md has no '### \(command.name)' under ## Commands")
        }
        for word in documented {
            #expect(CommandCatalog.commandWords.contains(word), "docs/language.md documents '\(word)', which is not a command")
        }
        // And the contents list links each one.
        for command in CommandCatalog.commands where command.name != "save" && command.name != "learn" {
            #expect(Self.text.contains("[\(command.name)](#\(command.name))"), "the contents do not link \(command.name)")
        }
    }

    @Test func everySettingIsInTheSetTableAndNoOtherIs() {
        var inSet = false
        var documented: [String] = []
        for line in Self.lines {
            if line.hasPrefix("### ") { inSet = line == "### set" }
            if inSet, line.hasPrefix("| `"), let end = line.dropFirst(3).firstIndex(of: "`") {
                documented.append(String(line[line.index(line.startIndex, offsetBy: 3)..<end]))
            }
        }
        #expect(Self.text.contains("| setting | default | what it does |"))
        #expect(Set(documented) == Set(SettingName.allCases.map(\.rawValue)), "the set table lists \(documented)")
        for line in CommandCatalog.command("set")!.syntax.split(separator: "\n") {
            #expect(Self.text.contains(String(line)), "docs/language.md does not show '\(line)'")
        }
    }

    @Test func everySandboxCommandIsInItsTableAndNoOtherIs() {
        var inSandbox = false
        var documented: [String] = []
        for line in Self.lines {
            if line.hasPrefix("### ") { inSandbox = line == "### sandbox" }
            if inSandbox, line.hasPrefix("| `"), let word = line.dropFirst(3).split(separator: " ").first {
                documented.append(String(word).replacingBackticks())
            }
        }
        #expect(Set(documented) == Set(SandboxSubcommand.names), "the sandbox table lists \(documented)")
        for line in CommandCatalog.command("sandbox")!.syntax.split(separator: "\n") {
            #expect(Self.text.contains(String(line)), "docs/language.md does not show '\(line)'")
        }
    }

    @Test func everyHelpTopicIsNamed() {
        for topic in CommandCatalog.topics {
            #expect(Self.text.contains("`\(topic.name)`"), "docs/language.md does not name the help topic \(topic.name)")
            #expect(CommandCatalog.command("help")!.details.contains(topic.name))
        }
    }

    @Test func everyCommandSyntaxIsShown() {
        for command in CommandCatalog.commands where !["if", "connect", "push", "set", "sandbox"].contains(command.name) {
            for line in command.syntax.split(separator: "\n") {
                #expect(Self.text.contains(String(line)), "docs/language.md does not show '\(line)' (help \(command.name))")
            }
        }
    }
}

extension String {
    fileprivate func replacingBackticks() -> String { filter { $0 != "`" } }
}

/// The functions table in docs/language.md lists every built-in function by
/// its signature, as `help expressions` does, and no function the language lacks.
@Suite struct FunctionDocTests {
    @Test func everyFunctionIsInTheTableAndNoOtherIs() {
        for function in BuiltinFunction.all {
            #expect(LanguageDocTests.text.contains("| `\(function.signature)` |"), "docs/language.md lacks \(function.signature)")
        }
        let rows = LanguageDocTests.lines.filter { $0.hasPrefix("| `") && $0.contains("(") }
        let documented = rows.compactMap { row -> String? in
            let cell = row.dropFirst(3).prefix { $0 != "`" }
            guard let open = cell.firstIndex(of: "("), cell.hasSuffix(")") else { return nil }
            return String(cell[..<open])
        }
        #expect(documented.count >= BuiltinFunction.all.count, "\(documented)")
        for name in documented where !name.contains(" ") && name.allSatisfy({ $0.isLetter || $0 == "_" }) {
            #expect(BuiltinFunction.named(name) != nil, "docs/language.md documents \(name)(), which is not a function")
        }
    }
}
