import Foundation
import PushAPI
import PushSyntax
import TOMLKit

/// One named profile of the config file: where an integration lives and
/// where its key comes from. It never holds the key itself.
public struct Profile: Sendable, Equatable {
    public var name: String
    /// `region = "eu"`; nil when `base_url` is given.
    public var region: Region?
    /// `base_url = "https://…/api/external/push"`.
    public var baseURL: String?
    public var integrationID: String
    public var key: ProfileKey
    /// `ca_file`: extra certificate authorities to trust for this host (a TLS-inspecting proxy's).
    public var caFile: String?
    /// `proxy = "http://host:port"`.
    public var proxy: String?
    /// `timeout = "30s"`: how long one request may take.
    public var timeout: Duration?

    public init(
        name: String, region: Region?, baseURL: String?, integrationID: String, key: ProfileKey,
        caFile: String? = nil, proxy: String? = nil, timeout: Duration? = nil
    ) {
        self.name = name
        self.region = region
        self.baseURL = baseURL
        self.integrationID = integrationID
        self.key = key
        self.caFile = caFile
        self.proxy = proxy
        self.timeout = timeout
    }

    /// Where requests go: the base URL of the region or the one given.
    public var target: String { baseURL ?? region?.baseURL ?? Region.us.baseURL }

    /// The target as a person reads it: a region name, or the URL.
    public var targetDescription: String { region.map { $0.rawValue } ?? target }

    /// The network to reach the profile's service through: this machine's
    /// (proxy and CA variables), with the profile's `proxy` used for every
    /// target it does not send directly (`NO_PROXY` still applies) and its
    /// `ca_file` trusted besides the system's CAs.
    public func network(environment: [String: String]) -> NetworkSettings {
        var network = NetworkSettings.fromEnvironment(environment)
        if let proxy {
            let chosen = (value: proxy, source: "profile \(name) proxy")
            network.proxies.https = chosen
            network.proxies.http = chosen
            network.proxies.all = chosen
        }
        if let caFile {
            network.trust.extraCAFile = caFile
            network.trust.extraCASource = "profile \(name) ca_file"
        }
        return network
    }
}

/// Where a profile's key comes from.
public enum ProfileKey: Sendable, Equatable, CustomStringConvertible {
    /// `key_env = "NAME"` (the default: `SPRINTO_API_KEY`).
    case environment(String)
    /// `key_file = "PATH"`: the first line of a file that only its owner may read.
    case file(String)
    /// `key_command = "op read op://…"`: the first line the command prints.
    case command(String)

    /// How `pushsh profiles` shows it: the source, never the key; of a command,
    /// only its first word (arguments may name vaults or items).
    public var description: String {
        switch self {
        case .environment(let name): return "env " + name
        case .file(let path): return "file " + path
        case .command(let command): return "command " + (command.split(separator: " ").first.map(String.init) ?? "") + " …"
        }
    }
}

/// The config file and its profiles: `$XDG_CONFIG_HOME/pushsh/config.toml`
/// (default `~/.config/pushsh/config.toml`), or `PUSHSH_CONFIG`.
///
/// ```toml
/// default = "staging"
///
/// [profiles.staging]
/// region = "eu"
/// integration = "int_staging"
/// key_env = "SPRINTO_STAGING_KEY"
/// ```
public struct ProfileBook: Sendable {
    public var path: String
    /// In the file's order of names (sorted: TOML tables have no order one can rely on).
    public var profiles: [Profile]
    /// `default = "NAME"` at the top of the file.
    public var defaultName: String?
    /// Whether the file exists at all.
    public var exists: Bool

    public static let profileKeys: Set<String> = [
        "region", "base_url", "integration", "key_env", "key_file", "key_command", "ca_file", "proxy", "timeout",
    ]

    /// Where the config file is for this environment.
    public static func defaultPath(environment: [String: String]) -> String {
        if let path = environment["PUSHSH_CONFIG"], !path.isEmpty { return path }
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/pushsh/config.toml" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.config/pushsh/config.toml"
    }

    /// Reads the config file; a missing one is an empty book, a broken one an error naming its place.
    public static func load(environment: [String: String]) throws(ConfigurationError) -> ProfileBook {
        let path = defaultPath(environment: environment)
        guard FileManager.default.fileExists(atPath: path) else {
            return ProfileBook(path: path, profiles: [], defaultName: nil, exists: false)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("\(path) cannot be read")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path, home: environment["HOME"] ?? NSHomeDirectory())
    }

