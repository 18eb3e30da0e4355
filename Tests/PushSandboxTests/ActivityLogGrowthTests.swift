import PushAPI
import Testing
import _PushTestSupport

@testable import PushSandbox

/// A page costs its own records, not the integration's history: the activity
/// log (which only grows over a server's life) is appended to in place, never
/// copied per request. Checked by where the log is stored, not by timing it:
/// a copy per request moves it on every page; appending in place moves it
/// only when the array grows its capacity (a handful of times in 2000 pages).
@Suite struct ActivityLogGrowthTests {
    @Test func pagesAppendToTheLogInPlace() throws {
        let service = SandboxService(settings: SandboxSettings(seed: 3), integrations: [SandboxIntegration(id: "acme", apiKey: "k")])
        let session = try service.startSession(integrationID: "acme", clientReferenceID: nil)
        let body = page([user("E1")])
        var last = try #require(service.eventLogStorage(integrationID: "acme"))
        var movedWithoutGrowing = 0
        var moves = 0
        for _ in 1...2000 {
            _ = try service.push(integrationID: "acme", sessionID: session.id, body: body)
            _ = try service.session(integrationID: "acme", sessionID: session.id)
            let now = try #require(service.eventLogStorage(integrationID: "acme"))
            if now.address != last.address {
                moves += 1
                if now.capacity <= last.capacity { movedWithoutGrowing += 1 }
            }
            last = now
        }
        #expect(try service.activity(integrationID: "acme", since: nil, page: 1, pageSize: 1).items.first?.type == "batch_accepted")
        #expect(movedWithoutGrowing == 0, "the log moved \(movedWithoutGrowing) times without growing: it was copied")
        #expect(moves <= 20, "the log moved \(moves) times in 2000 pages")
    }
}
