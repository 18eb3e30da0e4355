import PushAPI

/// Builds the transport to a real service (`connect url/region/profile`, a
/// profile, the environment's service), so the language need not know how
/// requests travel over a network.
///
/// The language owns this type, as it owns ``SandboxFactory``, so that it
/// links no HTTP client: the composition root (pushsh, tests) fills it with
/// PushHTTP's transport, through the `HTTPConnections` target. What the
/// transport decides stays the transport's: the proxy and the CAs come in
/// `network`, redirects are its own rule, and request timeouts are the
/// client's (``PushConfiguration/requestTimeout``), not the transport's.
public struct TransportFactory: Sendable {
    private let make: @Sendable (_ baseURL: String, _ network: NetworkSettings) throws(ConfigurationError) -> any Transport

    public init(
        make: @escaping @Sendable (_ baseURL: String, _ network: NetworkSettings) throws(ConfigurationError) -> any Transport
    ) {
        self.make = make
    }

    /// A transport to the service at `baseURL`, through the proxy and with the CAs `network` names.
    ///
    /// - Throws: when a proxy variable or a CA file cannot be used.
    public func transport(baseURL: String, network: NetworkSettings) throws(ConfigurationError) -> any Transport {
        try make(baseURL, network)
    }
}
