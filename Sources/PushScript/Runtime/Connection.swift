import Foundation
import PushAPI
import PushSyntax

/// Where commands go: the built-in sandbox, or a service at a URL.
public struct Connection: Sendable {
    public var client: PushClient
    /// The in-process sandbox's controls, when that is the target: `sandbox ...` commands need them.
    public var sandbox: (any SandboxControls)?
    /// Short name for prompts and banners: `sandbox`, `us`, `eu`, a host, a profile's name.
    public var label: String
    /// The config file's profile this connection came from, if any.
    public var profile: Profile?
    /// This machine's wall clock, for the times shown and sent (`now()`);
    /// tests step it to see that no timeout reads it.
    public var wallClock: @Sendable () -> Timestamp = { .now }

    /// A connection through any client; for tests and embedders.
    public init(client: PushClient, sandbox: (any SandboxControls)?, label: String) {
        self.client = client
        self.sandbox = sandbox
        self.label = label
    }

    /// A real service (or `pushsh serve`) over HTTP, through the network `network`
    /// describes, on a transport that `transports` builds.
    ///
    /// - Throws: when a proxy variable or a CA file cannot be used.
    public static func remote(
        _ configuration: PushConfiguration, label: String, network: NetworkSettings = .direct, transports: TransportFactory
    ) throws(ConfigurationError) -> Connection {
        let transport = try transports.transport(baseURL: configuration.baseURL, network: network)
        return Connection(client: PushClient(configuration: configuration, transport: transport), sandbox: nil, label: label)
    }

    /// A profile of the config file, its key read from where the profile says.
    public static func profile(_ profile: Profile, environment: [String: String], transports: TransportFactory)
        throws(ConfigurationError) -> Connection
    {
        var connection = try remote(
            try profile.configuration(environment: environment), label: profile.name,
            network: profile.network(environment: environment), transports: transports)
        connection.profile = profile
        return connection
    }

    /// Where a run or the shell starts, first found wins:
    ///
    /// 1. `--profile NAME` (`explicitProfile`);
    /// 2. a script that has a `connect` of its own starts on the built-in
    ///    sandbox, so nothing before that `connect` reaches a real service
    ///    because of the environment;
    /// 3. `PUSHSH_PROFILE`;
    /// 4. `SPRINTO_API_KEY` and `SPRINTO_INTEGRATION_ID` (the environment wins over the file);
    /// 5. the config file's `default` profile;
    /// 6. the built-in sandbox, which `sandboxes` builds.
    ///
    /// A real service is reached through a transport that `transports` builds.
    public static func starting(
        explicitProfile: String?, scriptConnects: Bool = false, environment: [String: String], sandboxes: SandboxFactory,
        transports: TransportFactory
    ) throws(ConfigurationError) -> Connection {
        if let name = explicitProfile {
            return try profile(
                try ProfileBook.load(environment: environment).profile(named: name), environment: environment, transports: transports)
        }
        if scriptConnects { return sandboxes.connection(environment: environment) }
        if let name = environment["PUSHSH_PROFILE"], !name.isEmpty {
            do {
                return try profile(
                    try ProfileBook.load(environment: environment).profile(named: name), environment: environment,
                    transports: transports)
            } catch { throw ConfigurationError("PUSHSH_PROFILE: \(error.message)") }
        }
        if let configuration = try PushConfiguration.fromEnvironment(environment) {
            return try remote(
                configuration, label: label(for: configuration), network: .fromEnvironment(environment), transports: transports)
        }
        let book = try ProfileBook.load(environment: environment)
        if let name = book.defaultName {
            return try profile(try book.profile(named: name), environment: environment, transports: transports)
        }
        return sandboxes.connection(environment: environment)
    }

