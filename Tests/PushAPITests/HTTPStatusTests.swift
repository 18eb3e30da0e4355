import HTTPTypes
import Testing

@testable import PushAPI

/// A status is HTTPTypes' own, but what a user reads of it (`409 Conflict`)
/// is pushsh's words: the phrase by code, never HTTPTypes' description.
@Suite struct HTTPStatusTests {
    /// Every status the API uses, with the phrase pushsh has always shown for it.
    static let phrases: [(Int, String)] = [
        (200, "OK"), (201, "Created"), (202, "Accepted"), (203, "Non-Authoritative Information"), (204, "No Content"),
        (301, "Moved Permanently"), (302, "Found"), (303, "See Other"), (307, "Temporary Redirect"),
        (308, "Permanent Redirect"), (400, "Bad Request"), (401, "Unauthorized"), (403, "Forbidden"), (404, "Not Found"),
        (405, "Method Not Allowed"), (407, "Proxy Authentication Required"), (408, "Request Timeout"), (409, "Conflict"),
        (413, "Content Too Large"), (415, "Unsupported Media Type"), (429, "Too Many Requests"),
        (500, "Internal Server Error"), (502, "Bad Gateway"), (503, "Service Unavailable"), (504, "Gateway Timeout"),
    ]

    @Test(arguments: phrases)
    func aStatusReadOffTheWireGetsItsPhrase(code: Int, phrase: String) {
        // Built from a number, as the HTTP transport builds it: no phrase of its own.
        let status = HTTPResponse.Status(code: code)
        #expect(status.reasonPhrase.isEmpty)
        #expect(HTTPStatus.reason(status) == phrase)
        #expect(HTTPStatus.line(status) == "\(code) \(phrase)")
    }

    @Test func aStatusTheAPIDoesNotUseHasNoPhrase() {
        #expect(HTTPStatus.reason(418) == "")
        #expect(HTTPStatus.line(418) == "418 ")
        #expect(HTTPStatus.reason(HTTPResponse.Status(code: 999)) == "")
    }

    @Test func anErrorSummaryShowsTheCodeAndOnePhrase() {
        // A named status carries a phrase: the summary must not show it twice.
        let error = PushAPIError(
            kind: .http(status: .conflict), request: "POST /v1/integrations/acme/sessions", code: "session_already_active",
            message: "another session is active")
        #expect(error.summary == "409 Conflict (session_already_active): another session is active")
        #expect(error.status?.code == 409)
        #expect(error.isRefusal)
        #expect(!error.isServerFailure)
    }

    @Test func onlyGatewayFailuresAreUnclear() {
        for code in [500, 501, 502, 503, 504, 505] {
            let error = PushAPIError(kind: .http(status: HTTPResponse.Status(code: code)), request: "GET /x", message: "")
            #expect(error.isUnclear == [502, 503, 504].contains(code), "\(code)")
            #expect(error.isServerFailure, "\(code)")
            #expect(!error.isRefusal, "\(code)")
        }
    }
}
