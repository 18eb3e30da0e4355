import HTTPTypes
import PushAPI
import Testing

@testable import PushSandbox

/// The sandbox answers from one table of routes: every route in it is
/// reached by its method, and any other method on its path gets a 405 whose
/// Allow header is what the table has for that path.
@Suite struct RouteTableTests {
    let service = SandboxService(settings: SandboxSettings(seed: 7), integrations: [SandboxIntegration(id: "acme", apiKey: "k")])

    /// A path for a route's pattern: each `{name}` filled in.
    func path(_ route: SandboxRouter.Route) -> String {
        "/" + route.pattern.map { $0 == "{integration}" ? "acme" : $0.hasPrefix("{") ? "x1" : String($0) }.joined(separator: "/")
    }

    func send(_ method: HTTPRequest.Method, _ path: String) -> TransportResponse {
        SandboxRouter(service: service).respond(
            to: TransportRequest(method: method, target: path, headers: HTTPFields([("api-key", "k")]), body: []))
    }

    @Test func everyRouteIsReachedAndOtherMethodsGet405WithTheTablesAllow() {
        #expect(SandboxRouter.routes.count == 7)
        for route in SandboxRouter.routes {
            let target = path(route)
            let reached = send(route.method, target)
            // Reached its handler: not the table's "no route" (a made-up session id may still be unknown).
            let code = (try? JSONValue(parsing: reached.body))?["error"]?["code"]?.stringValue
            #expect(code != "not_found", "\(route.method) \(target) → \(reached.status)")
            #expect(reached.status != 405, "\(route.method) \(target) → \(reached.status)")
            for other: HTTPRequest.Method in [.get, .post, .put, .delete] where other != route.method {
                let refused = send(other, target)
                #expect(refused.status == 405, "\(other) \(target) → \(refused.status)")
                #expect(refused.header("allow") == route.method.rawValue, "\(other) \(target): Allow \(refused.header("allow") ?? "none")")
            }
        }
    }

    @Test func aPathOutsideTheTableIsNotFoundWithWhatWasWrong() throws {
        let cases: [(String, String)] = [
            ("/api/external/push/v2/integrations/acme/status", "unknown API version \"v2\"; the only version is v1"),
            ("/elsewhere", "no route /elsewhere; the API lives under /api/external/push/v1/integrations/{integration_id}/"),
            ("/_sandbox/records", "no sandbox route; try /_sandbox/integrations/{integration_id}/records/{entity_type}"),
            (
                "/api/external/push/v1/integrations/acme/sessions/s/nothing",
                "no route /api/external/push/v1/integrations/acme/sessions/s/nothing"
            ),
        ]
        for (target, message) in cases {
            let answer = send(.get, target)
            #expect(answer.status == 404, "\(target)")
            let json = try JSONValue(parsing: answer.body)
            #expect(json["error"]?["message"]?.stringValue == message, "\(target): \(json.jsonText)")
        }
    }
}
