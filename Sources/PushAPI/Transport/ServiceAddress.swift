import Foundation

/// The scheme, host and port of a URL: an origin, in the browser's sense.
///
/// Two URLs with the same origin may share the `api-key`; any other URL
/// must never receive it.
public struct Origin: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https`, lowercased.
    public var scheme: String
    /// The host, lowercased, without brackets around an IPv6 address.
    public var host: String
    /// The port, the scheme's default when the URL gives none.
    public var port: Int

    /// Reads `scheme://[user@]host[:port][/…]`; `nil` for anything else.
    public init?(url: String) {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        var authority = Substring(url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" })
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            if rest.hasPrefix(":") { portText = rest.dropFirst() }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { return nil }
        let port: Int
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else { return nil }
            port = p
        } else {
            port = scheme == "https" ? 443 : 80
        }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
    }

    public init(scheme: String, host: String, port: Int) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// `host:port`, as messages name a server.
    public var hostAndPort: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }

    /// `scheme://host[:port]`, the port left out when it is the default.
    public var description: String {
        let defaultPort = scheme == "https" ? 443 : 80
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(h)\(port == defaultPort ? "" : ":\(port)")"
    }

    /// Whether the host is this machine: `localhost`, `127.x.x.x`, `::1`.
    /// Only there can the target be `pushsh serve`.
    public var isLoopback: Bool {
        host == "localhost" || host.hasSuffix(".localhost") || host.hasPrefix("127.") || host == "::1"
    }

    /// Whether the host is an IP address, not a name: TLS sends no server name for one.
    public var hostIsAddress: Bool { IPv4Block.address(host) != nil || host.contains(":") }
}

/// Resolves a `Location` header against the URL it answered.
public enum URLResolution {
    /// An absolute URL for `location` as seen from `base` (absolute, `//host/…`, `/path` or relative).
    public static func resolve(_ location: String, against base: String) -> String {
        let trimmed = location.trimmingCharacters(in: .whitespaces)
        if trimmed.contains("://") { return trimmed }
        guard let origin = Origin(url: base) else { return trimmed }
        if trimmed.hasPrefix("//") { return origin.scheme + ":" + trimmed }
        let root = originPrefix(of: base)
        if trimmed.hasPrefix("/") { return root + trimmed }
        // Relative to the base's directory.
        let path = base.dropFirst(root.count).prefix { $0 != "?" && $0 != "#" }
        let directory = path.lastIndex(of: "/").map { String(path[...$0]) } ?? "/"
        return root + directory + trimmed
    }

    /// `scheme://authority` of a URL, exactly as written.
    public static func originPrefix(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        return String(url[..<end])
    }
}
