import HTTPTypes
import PushAPI
import Testing

@testable import PushSandbox

/// Requests and responses, the client's and the sandbox's (one type), read a
/// header through one lookup, so they agree on every spelling of its name.
@Suite struct HeaderLookupTests {
    @Test func everyMessageMatchesNamesWithoutRegardToCase() {
        let headers = HTTPFields([(name: "Retry-After", value: "3"), (name: "api-key", value: "k"), (name: "retry-after", value: "9")])
        let request = TransportRequest(method: .get, path: "/", headers: headers)
        let response = TransportResponse(status: 429, headers: headers)
        let sandbox = TransportRequest(method: .get, target: "/?page=2", headers: headers, body: [])
        for name in ["Retry-After", "retry-after", "RETRY-AFTER", "Api-Key", "API-KEY", "x-missing"] {
            let answers = [request.header(name), response.header(name), sandbox.header(name)]
            #expect(Set(answers).count == 1, "\(name): \(answers)")
        }
        #expect(response.header("RETRY-after") == "3")  // the first of two
        #expect(sandbox.header("API-KEY") == "k")
        #expect(request.header("x-missing") == nil)
        // A received request keeps its query as sent, apart from its path.
        #expect(sandbox.path == "/" && sandbox.rawQuery == "page=2" && sandbox.target == "/?page=2")
    }
}