    /// Reads the text of a config file.
    static func parse(_ text: String, path: String, home: String) throws(ConfigurationError) -> ProfileBook {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw ConfigurationError("\(path):\(error.source.begin.line):\(error.source.begin.column): \(error.description)")
        } catch {
            throw ConfigurationError("\(path): \(error)")
        }
        for key in table.keys where key != "default" && key != "profiles" {
            throw ConfigurationError("\(path): unknown setting '\(key)' (the file holds 'default = \"NAME\"' and [profiles.NAME] tables)")
        }
        var defaultName: String?
        if let value = table["default"] {
            guard let name = value.string else { throw ConfigurationError("\(path): default must be a profile name in quotes") }
            defaultName = name
        }
        var profiles: [Profile] = []
        if let value = table["profiles"] {
            guard let all = value.table else { throw ConfigurationError("\(path): profiles must be tables: [profiles.NAME]") }
            for name in all.keys.sorted() {
                guard let entries = all[name]?.table else {
                    throw ConfigurationError("\(path): profiles.\(name) must be a table: [profiles.\(name)]")
                }
                profiles.append(try profile(name, entries, path: path, home: home))
            }
        }
        if let defaultName, !profiles.contains(where: { $0.name == defaultName }) {
            throw ConfigurationError(
                "\(path): the default profile '\(defaultName)' is not defined; profiles: \(profiles.map(\.name).joined(separator: ", "))")
        }
        return ProfileBook(path: path, profiles: profiles, defaultName: defaultName, exists: true)
    }

    /// One `[profiles.NAME]` table, checked field by field.
    static func profile(_ name: String, _ entries: TOMLTable, path: String, home: String) throws(ConfigurationError) -> Profile {
        let place = "\(path): profile '\(name)'"
        guard name != "sandbox", !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw ConfigurationError("\(place): a profile name is letters, digits, '-', '_' or '.', and not 'sandbox'")
        }
        for key in entries.keys where !profileKeys.contains(key) {
            let hint = Spelling.closest(to: key, among: profileKeys.sorted()).map { " (did you mean '\($0)'?)" } ?? ""
            throw ConfigurationError("\(place): unknown setting '\(key)'\(hint); settings: \(profileKeys.sorted().joined(separator: ", "))")
        }
        func text(_ key: String) throws(ConfigurationError) -> String? {
            guard let value = entries[key] else { return nil }
            guard let string = value.string, !string.isEmpty else {
                throw ConfigurationError("\(place): \(key) must be a non-empty string in quotes")
            }
            return string
        }
        // `~/` is the home folder; a relative path is taken from the config file's folder.
        func expand(_ written: String) -> String {
            if written.hasPrefix("~/") { return home + written.dropFirst() }
            if written.hasPrefix("/") { return written }
            return SourceFile(name: path, text: "").resolve(path: written)
        }

        var region: Region?
        if let written = try text("region") {
            guard let r = Region(rawValue: written.lowercased()) else {
                throw ConfigurationError("\(place): region must be us, in or eu (got \"\(written)\")")
            }
            region = r
        }
        let baseURL = try text("base_url")
        if let baseURL {
            guard region == nil else { throw ConfigurationError("\(place): give region or base_url, not both") }
            guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
                throw ConfigurationError("\(place): base_url must start with http:// or https:// (got \"\(baseURL)\")")
            }
        }
        guard let integration = try text("integration") else {
            throw ConfigurationError("\(place): integration is missing (the integration id from Sprinto)")
        }
        let sources = try [("key_env", text("key_env")), ("key_file", text("key_file")), ("key_command", text("key_command"))].filter {
            $0.1 != nil
        }
        guard sources.count <= 1 else {
            throw ConfigurationError(
                "\(place): give one of key_env, key_file, key_command (got \(sources.map(\.0).joined(separator: " and ")))")
        }
        let key: ProfileKey
        switch sources.first {
        case ("key_file", let p?)?: key = .file(expand(p))
        case ("key_command", let c?)?: key = .command(c)
        case (_, let n?)?: key = .environment(n)
        default: key = .environment("SPRINTO_API_KEY")
        }
        let caFile = try text("ca_file").map(expand)
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw ConfigurationError("\(place): ca_file \(caFile) cannot be read")
        }
        let proxy = try text("proxy")
        if let proxy {
            let rest = proxy.hasPrefix("http://") ? proxy.dropFirst(7) : proxy.hasPrefix("https://") ? proxy.dropFirst(8) : nil
            guard let rest, let colon = rest.lastIndex(of: ":"), !rest[..<colon].isEmpty,
                let port = Int(rest[rest.index(after: colon)...].prefix { $0 != "/" }), (1...65535).contains(port)
            else { throw ConfigurationError("\(place): proxy must be http://HOST:PORT (got \"\(proxy)\")") }
        }
        var timeout: Duration?
        if let value = entries["timeout"] {
            if let seconds = value.int, seconds > 0 {
                timeout = .seconds(seconds)
            } else if let written = value.string, let d = DurationText.parse(written), d > .zero {
                timeout = d
            } else {
                throw ConfigurationError("\(place): timeout must be a duration such as \"30s\" or \"2m\"")
            }
        }
        return Profile(
            name: name, region: region, baseURL: baseURL, integrationID: integration, key: key,
            caFile: caFile, proxy: proxy, timeout: timeout)
    }

    /// The profile of that name, or an error listing the ones there are.
    public func profile(named name: String) throws(ConfigurationError) -> Profile {
        if let found = profiles.first(where: { $0.name == name }) { return found }
        guard exists else {
            throw ConfigurationError("there is no profile '\(name)': \(path) does not exist (see docs/profiles.md)")
        }
        let guess = Spelling.closest(to: name, among: profiles.map(\.name)).map { "did you mean '\($0)'? " } ?? ""
        throw ConfigurationError(
            "there is no profile '\(name)' in \(path); \(guess)profiles: \(profiles.map(\.name).joined(separator: ", "))")
    }
}