    /// The connection the environment asks for (on a transport `transports` builds),
    /// or the built-in sandbox `sandboxes` builds.
    /// Proxies (`HTTPS_PROXY`, …) and CAs (`SSL_CERT_FILE`, `PUSHSH_CACERT`, …) come from it too.
    public static func fromEnvironment(
        _ environment: [String: String], sandboxes: SandboxFactory, transports: TransportFactory
    ) throws(ConfigurationError) -> Connection {
        guard let configuration = try PushConfiguration.fromEnvironment(environment) else {
            return sandboxes.connection(environment: environment)
        }
        return try remote(
            configuration, label: label(for: configuration), network: .fromEnvironment(environment), transports: transports)
    }

    /// Where requests go, said once at start-up for a real service:
    /// `sending to api.sprinto.com (integration int_123)`.
    public var notice: String? {
        guard sandbox == nil else { return nil }
        let configuration = client.configuration
        let host =
            Origin(url: configuration.baseURL).map { $0.port == ($0.scheme == "https" ? 443 : 80) ? $0.host : $0.hostAndPort }
            ?? configuration.baseURL
        return "sending to \(host) (integration \(configuration.integrationID))"
    }

    static func label(for configuration: PushConfiguration) -> String {
        if let region = Region.allCases.first(where: { $0.baseURL == configuration.baseURL }) { return region.rawValue }
        var host = configuration.baseURL
        if let scheme = host.range(of: "://") { host = String(host[scheme.upperBound...]) }
        return String(host.prefix { $0 != "/" })
    }

    /// Which service this connection reaches, as a session remembers it.
    public var service: SessionService {
        let configuration = client.configuration
        return SessionService(
            baseURL: configuration.baseURL, integrationID: configuration.integrationID, isBuiltInSandbox: sandbox != nil,
            connectStatement: connectStatement)
    }

    /// The statement that connects here again, without the key itself:
    /// `connect sandbox`, `connect profile NAME`, or a `connect url` that
    /// reads the key from `SPRINTO_API_KEY`.
    public var connectStatement: String {
        if sandbox != nil { return "connect sandbox" }
        if let profile { return "connect profile \(profile.name)" }
        let configuration = client.configuration
        let integration = StringLiteral.quoted(configuration.integrationID)
        if let region = Region.allCases.first(where: { $0.baseURL == configuration.baseURL }) {
            return "connect region \(region.rawValue) integration \(integration) key env(\"SPRINTO_API_KEY\")"
        }
        return "connect url \(StringLiteral.quoted(configuration.baseURL)) integration \(integration) key env(\"SPRINTO_API_KEY\")"
    }

    /// The time as the target sees it: the sandbox's clock, or this machine's.
    public func now() -> Timestamp { sandbox?.now() ?? wallClock() }

    /// A stopwatch for a timeout (`wait ... timeout`): on the sandbox's clock,
    /// which `pause` moves, else on the monotonic clock, so a step of the
    /// wall clock neither ends a wait early nor stretches it.
    public func stopwatch() -> Stopwatch {
        guard let sandbox else { return .monotonic() }
        let origin = sandbox.now()
        return Stopwatch { sandbox.now().duration(since: origin) }
    }

    /// Waits for `duration`: on the built-in sandbox by moving its clock (no
    /// real waiting), elsewhere by sleeping.
    func pause(_ duration: Duration) async throws {
        if let sandbox {
            sandbox.advanceClock(by: duration)
            try Task.checkCancellation()
        } else {
            try await Task.sleep(for: duration)
        }
    }
}

/// The service a session belongs to: a session id means something only there.
public struct SessionService: Sendable, Equatable {
    public var baseURL: String
    public var integrationID: String
    /// The interpreter's one built-in sandbox (there is one per shell or run).
    public var isBuiltInSandbox: Bool
    /// How to get back to it (not part of its identity).
    public var connectStatement: String

    /// The same service: the same base URL and integration.
    public static func == (a: SessionService, b: SessionService) -> Bool {
        a.baseURL == b.baseURL && a.integrationID == b.integrationID && a.isBuiltInSandbox == b.isBuiltInSandbox
    }

    /// `the built-in sandbox (integration demo)`, `https://api.sprinto.com/... (integration int_1)`.
    public var description: String {
        (isBuiltInSandbox ? "the built-in sandbox" : baseURL) + " (integration \(integrationID))"
    }
}
