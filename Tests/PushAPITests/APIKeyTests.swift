import Testing

@testable import PushAPI

/// A key that cannot travel as a header is refused before anything is sent,
/// in words that never show the key.
@Suite struct APIKeyTests {
    @Test(arguments: [
        ("sk_live_abc\n", "a line break (character 12 of 12)"), ("sk\tlive", "a tab (character 3 of 7)"),
        ("sk\u{7F}x", "a control character (character 3 of 4)"), ("sk\u{0}x", "a control character"),
        (" sk_live", "starts with a space"), ("sk_live ", "ends with a space"),
    ])
    func refused(key: String, words: String) throws {
        let problem = try #require(APIKey.problem(with: key))
        #expect(problem.contains(words), "\(problem)")
        #expect(!problem.contains("sk_live") && !problem.contains("live"), "the problem shows the key: \(problem)")
    }

    @Test(arguments: ["sk_live_abc", "a b", "key-with-ünïcode", "x"])
    func taken(key: String) {
        #expect(APIKey.problem(with: key) == nil)
    }

    @Test func theEnvironmentIsRefusedWithTheVariablesName() {
        #expect(throws: ConfigurationError.self) {
            try PushConfiguration.fromEnvironment(["SPRINTO_API_KEY": "abc\r\n", "SPRINTO_INTEGRATION_ID": "acme"])
        }
        do {
            _ = try PushConfiguration.fromEnvironment(["SPRINTO_API_KEY": "abc\r\n", "SPRINTO_INTEGRATION_ID": "acme"])
        } catch {
            #expect(error.message.hasPrefix("SPRINTO_API_KEY: the API key holds a line break"))
            #expect(!error.message.contains("abc"))
        }
    }
}
