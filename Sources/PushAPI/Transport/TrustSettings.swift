/// Which certificate authorities a TLS connection trusts.
///
/// - `SSL_CERT_FILE` (a PEM bundle) replaces the system's roots, as OpenSSL
///   reads it; `SSL_CERT_DIR` (a directory of PEM files) does too, and both
///   together are both trusted.
/// - An explicit CA (`PUSHSH_CACERT`, or what a caller names: a flag, a profile, a script's `connect`)
///   is trusted *in addition* to the others: the way to add a corporate
///   TLS-inspecting proxy's CA without losing the public ones.
public struct TrustSettings: Sendable, Equatable {
    public var bundleFile: String?
    public var directory: String?
    /// The extra CA file, and where it was named (a flag, `PUSHSH_CACERT`, `connect … cacert`), for `-v` and errors.
    public var extraCAFile: String?
    public var extraCASource: String

    public init(bundleFile: String? = nil, directory: String? = nil, extraCAFile: String? = nil, extraCASource: String = "cacert") {
        self.bundleFile = bundleFile
        self.directory = directory
        self.extraCAFile = extraCAFile
        self.extraCASource = extraCASource
    }

    /// The system's roots only.
    public static let system = TrustSettings()

    /// Set beside `PUSHSH_CACERT` by a caller that took the file from
    /// somewhere else (a command-line flag), to the name the user typed, so
    /// that `-v` and the errors name it rather than a variable they never set.
    public static let sourceEnvironmentKey = "PUSHSH_CACERT_SOURCE"

    public static func fromEnvironment(_ environment: [String: String]) -> TrustSettings {
        func read(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        return TrustSettings(
            bundleFile: read("SSL_CERT_FILE"), directory: read("SSL_CERT_DIR"), extraCAFile: read("PUSHSH_CACERT"),
            extraCASource: read(sourceEnvironmentKey) ?? "PUSHSH_CACERT")
    }

    /// One line for `-v`: what is trusted.
    public var summary: String {
        var parts: [String] = []
        if let bundleFile { parts.append("SSL_CERT_FILE=\(bundleFile)") }
        if let directory { parts.append("SSL_CERT_DIR=\(directory)") }
        if parts.isEmpty { parts.append("the system's CAs") }
        if let extraCAFile { parts.append("plus \(extraCAFile) (\(extraCASource))") }
        return parts.joined(separator: ", ")
    }
}

/// How to reach the service through this machine's network: proxies and trust.
public struct NetworkSettings: Sendable, Equatable {
    public var proxies: ProxySettings
    public var trust: TrustSettings

    public init(proxies: ProxySettings = .none, trust: TrustSettings = .system) {
        self.proxies = proxies
        self.trust = trust
    }

    /// Direct connections, the system's CAs: what tests of the sandbox use.
    public static let direct = NetworkSettings()

    /// The proxy and CA variables of `environment`.
    public static func fromEnvironment(_ environment: [String: String]) -> NetworkSettings {
        NetworkSettings(proxies: .fromEnvironment(environment), trust: .fromEnvironment(environment))
    }
}
