import Foundation
import Testing

/// Every example runs against the built-in sandbox and must print exactly its
/// checked-in expected output (examples/expected/NAME.out, ending with the
/// exit code). `RECORD_GOLDEN=1 swift test --filter ExampleTests` rewrites them.
@Suite struct ExampleTests {
    static let names = ["quickstart", "discard", "expiry", "retry", "conflict", "validation"]

    @Test(arguments: names)
    func exampleMatchesItsExpectedOutput(name: String) throws {
        let result = try Binary.run(["examples/\(name).push"])
        let actual = result.output + "exit: \(result.code)\n"
        let expectedURL = Binary.root.appendingPathComponent("examples/expected/\(name).out")
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] != nil {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(actual == expected, "\(name).push output changed; diff it against examples/expected/\(name).out")
        #expect(result.code == 0)
    }
}
