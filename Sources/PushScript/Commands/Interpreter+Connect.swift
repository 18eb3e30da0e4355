import Foundation
import PushAPI
import PushSyntax

extension Interpreter {
    /// `connect sandbox | profile NAME | region R integration I key K | url U integration I key K`.
    func connect(_ target: ConnectTarget, at range: SourceRange) async throws(ScriptError) {
        let previous = connection
        switch target {
        case .sandbox:
            guard let sandboxes else {
                throw .runtime(
                    "connect sandbox: this program was built without the built-in sandbox", at: range,
                    hint: "run the script with pushsh, which has it")
            }
            // One built-in sandbox per shell or run: back to it, sessions and all.
            let sandbox = builtInSandbox ?? sandboxes.connection(environment: environment)
            builtInSandbox = sandbox
            connection = sandbox
        case .profile(let name):
            let transports = try networkTransports(at: range)
            do {
                let profile = try ProfileBook.load(environment: environment).profile(named: name.value)
                connection = try .profile(profile, environment: environment, transports: transports)
            } catch {
                throw .runtime(error.message, at: name.range, hint: "pushsh profiles lists the profiles of the config file")
            }
            keySourced(connection.client.configuration.apiKey.revealed, variables: [])
            if let timeout = connection.profile?.timeout { settings.requestTimeout = timeout }
        case .region(let region, let integrationExpr, let key, let cacert):
            // The key first: once read it is a secret, even if what follows fails.
            let apiKey = try apiKey(key)
            let integrationID = try string(integrationExpr, "the integration id")
            guard let r = Region(rawValue: region.value.rawValue) else { throw .runtime("unknown region", at: region.range) }
            let configuration = PushConfiguration(region: r, integrationID: integrationID, apiKey: apiKey)
            connection = try remote(configuration, label: r.rawValue, cacert: cacert, at: range)
        case .url(let urlExpr, let integrationExpr, let key, let cacert):
            let apiKey = try apiKey(key)
            let url = try string(urlExpr, "the base URL")
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw .runtime(
                    "the base URL must start with http:// or https://", at: urlExpr.range,
                    hint: "e.g. connect url \"http://127.0.0.1:8080/api/external/push\" integration \"demo\" key env(\"SPRINTO_API_KEY\")")
            }
            let integrationID = try string(integrationExpr, "the integration id")
            let configuration = PushConfiguration(baseURL: url, integrationID: integrationID, apiKey: apiKey)
            connection = try remote(configuration, label: Connection.label(for: configuration), cacert: cacert, at: range)
        }
        // Only now that the new connection stands is the old one closed (the
        // built-in sandbox is kept for a later `connect sandbox`).
        if previous.sandbox == nil { await previous.client.transport.shutdown() }
        applyClientSettings()
        lastSession = nil
        let place =
            connection.label == "sandbox" && connection.sandbox != nil
            ? "the built-in sandbox" : connection.client.configuration.baseURL
        show(
            .connected(
                ConnectionSummary(
                    target: connection.label, place: place, integrationID: connection.client.configuration.integrationID,
                    profile: connection.profile?.name)))
    }

    /// A connection through this machine's proxies and CAs (the environment),
    /// plus the statement's `cacert` file, read relative to the script.
    func remote(_ configuration: PushConfiguration, label: String, cacert: Expr?, at range: SourceRange) throws(ScriptError) -> Connection {
        let transports = try networkTransports(at: range)
        var network = NetworkSettings.fromEnvironment(environment)
        if let cacert {
            let written = try string(cacert, "the CA file")
            network.trust.extraCAFile = (sources[cacert.range.file] ?? SourceFile(name: cacert.range.file, text: "")).resolve(path: written)
            network.trust.extraCASource = "connect ... cacert"
        }
        do { return try Connection.remote(configuration, label: label, network: network, transports: transports) } catch {
            throw .runtime("cannot connect: \(error.message)", at: cacert?.range ?? range, hint: "see docs/network.md for proxies and CAs")
        }
    }

    /// What builds transports to a real service, or the error of a program built without one.
    private func networkTransports(at range: SourceRange) throws(ScriptError) -> TransportFactory {
        guard let transports else {
            throw .runtime(
                "connect: this program was built without a network transport, so it cannot reach a service",
                at: range, hint: "run the script with pushsh, which has it")
        }
        return transports
    }

    /// The key from where the script says, never echoed; a secret from then on.
    func apiKey(_ source: KeySource) throws(ScriptError) -> APIKey {
        switch source {
        case .value(let expr):
            let value = try evaluate(expr)
            if case .null = value, case .call(let function, let arguments, _) = expr, function.value == "env",
                let name = arguments.first?.stringLiteral
            {
                throw .runtime(
                    "\(name) is not set: the API key is read from env(\"\(name)\")", at: expr.range,
                    hint: "export \(name)=... (the integration's API key from Sprinto), then run this again")
            }
            guard case .string(let key) = value else {
                throw .runtime(
                    "the API key must be a string, got \(value.typeName)", at: expr.range,
                    hint: "key env(\"SPRINTO_API_KEY\"), key file PATH, key prompt, or connect profile NAME")
            }
            guard !key.isEmpty else { throw .runtime("the API key is empty", at: expr.range, hint: "is SPRINTO_API_KEY set?") }
            keySourced(key, variables: Self.variables(in: expr))
            if expr.stringLiteral != nil && warnsAboutTypedKeys {
                output.errorLine(
                    errorPaint.warning("warning:")
                        + " a key typed into a script ends up in files and history; prefer key env(\"SPRINTO_API_KEY\") or key file PATH")
            }
            return try checked(key, at: expr.range)
        case .file(let expr):
            let written = try string(expr, "the key file")
            let path = (sources[expr.range.file] ?? SourceFile(name: expr.range.file, text: "")).resolve(path: written)
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw .runtime("cannot read the key file \(written)", at: expr.range)
            }
            let key = text.split(whereSeparator: \.isNewline).first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
            guard !key.isEmpty else { throw .runtime("the key file \(written) is empty", at: expr.range) }
            keySourced(key, variables: [])
            if let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber,
                mode.intValue & 0o077 != 0
            {
                output.errorLine(
                    errorPaint.warning("warning:")
                        + " the key file \(written) can be read by others (mode \(String(mode.intValue & 0o777, radix: 8))); fix with: chmod 600 \(path)"
                )
            }
            return try checked(key, at: expr.range)
        case .prompt(let range):
            guard let read = keyPrompt, let key = read("API key: ") else {
                throw .runtime(
                    "key prompt needs a terminal to ask on, and pushsh has none here", at: range,
                    hint: "where nobody can type (cron, CI), use key env(\"SPRINTO_API_KEY\"), key file PATH or connect profile NAME")
            }
            guard !key.isEmpty else { throw .runtime("no key was typed", at: range) }
            keySourced(key, variables: [])
            return try checked(key, at: range)
        }
    }

    /// The key, if it can travel in a header (``APIKey/problem(with:)``).
    private func checked(_ key: String, at range: SourceRange) throws(ScriptError) -> APIKey {
        if let problem = APIKey.problem(with: key) { throw .runtime(problem, at: range) }
        return APIKey(key)
    }

    /// Remembers a value used as a key: redacted in all output from now on,
    /// and (through ``keysUsed`` and ``keyVariables``) kept out of history and saved scripts.
    func keySourced(_ key: String, variables: Set<String>) {
        keyVariables.formUnion(variables)
        guard key != sandboxes?.publicAPIKey, !keysUsed.contains(key) else { return }
        keysUsed.append(key)
        applyClientSettings()
    }

    /// The variables an expression reads.
    public static func variables(in expr: Expr) -> Set<String> {
        switch expr {
        case .literal: return []
        case .variable(let name, _): return [name]
        case .interpolated(let parts, _):
            return parts.reduce(into: []) { if case .interpolation(let e) = $1 { $0.formUnion(variables(in: e)) } }
        case .field(let base, _, _): return variables(in: base)
        case .index(let base, let index, _): return variables(in: base).union(variables(in: index))
        case .call(_, let arguments, _): return arguments.reduce(into: []) { $0.formUnion(variables(in: $1)) }
        case .not(let inner, _): return variables(in: inner)
        case .binary(_, let lhs, let rhs, _): return variables(in: lhs).union(variables(in: rhs))
        case .array(let items, _): return items.reduce(into: []) { $0.formUnion(variables(in: $1)) }
        case .object(let entries, _): return entries.reduce(into: []) { $0.formUnion(variables(in: $1.value)) }
        }
    }
}
