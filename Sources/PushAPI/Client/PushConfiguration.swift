/// Where requests go and who they are from.
public struct PushConfiguration: Sendable {
    /// The base URL up to and including `/api/external/push`.
    public var baseURL: String
    /// Sprinto-issued integration identifier.
    public var integrationID: String
    /// The integration's API key, sent as the `api-key` header.
    public var apiKey: APIKey
    /// The API version; `v1` is the only one.
    public var version: String
    /// How long one request may take before it counts as timed out.
    public var requestTimeout: Duration

    public init(
        baseURL: String, integrationID: String, apiKey: APIKey, version: String = "v1",
        requestTimeout: Duration = .seconds(30)
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.integrationID = integrationID
        self.apiKey = apiKey
        self.version = version
        self.requestTimeout = requestTimeout
    }

    public init(region: Region, integrationID: String, apiKey: APIKey, requestTimeout: Duration = .seconds(30)) {
        self.init(baseURL: region.baseURL, integrationID: integrationID, apiKey: apiKey, requestTimeout: requestTimeout)
    }

    /// The path prefix of every endpoint: `/v1/integrations/{integration_id}`.
    public var integrationPath: String { "/\(version)/integrations/\(PathEncoding.segment(integrationID))" }

    /// Reads `SPRINTO_API_KEY`, `SPRINTO_INTEGRATION_ID` and `SPRINTO_BASE_URL`
    /// or `SPRINTO_REGION` (default `us`).
    ///
    /// - Returns: `nil` when neither the key nor the integration id is set, so
    ///   callers fall back to the sandbox.
    /// - Throws: ``ConfigurationError`` when the settings are half there or wrong.
    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> PushConfiguration? {
        let key = environment["SPRINTO_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        let integration = environment["SPRINTO_INTEGRATION_ID"].flatMap { $0.isEmpty ? nil : $0 }
        if key == nil && integration == nil { return nil }
        guard let key else {
            throw ConfigurationError("SPRINTO_INTEGRATION_ID is set but SPRINTO_API_KEY is not; set both, or neither to use the sandbox")
        }
        guard let integration else {
            throw ConfigurationError("SPRINTO_API_KEY is set but SPRINTO_INTEGRATION_ID is not; set both, or neither to use the sandbox")
        }
        if let problem = APIKey.problem(with: key) { throw ConfigurationError("SPRINTO_API_KEY: \(problem)") }
        if let url = environment["SPRINTO_BASE_URL"], !url.isEmpty {
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw ConfigurationError("SPRINTO_BASE_URL must start with http:// or https:// (got \"\(url)\")")
            }
            return PushConfiguration(baseURL: url, integrationID: integration, apiKey: APIKey(key))
        }
        let regionName = environment["SPRINTO_REGION"].flatMap { $0.isEmpty ? nil : $0.lowercased() } ?? "us"
        guard let region = Region(rawValue: regionName) else {
            throw ConfigurationError("SPRINTO_REGION must be one of us, in, eu (got \"\(regionName)\")")
        }
        return PushConfiguration(region: region, integrationID: integration, apiKey: APIKey(key))
    }
}

/// The three regions Sprinto serves from.
public enum Region: String, Sendable, CaseIterable {
    case us
    case `in`
    case eu

    /// The region's base URL, up to `/api/external/push`.
    public var baseURL: String {
        switch self {
        case .us: return "https://api.sprinto.com/api/external/push"
        case .in: return "https://in.sprinto.com/api/external/push"
        case .eu: return "https://eu.sprinto.com/api/external/push"
        }
    }
}

/// An API key that will not print itself.
///
/// `description`, string interpolation and `dump` all show a redacted form,
/// so a key cannot reach a log or an error message by accident.
public struct APIKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The key itself, for the `api-key` header and nothing else.
    public let revealed: String

    public init(_ key: String) { revealed = key }

    /// Why `key` cannot be sent as the `api-key` header, in words that never
    /// show the key; nil when it can. A header value cannot hold a control
    /// character (HTTP would turn it into a space, and the service would
    /// answer 401 for a key that was never the one meant), and a space at
    /// either end is dropped on the way: both are nearly always a stray tab,
    /// line break or space picked up when the key was copied.
    public static func problem(with key: String) -> String? {
        let scalars = Array(key.unicodeScalars)
        if let index = scalars.firstIndex(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            let what: String
            switch scalars[index] {
            case "\n", "\r": what = "a line break"
            case "\t": what = "a tab"
            default: what = "a control character"
            }
            return
                "the API key holds \(what) (character \(index + 1) of \(scalars.count)), which an HTTP header cannot carry; copy the key again without it"
        }
        if key.first == " " || key.last == " " {
            return "the API key \(key.first == " " ? "starts" : "ends") with a space, which HTTP drops; copy the key again without it"
        }
        return nil
    }

    public var description: String { "[redacted]" }
    public var debugDescription: String { "APIKey([redacted])" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// Settings that cannot work, said in words a person can act on.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Percent-encoding of path segments and query values.
public enum PathEncoding {
    static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    /// `value` with everything but RFC 3986's unreserved characters percent-encoded.
    public static func segment(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            if unreserved.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).zeroPadded(to: 2)
            }
        }
        return out
    }

    /// Decodes `%XX` escapes (and nothing else); `nil` when an escape is broken
    /// or the result is not UTF-8.
    public static func decode(_ text: Substring) -> String? {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let h = iterator.next(), let l = iterator.next(),
                    let value = UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16)
                else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
