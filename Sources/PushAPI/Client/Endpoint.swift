/// Which call on the push API a request is: errors and hints are chosen by
/// this, not by reading the path back.
public enum Endpoint: String, Sendable, Equatable, CaseIterable {
    case startSession = "start"
    case readSession = "status"
    case pushPage = "push"
    case closeSession = "close"
    case integrationStatus = "integration"
    case activity
    /// The sandbox's own routes (`/_sandbox/…`).
    case sandbox
}
