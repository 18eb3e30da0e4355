import HTTPTypes
import PushAPI
import PushHTTP
import PushSandbox
import PushScript
import Testing
import _PushTestSupport

/// The client against the sandbox, in-process and over live HTTP: every
/// endpoint and every documented status code, the same way both times.
@Suite struct ClientSandboxTests {
    @Test(arguments: Route.allCases)
    func everyEndpointEndToEnd(route: Route) async throws {
        let sandbox = makeSandbox()
        try await route.withClient(sandbox) { client in
            let s = try await client.startSession(clientReferenceID: "nightly-1")  // 201
            #expect(s.state == .active && s.integrationID == "acme")
            let answer = try await client.push(
                EntityPage(type: "User", records: [user("E1"), user("José", first: "José Núñez")], pageHint: 1), to: s.id)  // 202
            #expect(answer.acceptedCountByEntity == ["User": 2] && answer.echoedPageHint == 1)
            let read = try await client.session(s.id)  // 200
            #expect(read.acceptedBatches == 1 && read.acceptedRecordsTotal == 2)
            let closed = try await client.close(s.id, action: .apply)  // 202
            #expect(closed.state == .processing)
            sandbox.advanceClock(by: .seconds(2))
            #expect(try await client.session(s.id).state == .processed)
            let counts = try await client.integrationStatus()
            #expect(counts.processed == 1 && counts.integrationID == "acme")
            let log = try await client.activity(since: nil, page: 1, pageSize: 2)
            #expect(log.items.count == 2 && log.nextPage == 2 && log.items[0].type == "session_processed")
            // The sandbox's own route, at the server's root (not under the base URL).
            let records = try await client.get("/_sandbox/integrations/acme/records/User", from: .origin, endpoint: .sandbox) {
                json throws(ModelDecodingError) in json["records"]?.arrayValue ?? []
            }
            #expect(records == [user("E1"), user("José", first: "José Núñez")])
        }
    }

    @Test(arguments: Route.allCases)
    func refusalsCarryStatusCodeMessageAndHint(route: Route) async throws {
        let sandbox = makeSandbox()
        try await route.withClient(sandbox) { client in
            let s = try await client.startSession()
            // 409 on a second start names the active session.
            await expectAPIError(status: 409, code: "session_already_active", hintContains: s.id) { _ = try await client.startSession() }
            // 400 with every validation problem.
            await expectAPIError(status: 400, code: "validation_failed", hintContains: "nothing was staged") {
                _ = try await client.push(EntityPage(type: "User", records: [user("E1"), ["employeeId": "E2"]]), to: s.id)
            } check: { error in
                #expect(error.validationErrors.count == 5)
                #expect(error.validationErrors.allSatisfy { $0.index == 1 && $0.entityType == "User" })
                #expect(error.batch?.rejectedCountTotal == 2)
            }
            // 404 for an unknown session.
            await expectAPIError(status: 404, code: "session_not_found", hintContains: "session id") {
                _ = try await client.session("ses_nope")
            }
            // 400 for bad query parameters.
            await expectAPIError(status: 400, code: "invalid_parameter") { _ = try await client.activity(pageSize: 500) }
            await expectAPIError(status: 400, code: "invalid_parameter") { _ = try await client.activity(page: 0) }
            // 409 on a page or a close after the session left `active`.
            _ = try await client.close(s.id, action: .discard)
            await expectAPIError(status: 409, code: "session_not_active", hintContains: "start a new session") {
                _ = try await client.push(EntityPage(type: "User", records: [user("E1")]), to: s.id)
            }
            await expectAPIError(status: 409, code: "session_not_closable") { _ = try await client.close(s.id, action: .apply) }
        }
    }

