import ArgumentParser
import Foundation
import PushAPI
import PushSandbox
import PushScript
import PushSyntax

/// `pushsh serve`: the sandbox over HTTP on this machine.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the sandbox (a simulation of the push API) over HTTP.",
        discussion: """
            Binds 127.0.0.1 by default and prints the base URL, the integration id and the
            API key to use (a generated one; a key given is never shown). A key comes
            from --api-key-file PATH, PUSHSH_SERVE_API_KEY or --api-key (ps shows it).
            Routes are the push API's, under /api/external/push/v1/...; applied records
            can be read at /_sandbox/integrations/{id}/records/{type}.
            """)

    @Option(help: "Address to bind. Anything but loopback exposes the sandbox to the network.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 8080

    @Option(help: "The integration id to serve.")
    var integration = SandboxIntegration.demo.id

    @Option(
        name: .customLong("api-key"),
        help:
            "The integration's API key (generated when no key is given). Other users see it in ps; prefer --api-key-file or \(Self.keyVariable)."
    )
    var apiKey: String?

    @Option(
        name: .customLong("api-key-file"),
        help: ArgumentHelp("Read the API key from the first line of this file (mode 600, as a profile's key_file).", valueName: "PATH"))
    var apiKeyFile: String?

    @Option(
        name: .customLong("processing-time"), help: "How long one processing attempt takes (e.g. 2s, 500ms).",
        transform: { try parseDuration($0, option: "--processing-time") })
    var processingTime: Duration = .seconds(2)

    @Option(
        name: .customLong("inactivity-timeout"), help: "Inactivity after which an active session expires (e.g. 60m).",
        transform: { try parseDuration($0, option: "--inactivity-timeout") })
    var inactivityTimeout: Duration = .seconds(3600)

    @Option(name: .customLong("rate-limit"), help: "Requests per second allowed per integration (default: no limit).")
    var rateLimit: Int?

    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted; larger ones get 413.")
    var maxBodyBytes = 5_000_000

    @Option(help: "Seed for session ids and faults, for reproducible runs.")
    var seed: UInt64?

    @Option(help: "Misbehave on purpose: \"reset=0.05,error=0.05,throttle=0.05,slow=0.05:2s\" (rates from 0 to 1).")
    var faults: String?

    @Option(help: "Delay every answer as a far network would: \"20ms\", or \"20ms~5ms\" for 15 to 25 ms. Concurrent requests overlap.")
    var latency: String?

    @Flag(help: "Do not log one line per request.")
    var quiet = false

    func validate() throws {
        if apiKey != nil && apiKeyFile != nil { throw ValidationError("give --api-key or --api-key-file, not both") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        if let rateLimit, rateLimit < 1 { throw ValidationError("--rate-limit must be at least 1 request per second") }
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024") }
        guard !integration.isEmpty, !integration.contains("/") else {
            throw ValidationError("--integration must be a non-empty id without '/'")
        }
        if let faults {
            do { _ = try FaultPlan(parsing: faults) } catch { throw ValidationError("--faults: \(error.message)") }
        }
        if let latency {
            do { _ = try NetworkLatency(parsing: latency) } catch { throw ValidationError("--latency: \(error.message)") }
        }
    }

    /// The variable `serve` reads its key from. Not SPRINTO_API_KEY: that
    /// one usually holds a real service's key, which a sandbox should not
    /// quietly take over.
    static let keyVariable = "PUSHSH_SERVE_API_KEY"

    /// The key to serve and where it came from, for the banner (which never shows a key it was given).
    func servedKey(environment: [String: String]) throws(ConfigurationError) -> (key: String, source: String?) {
        let given: (String, String)?
        if let apiKey {
            given = (apiKey, "--api-key")
        } else if let apiKeyFile {
            given = (try Profile.readKeyFile(apiKeyFile, for: "--api-key-file"), "--api-key-file \(apiKeyFile)")
        } else if let key = environment[Self.keyVariable], !key.isEmpty {
            given = (key, Self.keyVariable)
        } else {
            given = nil
        }
        guard let (key, source) = given else { return (SandboxIntegration.generateKey(), nil) }
        if let problem = APIKey.problem(with: key) { throw ConfigurationError("\(source): \(problem)") }
        return (key, source)
    }

    func run() async throws {
        let key: String
        let keySource: String?
        do {
            (key, keySource) = try servedKey(environment: ProcessInfo.processInfo.environment)
        } catch {
            Terminal.warn("pushsh: \(error.message)")
            throw ArgumentParser.ExitCode(.usage)
        }
        let settings = SandboxSettings(
            processingTime: processingTime, inactivityTimeout: inactivityTimeout, rateLimit: rateLimit,
            maxBodyBytes: maxBodyBytes, seed: seed)
        let service = SandboxService(settings: settings, integrations: [SandboxIntegration(id: integration, apiKey: key)])
        if let faults, let plan = try? FaultPlan(parsing: faults) {
            service.setFaults(plan, seed: seed)
        }
        if !["127.0.0.1", "localhost", "::1"].contains(host) {
            Terminal.warn("warning: binding \(host) makes the sandbox reachable from other machines; use --host 127.0.0.1 to keep it local")
        }
        let quiet = self.quiet
        let integration = self.integration
        let host = self.host
        var requestLog: (@Sendable (String) -> Void)?
        // The log names paths and statuses only; the key is hidden anyway, should a path ever hold it.
        if !quiet {
            requestLog = { line in Terminal.line(Terminal.clock() + " " + line.replacingOccurrences(of: key, with: "[redacted]")) }
        }
        let delay = latency.flatMap { try? NetworkLatency(parsing: $0) } ?? NetworkLatency(base: .zero)
        let server = SandboxServer(service: service, host: host, port: port, latency: delay, requestLog: requestLog)
        let banner: @Sendable (Int) async -> Void = { port in
            let shownHost = host.contains(":") ? "[\(host)]" : host
            let base = "http://\(shownHost):\(port)\(SandboxRouter.apiPrefix)"
            Terminal.line("pushsh sandbox listening on \(base)")
            Terminal.line("  integration id: \(integration)")
            Terminal.line("  api key:        \(keySource.map { "(the one from \($0))" } ?? key)")
            Terminal.line("  records:        http://\(shownHost):\(port)/_sandbox/integrations/\(integration)/records/User")
            Terminal.line("  connect with:   SPRINTO_BASE_URL=\(base) SPRINTO_INTEGRATION_ID=\(integration) SPRINTO_API_KEY=... pushsh")
            if !delay.isZero { Terminal.line("  latency:        \(delay) added to every answer") }
            if !service.faultPlan.isEmpty {
                Terminal.line("  faults:         \(service.faultPlan) (seed \(seed.map(String.init) ?? "random"))")
            }
            Terminal.line("Press Ctrl-C to stop.")
        }
        do {
            try await server.run(handleSignals: true, onListening: banner)
        } catch let failure as SandboxServerFailure {
            switch failure {
            case .portInUse:
                Terminal.warn(
                    "pushsh: port \(port) on \(host) is in use by another program; pick another with --port N, or --port 0 for any free one"
                )
            case .notPermitted:
                Terminal.warn(
                    "pushsh: binding port \(port) on \(host) is not allowed (ports below 1024 need root); try --port 8080, or --port 0 for any free one"
                )
            case .addressNotLocal: Terminal.warn("pushsh: \(host) is not an address of this machine; try --host 127.0.0.1")
            case .other(let text): Terminal.warn("pushsh: the sandbox server stopped: \(text)")
            }
            throw ArgumentParser.ExitCode(.runtime)
        } catch {
            Terminal.warn("pushsh: the sandbox server stopped: \(error)")
            throw ArgumentParser.ExitCode(.runtime)
        }
    }
}

/// A duration on `serve`'s command line, by the language's rule: a bare
/// number is refused in the same words as in a script (`help durations`).
func parseDuration(_ text: String, option: String) throws -> Duration {
    guard let duration = DurationText.parse(text) else {
        let rule = ArgumentRule(option, .duration, example: "\(option) 2s")
        let number = text.trimmingCharacters(in: .whitespaces)
        let problem = DurationText.isBareNumber(text) ? rule.bareNumber(number) : rule.badDurationText(text)
        throw ValidationError("\(problem.message); \(problem.hint)")
    }
    return duration
}
