import HTTPTypes
import PushAPI
import PushHTTP
import Testing

/// Where a request goes: the push API's routes under the base URL, a route
/// rooted at the origin (a sandbox's own) at the server's root, whatever the
/// path looks like.
@Suite struct RequestURLTests {
    @Test func aPathIsUnderTheBaseURLUnlessRootedAtTheOrigin() async {
        let transport = HTTPTransport(baseURL: "http://127.0.0.1:9/a/api/external/push/")
        let api = TransportRequest(method: .get, path: "/v1/integrations/acme/status", query: [("page", "2")])
        #expect(transport.url(for: api) == "http://127.0.0.1:9/a/api/external/push/v1/integrations/acme/status?page=2")
        let sandbox = TransportRequest(method: .get, path: "/_sandbox/integrations/acme/records/User", root: .origin)
        #expect(transport.url(for: sandbox) == "http://127.0.0.1:9/_sandbox/integrations/acme/records/User")
        // The path alone no longer decides: an API path that happens to start like a sandbox route stays under the base URL.
        let lookalike = TransportRequest(method: .get, path: "/_sandbox/x")
        #expect(transport.url(for: lookalike) == "http://127.0.0.1:9/a/api/external/push/_sandbox/x")
        await transport.shutdown()
    }
}
