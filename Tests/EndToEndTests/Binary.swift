import Foundation

/// Runs the built `pushsh` binary the way a user or a cron job would.
enum Binary {
    /// The repository root (where examples/ lives).
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `pushsh`, next to the test bundle.
    static var path: String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("pushsh").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/pushsh").path
    }

    struct Result {
        var output: String
        var standardOutput: String
        var code: Int32
    }

    /// The environment of a deterministic run: fixed sandbox ids and clock, no colour, no credentials.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("SPRINTO_") && $0.key != "NO_COLOR" && $0.key != "PUSHSH_PROFILE"
        }
        // Never the config file of whoever runs the tests.
        env["PUSHSH_CONFIG"] = "/nonexistent/pushsh-tests/config.toml"
        env["PUSHSH_SANDBOX_SEED"] = "1"
        env["PUSHSH_SANDBOX_EPOCH"] = "2026-01-05T09:00:00Z"
        env["NO_COLOR"] = "1"
        // No pager in tests (an empty PAGER means none); the pager tests set one.
        env["PAGER"] = ""
        env["PUSHSH_PAGER"] = nil
        for (k, v) in extra { env[k] = v }
        return env
    }

    /// Runs with stdout and stderr on one pipe (the order a person sees), and
    /// separately stdout alone when `separate` is set.
    static func run(
        _ arguments: [String], stdin: String? = nil, environment: [String: String] = Binary.environment(), directory: URL = Binary.root,
        withoutTerminal: Bool = false
    ) throws -> Result {
        let process = Process()
        // `setsid` starts a session with no controlling terminal: /dev/tty cannot be opened.
        process.executableURL = URL(fileURLWithPath: withoutTerminal ? "/usr/bin/setsid" : path)
        process.arguments = withoutTerminal ? ["--wait", path] + arguments : arguments
        process.environment = environment
        process.currentDirectoryURL = directory
        let combined = Pipe()
        process.standardOutput = combined
        process.standardError = combined
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let data = combined.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        return Result(output: text, standardOutput: text, code: process.terminationStatus)
    }

    /// Runs with stdout and stderr apart.
    static func runSeparately(_ arguments: [String], stdin: String? = nil, environment: [String: String] = Binary.environment()) throws -> (
        out: String, err: String, code: Int32
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = root
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read stderr on another thread so a full pipe cannot block the child.
        let errData = UnsafeSendableBox(Data())
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData.value = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return (String(decoding: outData, as: UTF8.self), String(decoding: errData.value, as: UTF8.self), process.terminationStatus)
    }
}

final class UnsafeSendableBox<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