    @Test(arguments: Route.allCases)
    func wrongKeyAndUnknownIntegrationAre401(route: Route) async throws {
        let sandbox = makeSandbox()
        try await route.withClient(sandbox, key: "wrong") { client in
            await expectAPIError(status: 401, code: "invalid_api_key", hintContains: "API key") { _ = try await client.startSession() }
        }
        try await route.withClient(sandbox, integration: "initech", key: "key-acme") { client in
            await expectAPIError(status: 401, code: "invalid_api_key") { _ = try await client.integrationStatus() }
        }
        try await route.withClient(sandbox, key: "") { client in
            await expectAPIError(status: 401, code: "missing_api_key") { _ = try await client.integrationStatus() }
        }
    }

    @Test(arguments: Route.allCases)
    func oversizeBodiesAre413(route: Route) async throws {
        let sandbox = SandboxService(
            settings: SandboxSettings(maxBodyBytes: 10_000, seed: 1), integrations: [SandboxIntegration(id: "acme", apiKey: "key-acme")],
            clock: SandboxClock(frozenAt: t0))
        try await route.withClient(sandbox) { client in
            let s = try await client.startSession()
            let records = (0..<100).map { user("E\($0)") }
            await expectAPIError(status: 413, code: "payload_too_large", hintContains: "fewer records") {
                _ = try await client.push(EntityPage(type: "User", records: records), to: s.id)
            }
            #expect(try await client.session(s.id).acceptedBatches == 0)
        }
    }

    @Test(arguments: Route.allCases)
    func rateLimitIsRetriedAfterRetryAfter(route: Route) async throws {
        let sandbox = makeSandbox(rateLimit: 1)
        try await route.withClient(sandbox) { plain in
            _ = try await plain.integrationStatus()
            await expectAPIError(status: 429, code: "rate_limited", hintContains: "rate limiting") {
                _ = try await plain.integrationStatus()
            }
            // With retries, the client waits as told (the test's sleep moves the sandbox clock instead).
            var client = plain
            client.retryPolicy = RetryPolicy(maxAttempts: 3)
            client.sleep = { wait in sandbox.advanceClock(by: wait) }
            _ = try await client.integrationStatus()
        }
    }

