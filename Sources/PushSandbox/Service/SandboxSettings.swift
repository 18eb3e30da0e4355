import PushAPI

/// How the sandbox behaves: the knobs of `pushsh serve` and of `sandbox ...` commands.
public struct SandboxSettings: Sendable {
    /// How long one processing attempt takes after `close apply`.
    public var processingTime: Duration
    /// Inactivity after which an active session expires.
    public var inactivityTimeout: Duration
    /// Requests per second allowed per integration; `nil` for no limit.
    public var rateLimit: Int?
    /// The largest request body accepted (413 above it).
    public var maxBodyBytes: Int
    /// Seeds session ids, so runs with the same seed show the same ids.
    public var seed: UInt64?

    public init(
        processingTime: Duration = .seconds(2), inactivityTimeout: Duration = .seconds(3600), rateLimit: Int? = nil,
        maxBodyBytes: Int = 5_000_000, seed: UInt64? = nil
    ) {
        self.processingTime = processingTime
        self.inactivityTimeout = inactivityTimeout
        self.rateLimit = rateLimit
        self.maxBodyBytes = maxBodyBytes
        self.seed = seed
    }
}

/// One integration the sandbox serves: its id and API key.
public struct SandboxIntegration: Sendable {
    public var id: String
    public var apiKey: String
    public init(id: String, apiKey: String) {
        self.id = id
        self.apiKey = apiKey
    }

    /// The integration the built-in sandbox uses when nothing else is configured.
    public static let demo = SandboxIntegration(id: "demo", apiKey: "sandbox-key")

    /// A fresh random key, for `pushsh serve` without `--api-key`.
    public static func generateKey() -> String {
        var rng = SystemRandomNumberGenerator()
        return "sk_sandbox_" + (0..<4).map { _ in String(rng.next() as UInt64, radix: 16).zeroPadded(to: 16) }.joined().prefix(32)
    }
}
