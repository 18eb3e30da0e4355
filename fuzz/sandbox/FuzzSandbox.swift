// libFuzzer target B: the sandbox's request handling, SandboxRouter.respond(to:)
// over a fresh SandboxService (Sources/PushSandbox/Service, compiled into the
// same module as this file by fuzz/run.sh, on top of the PushAPI module).
//
// One input is a configuration byte and then a sequence of requests, separated
// by the byte 0x1E (ASCII "record separator"):
//
//   byte 0              bit 0: rate limit 2/s; bit 1: bodies of at most 2048 bytes;
//                       bits 2-3: processing takes 0s, 1s, 2s or 30s;
//                       bit 4: sessions expire after 60s of inactivity (else 1h);
//                       bits 5-6: the next 0-3 processing attempts fail
//   each request        [op] [flags] [payload...]
//     op % 10           0 POST /sessions (payload: body)
//                       1 GET /sessions/{sid}
//                       2 POST /sessions/{sid}/entities (payload: body)
//                       3 POST /sessions/{sid}/close (payload: body)
//                       4 GET /status
//                       5 GET /activity?{payload}
//                       6 GET /_sandbox/integrations/demo/records/{payload}
//                       7 raw: payload is "METHOD TARGET" and, after a line break, the body
//                       8 the sandbox clock moves on by the payload's first two bytes, in seconds
//                       9 GET /sessions/{payload}
//     flags             bit 0: a wrong api-key; bit 1: no api-key; bit 2: content-type text/plain;
//                       bit 3: no content-type; bit 4: another method (GET<->POST, or PUT);
//                       bit 5: integration "other" (its own key); bit 6: the first session, not the last;
//                       bit 7: target on the path as given, without the API prefix
//
// {sid} is the id of a session a POST /sessions gave (the last one, or the
// first with flag bit 6). Every answer must be a status below 500 (the fault
// plan is off, so nothing may fail on purpose) with a JSON body; an error
// answer must carry {"error": {"code": "...", "message": "..."}}. Anything
// else aborts, as does a crash or a trap.

import HTTPTypes
import PushAPI

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let config = bytes.first else { return 0 }

    let processing: [Duration] = [.zero, .seconds(1), .seconds(2), .seconds(30)]
    let settings = SandboxSettings(
        processingTime: processing[Int(config >> 2) & 3],
        inactivityTimeout: config & 0x10 != 0 ? .seconds(60) : .seconds(3600),
        rateLimit: config & 1 != 0 ? 2 : nil,
        maxBodyBytes: config & 2 != 0 ? 2048 : 5_000_000,
        seed: 1)
    let clock = SandboxClock(frozenAt: Timestamp(millisecondsSince1970: 1_767_603_600_000))  // 2026-01-05T09:00:00Z
    let service = SandboxService(
        settings: settings,
        integrations: [.demo, SandboxIntegration(id: "other", apiKey: "other-key")],
        clock: clock)
    service.failNextProcessing(Int(config >> 5) & 3)
    let router = SandboxRouter(service: service)

    var sessions: [String] = []
    for chunk in bytes.dropFirst().split(separator: 0x1E, omittingEmptySubsequences: false).prefix(64) {
        let chunk = Array(chunk)
        let op = chunk.first.map { Int($0) % 10 } ?? 0
        let flags = chunk.count > 1 ? chunk[1] : 0
        let payload = chunk.count > 2 ? Array(chunk[2...]) : []
        let integration = flags & 0x20 != 0 ? "other" : "demo"
        let sid = (flags & 0x40 != 0 ? sessions.first : sessions.last) ?? "ses_0000000000000000"
        let base = "/api/external/push/v1/integrations/\(integration)"

        var method: String
        var target: String
        var body: [UInt8] = []
        switch op {
        case 0: (method, target, body) = ("POST", base + "/sessions", payload)
        case 1: (method, target) = ("GET", base + "/sessions/\(sid)")
        case 2: (method, target, body) = ("POST", base + "/sessions/\(sid)/entities", payload)
        case 3: (method, target, body) = ("POST", base + "/sessions/\(sid)/close", payload)
        case 4: (method, target) = ("GET", base + "/status")
        case 5: (method, target) = ("GET", base + "/activity?" + String(decoding: payload, as: UTF8.self))
        case 6: (method, target) = ("GET", "/_sandbox/integrations/\(integration)/records/" + String(decoding: payload, as: UTF8.self))
        case 7:
            let parts = payload.split(separator: 0x0A, maxSplits: 1, omittingEmptySubsequences: false)
            let line = String(decoding: parts.first ?? [], as: UTF8.self)
            let words = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            method = words.first.map(String.init) ?? ""
            target = words.count > 1 ? String(words[1]) : ""
            if flags & 0x80 == 0 && !target.hasPrefix("/") { target = base + "/" + target }
            body = parts.count > 1 ? Array(parts[1]) : []
        case 8:
            let seconds = (payload.first.map(Int.init) ?? 1) << 8 | (payload.count > 1 ? Int(payload[1]) : 0)
            service.advanceClock(by: .seconds(seconds))
            continue
        default: (method, target) = ("GET", base + "/sessions/" + String(decoding: payload, as: UTF8.self))
        }
        if flags & 0x10 != 0 { method = method == "GET" ? "POST" : method == "POST" ? "PUT" : "GET" }

        var headers: [(name: String, value: String)] = []
        if flags & 0x02 == 0 {
            headers.append(("api-key", flags & 0x01 != 0 ? "wrong-key" : integration == "other" ? "other-key" : "sandbox-key"))
        }
        if flags & 0x08 == 0 { headers.append(("content-type", flags & 0x04 != 0 ? "text/plain" : "application/json")) }
        headers.append(("content-length", String(body.count)))

        // A server hands on only methods that are HTTP tokens; NIO refuses the rest.
        guard let typedMethod = HTTPRequest.Method(method) else { continue }
        let request = TransportRequest(method: typedMethod, target: target, headers: HTTPFields(headers), body: body)
        let answer = body.count > service.settings.maxBodyBytes ? router.bodyTooLarge() : router.respond(to: request)
        verify(answer, request)
        if answer.status == 201, case .object(let o)? = try? JSONValue(parsing: answer.body), case .string(let id)? = o["id"] {
            sessions.append(id)
        }
    }
    return 0
}

/// The answer keeps the contract: no 5xx, a JSON body, errors shaped as errors.
func verify(_ answer: TransportResponse, _ request: TransportRequest) {
    let shown =
        "\(request.method) \(request.target.prefix(200)) → \(answer.status) \(String(decoding: answer.body.prefix(400), as: UTF8.self))"
    if answer.status >= 500 || answer.status < 200 { fatalError("status \(answer.status) (the fault plan is off): \(shown)") }
    if answer.fault != nil { fatalError("a network fault with the fault plan off: \(shown)") }
    let json: JSONValue
    do { json = try JSONValue(parsing: answer.body) } catch { fatalError("the body is not JSON (\(error)): \(shown)") }
    if answer.status >= 400 {
        guard case .object(let o) = json, case .object(let e)? = o["error"], case .string? = e["code"], case .string? = e["message"] else {
            fatalError("an error answer without {\"error\": {\"code\", \"message\"}}: \(shown)")
        }
    }
}
