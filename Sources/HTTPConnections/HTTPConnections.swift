import PushAPI
import PushHTTP
import PushScript

extension TransportFactory {
    /// PushHTTP's transport (AsyncHTTPClient) behind the language's
    /// ``TransportFactory``: the one place where PushScript and PushHTTP meet,
    /// so that the language links no HTTP client and the transport knows
    /// nothing of the language.
    public static let http = TransportFactory { baseURL, network throws(ConfigurationError) in
        try HTTPTransport(baseURL: baseURL, network: network)
    }
}