    @Test(arguments: Route.allCases)
    func malformedRequestsGetContractErrorsNeverA5xx(route: Route) async throws {
        let sandbox = makeSandbox()
        try await route.withClient(sandbox) { client in
            let base = client.configuration.integrationPath
            let s = try await client.startSession()
            let cases: [(String, String, [UInt8]?, [(name: String, value: String)], HTTPResponse.Status, String)] = [
                ("DELETE", base + "/sessions/\(s.id)", nil, [], 405, "method_not_allowed"),
                ("GET", base + "/sessions", nil, [], 405, "method_not_allowed"),
                (
                    "POST", base + "/sessions/\(s.id)/entities", Array("{not json".utf8), [("content-type", "application/json")], 400,
                    "invalid_json"
                ),
                ("POST", base + "/sessions/\(s.id)/entities", [], [("content-type", "application/json")], 400, "invalid_envelope"),
                (
                    "POST", base + "/sessions/\(s.id)/entities", Array("{}".utf8), [("content-type", "text/csv")], 415,
                    "unsupported_media_type"
                ),
                (
                    "POST", base + "/sessions/\(s.id)/close", Array(#"{"status":"maybe"}"#.utf8), [("content-type", "application/json")],
                    400, "invalid_body"
                ),
                ("GET", base + "/nowhere", nil, [], 404, "not_found"),
                ("GET", "/v2/integrations/acme/status", nil, [], 404, "not_found"),
                (
                    "POST", base + "/sessions/\(s.id)/entities", [0xFF, 0xFE, 0x00], [("content-type", "application/json")], 400,
                    "invalid_json"
                ),
                // Whitespace is not a document: invalid_json, like any other non-document (only an empty body is "no body").
                (
                    "POST", base + "/sessions/\(s.id)/entities", Array(" \r\n\t".utf8), [("content-type", "application/json")], 400,
                    "invalid_json"
                ),
                // A byte order mark only where the body starts: the same rule as the check pass's.
                (
                    "POST", base + "/sessions/\(s.id)/entities",
                    Array(#"{"entities":{"User":["#.utf8) + [0xEF, 0xBB, 0xBF] + Array(#"{}]}}"#.utf8),
                    [("content-type", "application/json")], 400, "invalid_json"
                ),
            ]
            for (method, path, body, headers, status, code) in cases {
                let request = TransportRequest(
                    method: try #require(HTTPRequest.Method(method)), path: path, headers: HTTPFields([("api-key", "key-acme")] + headers),
                    body: body)
                let (response, _) = try await client.send(request)
                #expect(response.status == status, "\(method) \(path)")
                let json = try JSONValue(parsing: response.body)
                #expect(json["error"]?["code"]?.stringValue == code, "\(method) \(path)")
                #expect(json["error"]?["message"]?.stringValue?.isEmpty == false)
                if status == 405 { #expect(response.header("allow") != nil) }
            }
            // Nothing above disturbed the session.
            #expect(try await client.session(s.id).state == .active)
        }
    }

    /// Issue 16: a body of whitespace is invalid_json and is said to be whitespace, not "empty" (which an empty body is, and means no fields).
    @Test(arguments: Route.allCases)
    func aWhitespaceBodyIsSaidToBeWhitespace(route: Route) async throws {
        let sandbox = makeSandbox()
        try await route.withClient(sandbox) { client in
            let s = try await client.startSession()
            let request = TransportRequest(
                method: .post, path: client.configuration.integrationPath + "/sessions/\(s.id)/entities",
                headers: HTTPFields([("api-key", "key-acme"), ("content-type", "application/json")]), body: Array(" \r\n\t".utf8))
            let (response, _) = try await client.send(request)
            #expect(response.status == 400)
            let json = try JSONValue(parsing: response.body)
            #expect(json["error"]?["code"]?.stringValue == "invalid_json")
            let message = json["error"]?["message"]?.stringValue ?? ""
            #expect(message.contains("holds only whitespace"), "\(message)")
            #expect(!message.contains("empty"), "\(message)")
        }
    }

    @Test func closeWithAnEmptyBodyMeansApply() async throws {
        let sandbox = makeSandbox()
        try await Route.http.withClient(sandbox) { client in
            let s = try await client.startSession()
            let request = TransportRequest(
                method: .post, path: client.configuration.integrationPath + "/sessions/\(s.id)/close",
                headers: HTTPFields([("api-key", "key-acme")]))
            let (response, _) = try await client.send(request)
            #expect(response.status == 202)
            #expect(try Session(json: JSONValue(parsing: response.body)).state == .processing)
        }
    }

    @Test func connectionRefusedIsATransportErrorWithAHint() async throws {
        let transport = HTTPTransport(baseURL: "http://127.0.0.1:1/api/external/push")
        let client = PushClient(
            configuration: PushConfiguration(baseURL: transport.baseURL, integrationID: "acme", apiKey: APIKey("k")),
            transport: transport, retryPolicy: .none)
        await #expect {
            _ = try await client.integrationStatus()
        } throws: { error in
            let e = error as! PushAPIError
            return e.kind == .transport(.notConnected) && e.advice?.contains("pushsh serve") == true
        }
        await transport.shutdown()
    }
}

func expectAPIError(
    status: HTTPResponse.Status, code: String? = nil, hintContains: String? = nil, _ body: () async throws -> Void,
    check: (PushAPIError) -> Void = { _ in }, sourceLocation: SourceLocation = #_sourceLocation
) async {
    do {
        try await body()
        Issue.record("expected HTTP \(status.code)", sourceLocation: sourceLocation)
    } catch let error as PushAPIError {
        #expect(error.status == status, "\(error)", sourceLocation: sourceLocation)
        if let code { #expect(error.code == code, "\(error)", sourceLocation: sourceLocation) }
        if let hintContains {
            #expect(error.advice?.contains(hintContains) == true, "\(error.advice ?? "no hint")", sourceLocation: sourceLocation)
        }
        check(error)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}
