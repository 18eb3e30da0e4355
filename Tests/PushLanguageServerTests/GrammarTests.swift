import Foundation
import PushSyntax
import Testing

/// The TextMate grammar in editors/ knows every command word and function, so
/// a new command cannot be left uncoloured.
@Suite struct GrammarTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theGrammarColoursEveryCommandAndFunction() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("editors/vscode/syntaxes/push.tmLanguage.json"))
        let grammar = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let repository = try #require(grammar["repository"] as? [String: [String: Any]])
        let commands = try #require(repository["command"]?["match"] as? String) + (repository["control"]?["match"] as? String ?? "")
        for word in CommandCatalog.commandWords {
            #expect(
                commands.contains("|\(word)|") || commands.contains("(\(word)|") || commands.contains("|\(word))"),
                "'\(word)' is not coloured")
        }
        let functions = try #require(repository["function"]?["match"] as? String)
        // As a whole alternative: `match` must not pass for being inside `matches`.
        let alternatives = Set(functions.split(whereSeparator: { "()|".contains($0) }).map(String.init))
        for function in BuiltinFunction.all { #expect(alternatives.contains(function.name), "\(function.name)()") }
        // Every pattern compiles as a regular expression (Oniguruma is close to ICU here).
        for (name, rule) in repository {
            for key in ["match", "begin", "end"] {
                guard let pattern = rule[key] as? String else { continue }
                #expect((try? NSRegularExpression(pattern: pattern)) != nil, "\(name).\(key)")
            }
        }
    }

    @Test func theExtensionRegistersTheGrammarAndStartsTheServer() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("editors/vscode/package.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let contributes = try #require(manifest["contributes"] as? [String: Any])
        let grammars = try #require(contributes["grammars"] as? [[String: Any]])
        #expect(grammars.first?["scopeName"] as? String == "source.push")
        let path = try #require(grammars.first?["path"] as? String)
        #expect(
            FileManager.default.fileExists(atPath: Self.root.appendingPathComponent("editors/vscode").appendingPathComponent(path).path))
        let script = try String(contentsOf: Self.root.appendingPathComponent("editors/vscode/extension.js"), encoding: .utf8)
        #expect(script.contains(#"args: ["lsp"]"#))
    }
}
