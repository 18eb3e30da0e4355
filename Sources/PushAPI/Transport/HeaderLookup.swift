import HTTPTypes

/// A message that carries HTTP header fields: the client's requests and
/// responses, and the same types as the sandbox receives and answers them,
/// read their headers through one lookup that matches names the same way.
public protocol HeaderLookup {
    var headers: HTTPFields { get }
}

extension HeaderLookup {
    /// The first value of a header, its name matched without regard to case
    /// (HTTP field names are case-insensitive: `Retry-After`, `retry-after`).
    public func header(_ name: String) -> String? {
        HTTPField.Name(name).flatMap { headers[values: $0].first }
    }
}
