import Foundation
import Testing

/// Every example runs against the built-in sandbox and must print exactly its
/// checked-in expected output (examples/expected/NAME.out, ending with the
/// exit code). `PUSHSH_RECORD_GOLDEN=1 swift test --filter ExampleTests`
/// rewrites them, and fails on purpose so that a recording run never passes.
@Suite struct ExampleTests {
    /// Every script in examples/, found on disk: a new example is tested without being listed.
    static let names: [String] = {
        let folder = Binary.root.appendingPathComponent("examples")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".push") }.map { String($0.dropLast(5)) }.sorted()
    }()

    /// The one switch for every golden file (OutputGoldenTests reads it too).
    static let recording = ProcessInfo.processInfo.environment["PUSHSH_RECORD_GOLDEN"] == "1"

    @Test func theExamplesAreFoundAndEachHasItsExpectedOutput() {
        #expect(Self.names.count >= 6, "\(Self.names)")
        for name in Self.names {
            let expected = Binary.root.appendingPathComponent("examples/expected/\(name).out").path
            #expect(
                FileManager.default.fileExists(atPath: expected) || Self.recording,
                "examples/\(name).push has no examples/expected/\(name).out")
        }
    }

    @Test(arguments: names)
    func exampleMatchesItsExpectedOutput(name: String) throws {
        let result = try Binary.run(["examples/\(name).push"])
        let actual = result.output + "exit: \(result.code)\n"
        let expectedURL = Binary.root.appendingPathComponent("examples/expected/\(name).out")
        if Self.recording {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
            Issue.record("recorded examples/expected/\(name).out; run again without PUSHSH_RECORD_GOLDEN")
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(actual == expected, "\(name).push output changed; diff it against examples/expected/\(name).out")
        #expect(result.code == 0)
    }
}
