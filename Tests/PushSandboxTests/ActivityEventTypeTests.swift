import Foundation
import PushAPI
import Testing
import _PushTestSupport

@testable import PushSandbox

/// The event kinds are spelled once, in `ActivityEventType`: the sandbox
/// writes every one of them and nothing else, and docs/sandbox.md lists the
/// same set.
@Suite struct ActivityEventTypeTests {
    /// Drives a sandbox through every path that logs an event.
    static func eventsOfEveryPath() throws -> [ActivityEvent] {
        let sandbox = makeSandbox(processing: .seconds(2), timeout: .seconds(60))
        let applied = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        _ = try sandbox.push(integrationID: "acme", sessionID: applied.id, body: page([user("E1")]))
        _ = try? sandbox.push(integrationID: "acme", sessionID: applied.id, body: page([["employeeId": "E3"]]))
        _ = try sandbox.close(integrationID: "acme", sessionID: applied.id, action: .apply)
        sandbox.advanceClock(by: .seconds(10))
        for failures in [1, 2] {
            sandbox.failNextProcessing(failures)
            let s = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
            _ = try sandbox.push(integrationID: "acme", sessionID: s.id, body: page([user("E2")]))
            _ = try sandbox.close(integrationID: "acme", sessionID: s.id, action: .apply)
            sandbox.advanceClock(by: .seconds(20))
        }
        let discarded = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        _ = try sandbox.close(integrationID: "acme", sessionID: discarded.id, action: .discard)
        _ = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        sandbox.advanceClock(by: .seconds(61))
        var events = try sandbox.inspect(integrationID: "acme").events

        let limited = makeSandbox(rateLimit: 1)
        _ = try limited.startSession(integrationID: "acme", clientReferenceID: nil)
        for _ in 0..<3 { try? limited.checkRateLimit(integrationID: "acme") }
        events += try limited.inspect(integrationID: "acme").events
        return events
    }

    @Test func theSandboxWritesEveryKindAndNoOther() throws {
        let events = try Self.eventsOfEveryPath()
        let unknown = events.filter { $0.knownType == nil }.map(\.type)
        #expect(unknown.isEmpty, "the sandbox wrote kinds ActivityEventType does not name: \(unknown)")
        let missing = Set(ActivityEventType.allCases).subtracting(events.compactMap(\.knownType))
        #expect(missing.isEmpty, "no path above wrote \(missing.map(\.rawValue).sorted())")
    }

    @Test func docsListTheSameKinds() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/sandbox.md"), encoding: .utf8)
        let section = text.components(separatedBy: "## The activity log").dropFirst().first ?? ""
        let documented = section.split(separator: "\n").prefix { !$0.hasPrefix("Parameters") }
            .filter { $0.hasPrefix("| `") }
            .compactMap { $0.split(separator: "`").dropFirst().first.map(String.init) }
        #expect(documented.count == ActivityEventType.allCases.count)
        #expect(Set(documented) == Set(ActivityEventType.allCases.map(\.rawValue)))
    }

    /// An event of a kind pushsh does not know keeps its text.
    @Test func anUnknownKindIsKeptAsSent() throws {
        let event = try ActivityEvent(json: ["id": "evt_1", "type": "webhook_sent", "message": "m"])
        #expect(event.type == "webhook_sent" && event.knownType == nil)
        #expect(try ActivityEvent(json: ["type": "batch_accepted"]).knownType == .batchAccepted)
    }
}
