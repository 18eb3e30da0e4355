import Foundation

/// A forward proxy to send requests through.
public struct ProxyServer: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// An HTTP proxy: absolute-form requests for `http://`, `CONNECT` for `https://`.
        case http
        /// A SOCKS5 proxy.
        case socks
    }

    public var kind: Kind
    public var host: String
    public var port: Int
    public var username: String?
    /// A secret, like the API key: redacted wherever the proxy is shown.
    public var password: String?
    /// Which environment variable named it (`HTTPS_PROXY`, …).
    public var source: String

    public init(kind: Kind, host: String, port: Int, username: String?, password: String?, source: String) {
        self.kind = kind
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.source = source
    }

    /// `http://user:[redacted]@host:port (HTTPS_PROXY)`: safe to print.
    public var description: String {
        let scheme = kind == .socks ? "socks5" : "http"
        let user = username.map { name in password == nil ? "\(name)@" : "\(name):[redacted]@" } ?? ""
        return "\(scheme)://\(user)\(host):\(port) (\(source))"
    }

    /// `host:port`, for messages.
    public var address: String { "\(host):\(port)" }

    /// Strings that must never be printed: the password, and `user:password`.
    public var secrets: [String] {
        guard let password, !password.isEmpty else { return [] }
        return [password] + (username.map { ["\($0):\(password)"] } ?? [])
    }
}

/// Which proxy, if any, a request to a given origin goes through, read the
/// way curl and most Linux HTTP tools read the environment:
///
/// - `https_proxy`/`HTTPS_PROXY` for `https://` targets, `http_proxy`/`HTTP_PROXY`
///   for `http://` ones, `all_proxy`/`ALL_PROXY` for either when those are unset
///   (the lowercase name wins when both are set);
/// - `no_proxy`/`NO_PROXY`: a comma- or space-separated list of hosts reached
///   directly: `*` (all), a host name (also matching its subdomains), `.domain`,
///   an IP address, an IPv4 CIDR block (`10.0.0.0/8`), each optionally with `:port`.
public struct ProxySettings: Sendable, Equatable {
    /// (value, variable name) for each scheme.
    public var https: (value: String, source: String)?
    public var http: (value: String, source: String)?
    public var all: (value: String, source: String)?
    public var noProxy: [String]

    public init(
        https: (value: String, source: String)? = nil, http: (value: String, source: String)? = nil,
        all: (value: String, source: String)? = nil, noProxy: [String] = []
    ) {
        self.https = https
        self.http = http
        self.all = all
        self.noProxy = noProxy
    }

    /// No proxy at all.
    public static let none = ProxySettings()

    public static func == (lhs: ProxySettings, rhs: ProxySettings) -> Bool {
        lhs.https?.value == rhs.https?.value && lhs.http?.value == rhs.http?.value && lhs.all?.value == rhs.all?.value
            && lhs.noProxy == rhs.noProxy
    }

    public static func fromEnvironment(_ environment: [String: String]) -> ProxySettings {
        func read(_ name: String) -> (value: String, source: String)? {
            for variable in [name.lowercased(), name.uppercased()] {
                if let value = environment[variable]?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
                    return (value, variable)
                }
            }
            return nil
        }
        let noProxy = read("no_proxy")?.value.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init) ?? []
        return ProxySettings(https: read("https_proxy"), http: read("http_proxy"), all: read("all_proxy"), noProxy: noProxy)
    }

    /// The proxy for requests to `origin`, or `nil` to connect directly.
    ///
    /// - Throws: when the proxy variable that applies cannot be used.
    public func proxy(for origin: Origin) throws(ConfigurationError) -> ProxyServer? {
        guard let chosen = (origin.scheme == "https" ? https : http) ?? all else { return nil }
        if bypasses(origin) { return nil }
        return try Self.parse(chosen.value, source: chosen.source)
    }

    /// Whether `NO_PROXY` sends `origin` directly.
    public func bypasses(_ origin: Origin) -> Bool {
        noProxy.contains { Self.matches(entry: $0, origin) }
    }

    static func matches(entry raw: String, _ origin: Origin) -> Bool {
        var entry = raw.trimmingCharacters(in: .whitespaces).lowercased()
        if entry == "*" { return true }
        if entry.isEmpty { return false }
        // An optional :port (not inside an IPv6 address).
        if let colon = entry.lastIndex(of: ":"), !entry.hasPrefix("["), entry.filter({ $0 == ":" }).count == 1 {
            guard let port = Int(entry[entry.index(after: colon)...]), port == origin.port else { return false }
            entry = String(entry[..<colon])
        }
        if entry.hasPrefix("[") && entry.hasSuffix("]") { entry = String(entry.dropFirst().dropLast()) }
        if entry.hasPrefix("*.") { entry.removeFirst() }
        if entry.contains("/"), let block = IPv4Block(entry), let address = IPv4Block.address(origin.host) {
            return block.contains(address)
        }
        if entry.hasPrefix(".") { return origin.host.hasSuffix(entry) || origin.host == String(entry.dropFirst()) }
        return origin.host == entry || origin.host.hasSuffix("." + entry)
    }

    /// Reads `[http://][user[:password]@]host[:port]` (or `socks5://…`).
    static func parse(_ value: String, source: String) throws(ConfigurationError) -> ProxyServer {
        var rest = Substring(value)
        var kind = ProxyServer.Kind.http
        var defaultPort = 1080
        if let schemeEnd = rest.range(of: "://") {
            let scheme = rest[..<schemeEnd.lowerBound].lowercased()
            switch scheme {
            case "http": defaultPort = 80
            case "socks5", "socks5h": kind = .socks
            case "https":
                throw ConfigurationError(
                    "\(source): a proxy reached over https:// is not supported; use its http:// address (https targets still go through it encrypted, with CONNECT)"
                )
            default:
                throw ConfigurationError("\(source): proxies must be http:// or socks5:// (got \(scheme)://)")
            }
            rest = rest[schemeEnd.upperBound...]
        }
        rest = rest.prefix { $0 != "/" }
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                username = PathEncoding.decode(credentials[..<colon]) ?? String(credentials[..<colon])
                password =
                    PathEncoding.decode(credentials[credentials.index(after: colon)...])
                    ?? String(credentials[credentials.index(after: colon)...])
            } else {
                username = PathEncoding.decode(credentials) ?? String(credentials)
            }
        }
        guard let origin = Origin(url: "http://" + rest) else {
            throw ConfigurationError("\(source) is not a proxy address such as http://proxy.example.com:3128")
        }
        let port = rest.contains(":") && !rest.hasSuffix("]") ? origin.port : defaultPort
        return ProxyServer(kind: kind, host: origin.host, port: port, username: username, password: password, source: source)
    }
}

/// An IPv4 network such as `10.0.0.0/8`.
struct IPv4Block {
    let network: UInt32
    let mask: UInt32

    init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let address = Self.address(String(parts[0])), let bits = Int(parts[1]), (0...32).contains(bits) else {
            return nil
        }
        mask = bits == 0 ? 0 : UInt32.max << (32 - bits)
        network = address & mask
    }

    func contains(_ address: UInt32) -> Bool { address & mask == network }

    static func address(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard let n = UInt32(octet), n < 256 else { return nil }
            value = value << 8 | n
        }
        return value
    }
}
