import Foundation
import XCTest

/// Real network parts for the network tests, all on 127.0.0.1: an independent
/// fake of the service (Tests/FakeService/fake_service.py), Debian's
/// tinyproxy, and a CA with certificates made by openssl.
enum NetworkTools {
    /// The full path of a tool, or `nil` when it is not installed.
    static func find(_ name: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/usr/bin:/sbin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Skips the test, saying what to install, when a tool is missing.
    static func require(_ name: String, package: String) throws -> String {
        guard let path = find(name) else {
            throw XCTSkip("\(name) is not installed (apt-get install \(package), or run scripts/setup); skipping")
        }
        return path
    }

    /// A port nothing listens on right now.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until something accepts connections on the port.
    static func waitForListener(_ port: Int, within seconds: Double = 10) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let rc = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if rc == 0 { return true }
            usleep(50_000)
        }
        return false
    }

    static func temporaryDirectory(_ label: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// A process a test started; stopped (by its own pid) when released.
final class StartedProcess {
    let process: Process
    init(_ process: Process) { self.process = process }

    /// Starts one of our Python servers, which prints "PORT n" once it
    /// listens, and reads that port.
    static func listening(_ python: String, _ arguments: [String], what: String) throws -> (StartedProcess, Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let started = StartedProcess(process)
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
        guard let text = String(data: line, encoding: .utf8), text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            throw XCTSkip("\(what) did not start (python3 \(arguments.joined(separator: " ")))")
        }
        return (started, port)
    }
    /// SIGKILL, not terminate(): a test runner may start children with
    /// SIGTERM ignored, and a child that ignores it would hang the wait.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
    deinit { stop() }
}

/// The independent fake service, on a port of its own.
final class FakeService {
    let port: Int
    let log: URL
    let scheme: String
    private let started: StartedProcess

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FakeService/fake_service.py").path
    }

    /// Starts it; with `tls`, it serves HTTPS with that certificate and key.
    init(tls: (cert: String, key: String)? = nil, otherOrigin: String? = nil) throws {
        let python = try NetworkTools.require("python3", package: "python3")
        let dir = try NetworkTools.temporaryDirectory("fake")
        log = dir.appendingPathComponent("requests.jsonl")
        var arguments = [Self.script, "--log", log.path]
        if let tls { arguments += ["--cert", tls.cert, "--key", tls.key] }
        if let otherOrigin { arguments += ["--other-origin", otherOrigin] }
        (started, port) = try StartedProcess.listening(python, arguments, what: "the fake service")
        scheme = tls == nil ? "http" : "https"
    }

    /// The base URL of a scenario (see the script's header).
    func base(_ scenario: String, host: String = "127.0.0.1") -> String { "\(scheme)://\(host):\(port)/\(scenario)/api/external/push" }

    var origin: String { "\(scheme)://127.0.0.1:\(port)" }

    /// Every request it received, as logged.
    func requests() -> [[String: Any]] {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func headers(of request: [String: Any]) -> [String: String] { request["headers"] as? [String: String] ?? [:] }

    func stop() { started.stop() }
}

/// Debian's tinyproxy on a free loopback port, logging every request.
final class TinyProxy {
    let port: Int
    let logFile: URL
    private let started: StartedProcess

    init(basicAuth: (user: String, password: String)? = nil) throws {
        let binary = try NetworkTools.require("tinyproxy", package: "tinyproxy")
        let dir = try NetworkTools.temporaryDirectory("proxy")
        port = NetworkTools.freePort()
        logFile = dir.appendingPathComponent("tinyproxy.log")
        var config = """
            Port \(port)
            Listen 127.0.0.1
            Timeout 30
            LogFile "\(logFile.path)"
            LogLevel Info
            MaxClients 20
            Allow 127.0.0.1
            ViaProxyName "pushsh-test"
            """
        if let basicAuth { config += "\nBasicAuth \(basicAuth.user) \(basicAuth.password)" }
        // No ConnectPort line: CONNECT is allowed to any port (the fake's is not 443).
        let configFile = dir.appendingPathComponent("tinyproxy.conf")
        try (config + "\n").write(to: configFile, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-d", "-c", configFile.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        started = StartedProcess(process)
        guard NetworkTools.waitForListener(port) else { throw XCTSkip("tinyproxy did not start on port \(port)") }
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// What tinyproxy logged so far.
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    func stop() { started.stop() }
}

/// A private CA and server certificates, made with openssl for this run.
struct TestCA {
    let dir: URL
    var caFile: String { dir.appendingPathComponent("ca.pem").path }

    /// (certificate, key) paths of a certificate the CA issued.
    func issued(_ name: String) -> (cert: String, key: String) {
        (dir.appendingPathComponent("\(name).pem").path, dir.appendingPathComponent("\(name).key").path)
    }

    /// Makes the CA and three server certificates: `good` (127.0.0.1 and
    /// localhost), `wronghost` (only wrong.example) and `expired` (2020).
    static func make() throws -> TestCA {
        let openssl = try NetworkTools.require("openssl", package: "openssl")
        let dir = try NetworkTools.temporaryDirectory("ca")
        func run(_ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: openssl)
            process.arguments = arguments
            process.currentDirectoryURL = dir
            let err = Pipe()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = err
            try process.run()
            let message = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw NSError(
                    domain: "openssl", code: Int(process.terminationStatus),
                    userInfo: [
                        NSLocalizedDescriptionKey:
                            "openssl \(arguments.joined(separator: " ")): \(String(decoding: message, as: UTF8.self))"
                    ])
            }
        }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try run(
            ["req", "-x509"] + ec + [
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/CN=pushsh test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        func server(_ name: String, san: String) throws {
            try "subjectAltName=\(san)\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
                .write(to: dir.appendingPathComponent("\(name).ext"), atomically: true, encoding: .utf8)
            try run(["req", "-new"] + ec + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"])
        }
        try server("good", san: "IP:127.0.0.1,DNS:localhost")
        try run([
            "x509", "-req", "-in", "good.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "30",
            "-extfile", "good.ext", "-out", "good.pem",
        ])
        try server("wronghost", san: "DNS:wrong.example")
        try run([
            "x509", "-req", "-in", "wronghost.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "30",
            "-extfile", "wronghost.ext", "-out", "wronghost.pem",
        ])
        // An expired certificate needs explicit dates: `openssl ca` takes them.
        try server("expired", san: "IP:127.0.0.1,DNS:localhost")
        try "".write(to: dir.appendingPathComponent("index.txt"), atomically: true, encoding: .utf8)
        try "1000\n".write(to: dir.appendingPathComponent("serial"), atomically: true, encoding: .utf8)
        try """
        [ca]
        default_ca = test
        [test]
        database = \(dir.path)/index.txt
        new_certs_dir = \(dir.path)
        serial = \(dir.path)/serial
        default_md = sha256
        policy = anything
        unique_subject = no
        [anything]
        commonName = supplied

        """.write(to: dir.appendingPathComponent("ca.cnf"), atomically: true, encoding: .utf8)
        try run([
            "ca", "-batch", "-notext", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-in", "expired.csr",
            "-out", "expired.pem", "-startdate", "20200101000000Z", "-enddate", "20200102000000Z", "-extfile", "expired.ext",
        ])
        return TestCA(dir: dir)
    }
}
