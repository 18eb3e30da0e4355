/// Where a push session stands in its lifecycle.
///
/// A struct rather than an enum: the service may add states, and a client
/// that meets one it does not know must keep working and show it as sent.
public struct SessionState: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Accepting pages.
    public static let active = SessionState("active")
    /// Closed with apply; the staged data is being processed.
    public static let processing = SessionState("processing")
    /// Processing finished; the data is applied.
    public static let processed = SessionState("processed")
    /// Processing failed twice (the service retries once).
    public static let failed = SessionState("failed")
    /// Closed with discard; the staged data was thrown away.
    public static let cancelled = SessionState("cancelled")
    /// No request for `inactivity_timeout_seconds`; can still be closed.
    public static let expired = SessionState("expired")

    /// Every state the contract documents, in lifecycle order.
    public static let documented: [SessionState] = [.active, .processing, .processed, .failed, .cancelled, .expired]

    /// Whether the contract documents this state.
    public var isKnown: Bool { Self.documented.contains(self) }

    /// Whether nothing more will happen to a session in this state.
    public var isFinal: Bool { self == .processed || self == .failed || self == .cancelled }

    /// The states a session in this state may still reach (itself excluded:
    /// a wait has already matched the state it is in; the language's
    /// `SessionStateName.reachable` includes it).
    ///
    /// Waits use this to give up at once rather than at their timeout; the
    /// checker warns with the language's copy of the lifecycle, which
    /// SessionLifecycleAgreementTests keeps the same as this one.
    public var reachable: Set<SessionState> {
        switch self {
        case .active: return [.processing, .processed, .failed, .cancelled, .expired]
        case .expired: return [.processing, .processed, .failed, .cancelled]
        case .processing: return [.processed, .failed]
        case .processed, .failed, .cancelled: return []
        default: return Set(Self.documented)  // unknown: assume anything may follow
        }
    }

    public var description: String { rawValue }
}

/// How a session is closed.
public enum CloseAction: String, Sendable, CaseIterable {
    /// Process and apply the staged pages.
    case apply
    /// Throw the staged pages away.
    case discard
}
