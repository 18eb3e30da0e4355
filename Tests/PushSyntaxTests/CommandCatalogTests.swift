import Foundation
import Testing

@testable import PushSyntax

@Suite struct CommandCatalogTests {
    @Test func everyCommandHasRealHelp() throws {
        for command in CommandCatalog.commands {
            #expect(!command.summary.isEmpty && !command.summary.hasSuffix("."), "\(command.name)")
            #expect(
                command.syntax.hasPrefix(command.name) || command.name == "if" || command.name == "for",
                "\(command.name)")
            #expect(command.details.count > 80, "\(command.name) needs a real explanation")
            let help = try #require(CommandCatalog.helpText(for: command.name))
            #expect(help.hasPrefix("\(command.name): \(command.summary)\n\nSyntax:\n  "))
            #expect(help.contains("Example:\n  "))
        }
        #expect(CommandCatalog.commands.count == Set(CommandCatalog.commands.map(\.name)).count)
    }

    @Test func everyExampleParses() {
        for command in CommandCatalog.commands {
            let result = Parser.parse(SourceFile(name: "help \(command.name)", text: command.example))
            #expect(result.diagnostics == [], "the example of \(command.name) does not parse: \(result.diagnostics)")
        }
    }

    @Test func everyCommandWordStartsAStatement() {
        // If a command word fell through to an expression statement, it would parse as a variable.
        for word in CommandCatalog.commandWords {
            let result = Parser.parse(SourceFile(name: "t", text: word))
            if case .expression = result.program.statements.first?.kind {
                Issue.record("'\(word)' parsed as an expression")
            }
        }
    }

    @Test func valueCommandsAgreeWithTheParser() {
        let producing = Set(CommandCatalog.commands.filter(\.producesValue).map(\.name))
        #expect(producing == Parser.valueCommands)
        #expect(CommandCatalog.command("let")?.followingWords.sorted() == Parser.valueCommands.sorted())
    }

    @Test func topicsAndOverview() throws {
        #expect(CommandCatalog.topics.map(\.name) == ["values", "expressions", "durations", "dates", "exit-codes", "network", "profiles"])
        let exitCodes = try #require(CommandCatalog.helpText(for: "exit-codes"))
        // Each code starts a line of the table (the old `|| hasPrefix` made this always true).
        for code in [0, 1, 2, 3, 4, 5, 6, 7, 129, 130, 143] {
            #expect(
                exitCodes.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("\(code) ") },
                "help exit-codes lacks \(code)")
        }
        #expect(
            try #require(CommandCatalog.helpText(for: "values")).contains(
                "A session value shows its last known\n            snapshot; every command that touches the session (start,\n            push, status, close, wait) refreshes it."
            ))
        #expect(try #require(CommandCatalog.helpText(for: "expressions")).contains("env(NAME [, DEFAULT])"))
        #expect(CommandCatalog.helpText(for: "nope") == nil)
        let overview = CommandCatalog.overview
        for command in CommandCatalog.commands { #expect(overview.contains("  \(command.name) ")) }
        for area in CommandArea.allCases { #expect(overview.contains(area.title + ":")) }
    }

    @Test func followingWordsForCompletion() {
        #expect(CommandCatalog.followingWords(after: "wait").contains("until"))
        #expect(CommandCatalog.followingWords(after: "wait").contains("processed"))
        #expect(CommandCatalog.followingWords(after: "close") == ["apply", "discard", "anyway"])
        #expect(CommandCatalog.followingWords(after: "connect").contains("eu"))
        #expect(CommandCatalog.followingWords(after: "sandbox").contains("rate-limit"))
        #expect(CommandCatalog.followingWords(after: "print") == [])
    }

    @Test func spelling() {
        #expect(Spelling.closest(to: "stauts", among: ["status", "start"]) == "status")
        #expect(Spelling.closest(to: "xyz", among: ["status", "start"]) == nil)
        #expect(Spelling.editDistance("kitten", "sitting") == 3)
    }

    @Test func parseExpressionEntryPoint() {
        #expect(
            Parser.parseExpression(SourceFile(name: "--var", text: "[1, {\"a\": x}]")).expression?.sexpr == "[1 {a: x}]"
        )
        let bad = Parser.parseExpression(SourceFile(name: "--var", text: "1 2"))
        #expect(bad.expression == nil)
        #expect(messages(bad.diagnostics) == ["1:3: expected the end of the expression, found the number 2"])
    }

    @Test func sourceFilePaths() {
        #expect(SourceFile(name: "a/b/c.push", text: "").resolve(path: "d.push") == "a/b/d.push")
        #expect(SourceFile(name: "/c.push", text: "").resolve(path: "d.push") == "/d.push")
        #expect(SourceFile(name: "c.push", text: "").resolve(path: "d.push") == "d.push")
        #expect(SourceFile(name: "<stdin>", text: "").resolve(path: "d.push") == "d.push")
        #expect(SourceFile(name: "a/c.push", text: "").resolve(path: "/x/d.push") == "/x/d.push")
        let source = SourceFile(name: "t", text: "one\r\ntwo\nthree")
        #expect(
            [source.lineText(1), source.lineText(2), source.lineText(3), source.lineText(4)] == [
                "one", "two", "three", "",
            ])
        #expect(source.lineCount == 3)
    }
}

/// `help` at 80x24 is read through `less`, which wraps a line of 80 or more
/// columns mid-word: every help text, fitted as the shell fits it to an 80
/// column terminal, must have no line longer than the shell's line width.
@Suite struct HelpWidthTests {
    @Test func everyHelpTextFitsEightyColumns() throws {
        let width = TextFlow.lineWidth(forTerminalColumns: 80)
        let texts =
            [("help", CommandCatalog.overview)]
            + CommandCatalog.helpWords.compactMap { word in
                CommandCatalog.helpText(for: word).map { ("help \(word)", $0) }
            }
        #expect(texts.count == CommandCatalog.helpWords.count + 1)
        var tooLong: [String] = []
        for (name, text) in texts {
            for line in TextFlow.reflow(text, width: width).split(separator: "\n") where line.count > width {
                tooLong.append("\(name): \(line.count) columns: \(line)")
            }
        }
        #expect(tooLong.isEmpty, "\(tooLong.joined(separator: "\n"))")
    }
}
