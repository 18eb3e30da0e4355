import Foundation
import PushAPI
import PushScript
import PushShell
import PushSyntax
import Testing

/// The completer, `save` and the shell read the command catalog: what they
/// offer and leave out is tested against that one table.
@Suite struct OneTableTests {
    let completer = Completer(variables: ["s"], sessionVariables: ["s"], directory: FileManager.default.currentDirectoryPath)

    func offered(_ text: String) -> Set<String> { Set(completer.complete(text).candidates) }

    @Test func completerOffersEveryCommandAndBlockWord() {
        let first = offered("")
        for word in CommandCatalog.commandWords { #expect(first.contains(word), "\(word) is not offered at the start of a line") }
        for word in CommandCatalog.blockWords { #expect(first.contains(word)) }
        #expect(offered("help ") == Set(CommandCatalog.helpWords))
        for topic in CommandCatalog.topics { #expect(offered("help ").contains(topic.name)) }
    }

    @Test func completerOffersWhatTheTableSaysMayFollow() {
        #expect(offered("let x = ").isSuperset(of: Parser.valueCommands))
        #expect(offered("sandbox ") == Set(SandboxSubcommand.names))
        #expect(offered("set ") == Set(SettingName.allCases.map(\.rawValue)))
        #expect(offered("set on_error ") == Set(OnErrorMode.allCases.map(\.rawValue)))
        #expect(offered("set validation ") == ["on", "off"])
        #expect(offered("close s ") == Set(CloseMode.allCases.map(\.rawValue)))
        #expect(offered("activity ") == Set(CommandCatalog.followingWords(after: "activity")))
        #expect(offered("wait s until ") == Set(SessionStateName.allCases.map(\.rawValue)))
        let pushOptions = Set(CommandCatalog.followingWords(after: "push")).subtracting(["from"])
        #expect(offered("push s User from \"x.csv\" ") == pushOptions)
        // Every word a command's table entry lists is offered somewhere after that command.
        let contexts: [String: [String]] = [
            "push": ["push s User ", "push s User from \"x\" "], "wait": ["wait s ", "wait s until ", "wait s until processed "],
            "sandbox": ["sandbox ", "sandbox fail ", "sandbox rate-limit "],
            "set": [
                "set ", "set on_error ", "set output ", "set progress ", "set partial_pages ", "set csv_quotes ", "set csv_duplicates ",
            ],
            "close": ["close s ", "close s apply "], "activity": ["activity "], "start": ["start "], "if": ["", "if x "],
            "for": ["for x ", ""],
            "expect": ["expect x "],
            "connect": [
                "connect ", "connect region ", "connect region us integration \"i\" key ", "connect region us ",
                "connect region us integration \"i\" key \"k\" ",
            ], "let": ["let x = "],
        ]
        for command in CommandCatalog.commands where !command.followingWords.isEmpty {
            guard let places = contexts[command.name], !places.isEmpty else { continue }
            let all = places.reduce(into: Set<String>()) { $0.formUnion(offered($1)) }
            for word in command.followingWords {
                #expect(all.contains(word), "'\(word)' (after \(command.name)) is never offered")
            }
        }
    }

    @Test func saveLeavesOutExactlyWhatTheTableSaysOnlyLooks() {
        for command in CommandCatalog.commands {
            let statement = Parser.parse(SourceFile(name: "t", text: command.example)).program.statements.first
            guard let statement, statement.commandWord == command.name else { continue }
            #expect(CommandCatalog.looksOnly(statement) == command.looksOnly, "\(command.name)")
        }
        let records = Parser.parse(SourceFile(name: "t", text: "sandbox records User")).program.statements[0]
        #expect(CommandCatalog.looksOnly(records))
        let advance = Parser.parse(SourceFile(name: "t", text: "sandbox advance 1h")).program.statements[0]
        #expect(!CommandCatalog.looksOnly(advance))
    }
}