extension Profile {
    /// The client configuration, with the key read from where the profile says.
    public func configuration(environment: [String: String]) throws(ConfigurationError) -> PushConfiguration {
        let key = try readKey(environment: environment)
        if let problem = APIKey.problem(with: key) { throw ConfigurationError("profile '\(name)': \(problem)") }
        var configuration = PushConfiguration(baseURL: target, integrationID: integrationID, apiKey: APIKey(key))
        if let timeout { configuration.requestTimeout = timeout }
        return configuration
    }

    /// The key, never echoed: from the variable, the file (owner-only) or the command's output.
    func readKey(environment: [String: String]) throws(ConfigurationError) -> String {
        let place = "profile '\(name)'"
        switch key {
        case .environment(let variable):
            guard let value = environment[variable], !value.isEmpty else {
                throw ConfigurationError(
                    "\(place) reads its key from \(variable), which is not set; export \(variable)=... (the integration's API key)")
            }
            return value
        case .file(let path):
            return try Self.readKeyFile(path, for: place)
        case .command(let command):
            return try Self.run(command, for: place)
        }
    }

    /// The key in the first line of a file only its owner may read (a
    /// profile's `key_file`, `pushsh serve --api-key-file`); `place` starts
    /// each error (`profile 'prod'`, `--api-key-file`).
    public static func readKeyFile(_ path: String, for place: String) throws(ConfigurationError) -> String {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw ConfigurationError("\(place): the key file \(path) does not exist")
        }
        if let mode = attributes[.posixPermissions] as? NSNumber, mode.intValue & 0o077 != 0 {
            throw ConfigurationError(
                "\(place): the key file \(path) can be read by others (mode \(String(mode.intValue & 0o777, radix: 8))); fix with: chmod 600 \(path)"
            )
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("\(place): the key file \(path) cannot be read")
        }
        guard let line = firstLine(data) else { throw ConfigurationError("\(place): the key file \(path) is empty") }
        return line
    }

    static func firstLine(_ data: Data) -> String? {
        let text = String(decoding: data, as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
    }

    /// Runs `key_command` through `/bin/sh -c`: its standard output is the key;
    /// its standard input and error stay the terminal's, so `op` or `pass` can ask.
    static func run(_ command: String, for place: String) throws(ConfigurationError) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let output = Pipe()
        process.standardOutput = output
        do { try process.run() } catch {
            throw ConfigurationError("\(place): the key command cannot be started: \(error.localizedDescription)")
        }
        let data = (try? output.fileHandleForReading.readToEnd()) ?? Data()
        process.waitUntilExit()
        let program = command.split(separator: " ").first.map(String.init) ?? command
        if process.terminationStatus == 127 {
            throw ConfigurationError("\(place): the key command's program \(program) was not found; is it installed and on the PATH?")
        }
        guard process.terminationStatus == 0 else {
            throw ConfigurationError("\(place): the key command (\(program) …) failed with exit code \(process.terminationStatus)")
        }
        guard let line = firstLine(data) else {
            throw ConfigurationError("\(place): the key command (\(program) …) printed nothing")
        }
        return line
    }
}
