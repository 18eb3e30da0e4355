import PushSyntax

extension Interpreter {
    /// Refuses a `connect` to anything but the built-in sandbox when the run
    /// allows the sandbox only (`pushsh test --sandbox-only`): a test suite
    /// that must never reach a real service stops here, before the key is
    /// read or a request is made.
    func refuseUnlessSandbox(_ target: ConnectTarget, at range: SourceRange) throws(ScriptError) {
        guard let flag = sandboxOnly else { return }
        let place: String
        switch target {
        case .sandbox: return
        case .profile(let name): place = "profile \(name.value)"
        case .region(let region, _, _, _): place = "region \(region.value.rawValue)"
        case .url: place = "a URL"
        }
        throw ScriptError(
            .usage, "connect \(place): \(flag) allows the built-in sandbox only", at: range,
            hint: "connect sandbox in a script meant for the sandbox, or run it without \(flag) to test against a service")
    }
}
