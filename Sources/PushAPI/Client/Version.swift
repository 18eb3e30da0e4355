/// pushsh's version, as the `User-Agent` header carries it.
public enum PushshVersion {
    public static let current = "0.1.0"
    /// `pushsh/0.1.0`: sent with every request, so the service's logs can tell pushsh apart.
    public static var userAgent: String { "pushsh/\(current)" }
}
