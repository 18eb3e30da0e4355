/// A message that carries HTTP header fields as name/value pairs: the
/// client's requests and responses and the sandbox's requests read their
/// headers through one lookup, so that all of them match names the same way.
public protocol HeaderLookup {
    var headers: [(name: String, value: String)] { get }
}

extension HeaderLookup {
    /// The first value of a header, its name matched without regard to case
    /// (HTTP field names are case-insensitive: `Retry-After`, `retry-after`).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
