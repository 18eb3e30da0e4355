/// Which call on the push API a request is: errors and hints are chosen by
/// this, not by reading the path back.
public enum Endpoint: String, Sendable, Equatable, CaseIterable {
    case startSession = "start"
    case readSession = "status"
    case pushPage = "push"
    case closeSession = "close"
    case integrationStatus = "integration"
    case activity
    /// A route only the sandbox offers (its `/_sandbox/…` reads): the client
    /// core does not name them; the language's `sandbox` commands do.
    case sandbox
}
