import PushAPI
import PushSandbox
import PushScript

/// The simulator behind the language's ``SandboxControls``: the one place
/// where PushScript and PushSandbox meet, so that neither imports the other.
public struct SandboxServiceControls: SandboxControls {
    /// The simulator itself, for the shell's lessons and for tests that look inside.
    public let service: SandboxService
    /// The integration whose state the controls read.
    public let integrationID: String

    public init(service: SandboxService, integrationID: String) {
        self.service = service
        self.integrationID = integrationID
    }

    public func now() -> Timestamp { service.clock.now() }
    public func advanceClock(by duration: Duration) { service.advanceClock(by: duration) }
    public func failNextProcessing(_ count: Int) { service.failNextProcessing(count) }
    public func setProcessingTime(_ duration: Duration) { service.setProcessingTime(duration) }
    public func setRateLimit(_ perSecond: Int?) { service.setRateLimit(perSecond) }
    public func reset() { service.reset() }

    public func setFaults(_ plan: String, seed: UInt64?) throws(SandboxControlError) -> String? {
        let parsed: FaultPlan
        do { parsed = try FaultPlan(parsing: plan) } catch { throw SandboxControlError(error.message) }
        service.setFaults(parsed, seed: seed)
        return parsed.isEmpty ? nil : parsed.description
    }

    public func inspect() throws(SandboxControlError) -> SandboxInspection {
        do {
            let held = try service.inspect(integrationID: integrationID)
            return SandboxInspection(
                now: held.now, sessions: held.sessions, events: held.events, records: held.records,
                failuresPlanned: held.failuresPlanned)
        } catch { throw SandboxControlError(error.message) }
    }
}

extension SandboxFactory {
    /// The built-in sandbox: the simulator, in-process, serving the demo integration.
    public static let builtIn = SandboxFactory(publicAPIKey: SandboxIntegration.demo.apiKey) { environment, options in
        var settings = SandboxSettings()
        if let processingTime = options.processingTime { settings.processingTime = processingTime }
        return Connection.builtInSandbox(environment: environment, settings: settings)
    }
}

extension Connection {
    /// The built-in sandbox, in-process. `PUSHSH_SANDBOX_SEED` fixes its ids and
    /// `PUSHSH_SANDBOX_EPOCH` freezes its clock at an instant: for golden tests.
    public static func builtInSandbox(environment: [String: String] = [:], settings: SandboxSettings? = nil) -> Connection {
        var effective = settings ?? SandboxSettings()
        if let seed = environment["PUSHSH_SANDBOX_SEED"].flatMap(UInt64.init) { effective.seed = seed }
        let clock =
            environment["PUSHSH_SANDBOX_EPOCH"].flatMap(Timestamp.init(iso8601:)).map(SandboxClock.init(frozenAt:)) ?? SandboxClock()
        let service = SandboxService(settings: effective, integrations: [.demo], clock: clock)
        let client = PushClient(
            configuration: PushConfiguration(
                baseURL: "sandbox:", integrationID: SandboxIntegration.demo.id, apiKey: APIKey(SandboxIntegration.demo.apiKey)),
            transport: InProcessTransport(service: service))
        return Connection(
            client: client, sandbox: SandboxServiceControls(service: service, integrationID: SandboxIntegration.demo.id),
            label: "sandbox")
    }

    /// The simulator behind this connection, when it is the built-in sandbox.
    public var sandboxService: SandboxService? { (sandbox as? SandboxServiceControls)?.service }
}
