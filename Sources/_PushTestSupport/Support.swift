import Foundation
import PushAPI
import PushHTTP
import PushSandbox

public let t0 = Timestamp(iso8601: "2026-01-05T09:00:00.000Z")!

/// Helpers shared by the test targets: sandboxes on a frozen clock, a live
/// `pushsh serve` on an ephemeral port, and valid records.

/// A valid `User` record with a given employee id.
public func user(_ id: String, email: String? = nil, first: String = "Ada") -> JSONValue {
    [
        "employeeId": .string(id), "firstName": .string(first), "lastName": "Lovelace",
        "workEmail": .string(email ?? "\(id.lowercased())@example.com"), "employmentType": "EMPLOYEE",
        "employmentStartDate": "2022-01-15T09:00:00Z",
    ]
}

public func page(_ records: [JSONValue], hint: Int? = nil) -> JSONValue {
    EntityPage(type: "User", records: records, pageHint: hint).json
}

/// A sandbox on a frozen clock, with short processing.
public func makeSandbox(processing: Duration = .seconds(2), timeout: Duration = .seconds(3600), rateLimit: Int? = nil) -> SandboxService {
    SandboxService(
        settings: SandboxSettings(processingTime: processing, inactivityTimeout: timeout, rateLimit: rateLimit, seed: 7),
        integrations: [SandboxIntegration(id: "acme", apiKey: "key-acme"), SandboxIntegration(id: "globex", apiKey: "key-globex")],
        clock: SandboxClock(frozenAt: t0))
}

/// `pushsh serve`'s server on an ephemeral loopback port, for as long as `body` runs.
public func withLiveServer<T: Sendable>(
    _ service: SandboxService, latency: NetworkLatency = NetworkLatency(base: .zero), _ body: @Sendable (String) async throws -> T
) async throws -> T {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let server = SandboxServer(service: service, host: "127.0.0.1", port: 0, latency: latency)
    let task = Task { try await server.run(handleSignals: false) { port in continuation.yield(port) } }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else { throw CancellationError() }
    defer { task.cancel() }
    return try await body("http://127.0.0.1:\(port)\(SandboxRouter.apiPrefix)")
}

/// Both ways the client reaches the sandbox: the same tests run over each.
public enum Route: String, CaseIterable, Sendable, CustomStringConvertible {
    case inProcess, http
    public var description: String { rawValue }

    public func withClient<T: Sendable>(
        _ service: SandboxService, integration: String = "acme", key: String = "key-acme",
        _ body: @Sendable (PushClient) async throws -> T
    ) async throws -> T {
        switch self {
        case .inProcess:
            let client = PushClient(
                configuration: PushConfiguration(baseURL: "sandbox:", integrationID: integration, apiKey: APIKey(key)),
                transport: InProcessTransport(service: service), retryPolicy: .none)
            return try await body(client)
        case .http:
            return try await withLiveServer(service) { base in
                let transport = HTTPTransport(baseURL: base)
                let client = PushClient(
                    configuration: PushConfiguration(baseURL: base, integrationID: integration, apiKey: APIKey(key)),
                    transport: transport, retryPolicy: .none)
                do {
                    let result = try await body(client)
                    await transport.shutdown()
                    return result
                } catch {
                    await transport.shutdown()
                    throw error
                }
            }
        }
    }
}

/// A fresh folder under the system's temporary directory for one test's files.
public struct ScratchFolder: Sendable {
    public let url: URL

    /// A new, empty folder named `pushsh-LABEL-UUID`.
    public init(_ label: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public var path: String { url.path }

    /// Writes `text` (UTF-8) to the file `name` in the folder and gives its path.
    public func write(_ name: String, _ text: String) throws -> String {
        let path = url.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
