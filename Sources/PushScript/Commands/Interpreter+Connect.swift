import Foundation
import PushAPI
import PushSandbox
import PushSyntax

extension Interpreter {
    /// `connect sandbox | region R integration I key K | url U integration I key K`.
    func connect(_ target: ConnectTarget, at range: SourceRange) async throws(ScriptError) {
        let previous = connection
        switch target {
        case .sandbox:
            connection = .builtInSandbox(environment: environment)
        case .region(let region, let integrationExpr, let key, let cacert):
            let integrationID = try string(integrationExpr, "the integration id")
            guard let r = Region(rawValue: region.value.rawValue) else { throw .runtime("unknown region", at: region.range) }
            let configuration = PushConfiguration(region: r, integrationID: integrationID, apiKey: try apiKey(key))
            connection = try remote(configuration, label: r.rawValue, cacert: cacert, at: range)
        case .url(let urlExpr, let integrationExpr, let key, let cacert):
            let url = try string(urlExpr, "the base URL")
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw .runtime("the base URL must start with http:// or https://", at: urlExpr.range,
                               hint: "e.g. connect url \"http://127.0.0.1:8080/api/external/push\" integration \"demo\" key env(\"SPRINTO_API_KEY\")")
            }
            let integrationID = try string(integrationExpr, "the integration id")
            let configuration = PushConfiguration(baseURL: url, integrationID: integrationID, apiKey: try apiKey(key))
            connection = try remote(configuration, label: Connection.label(for: configuration), cacert: cacert, at: range)
        }
        // Only now that the new connection stands is the old one closed.
        await previous.client.transport.shutdown()
        applyClientSettings()
        lastSession = nil
        if settings.output == .json {
            emit("connect", ["target": .string(connection.label), "integration_id": .string(connection.client.configuration.integrationID)])
        } else {
            output.line("connected to \(connection.label == "sandbox" ? "the built-in sandbox" : connection.client.configuration.baseURL) (integration \(connection.client.configuration.integrationID))")
        }
    }

    /// A connection through this machine's proxies and CAs (the environment),
    /// plus the statement's `cacert` file, read relative to the script.
    func remote(_ configuration: PushConfiguration, label: String, cacert: Expr?, at range: SourceRange) throws(ScriptError) -> Connection {
        var network = NetworkSettings.fromEnvironment(environment)
        if let cacert {
            let written = try string(cacert, "the CA file")
            network.trust.extraCAFile = (sources[cacert.range.file] ?? SourceFile(name: cacert.range.file, text: "")).resolve(path: written)
            network.trust.extraCASource = "connect ... cacert"
        }
        do { return try Connection.remote(configuration, label: label, network: network) } catch {
            throw .runtime("cannot connect: \(error.message)", at: cacert?.range ?? range, hint: "see docs/network.md for proxies and CAs")
        }
    }

    /// The key from where the script says, never echoed.
    func apiKey(_ source: KeySource) throws(ScriptError) -> APIKey {
        switch source {
        case .value(let expr):
            let key = try string(expr, "the API key")
            guard !key.isEmpty else { throw .runtime("the API key is empty", at: expr.range, hint: "is SPRINTO_API_KEY set?") }
            if expr.stringLiteral != nil {
                output.errorLine(paint.yellow("warning:") + " a key typed into a script ends up in files and history; prefer key env(\"SPRINTO_API_KEY\") or key file PATH")
            }
            return APIKey(key)
        case .file(let expr):
            let written = try string(expr, "the key file")
            let path = (sources[expr.range.file] ?? SourceFile(name: expr.range.file, text: "")).resolve(path: written)
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw .runtime("cannot read the key file \(written)", at: expr.range)
            }
            let key = text.split(whereSeparator: \.isNewline).first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
            guard !key.isEmpty else { throw .runtime("the key file \(written) is empty", at: expr.range) }
            return APIKey(key)
        case .prompt(let range):
            guard let read = keyPrompt, let key = read("API key: "), !key.isEmpty else {
                throw .runtime("key prompt needs a terminal to ask on", at: range, hint: "use key env(\"SPRINTO_API_KEY\") in scripts")
            }
            return APIKey(key)
        }
    }
}
