import Foundation
import NIOSSL
import PushAPI

// The NIOSSL side of ``TrustSettings``: the settings are the client core's
// (profiles and `connect` read them without linking a TLS library); turning
// them into certificates is the HTTP transport's job.
extension TrustSettings {
    /// The client TLS configuration these settings describe.
    ///
    /// - Throws: when a named file or directory is missing or holds no certificate.
    public func tlsConfiguration() throws(ConfigurationError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        var roots: [NIOSSLCertificate] = []
        if let bundleFile { roots += try Self.certificates(inFile: bundleFile, named: "SSL_CERT_FILE") }
        if let directory { roots += try Self.certificates(inDirectory: directory) }
        if bundleFile != nil || directory != nil { tls.trustRoots = .certificates(roots) }
        if let extraCAFile {
            tls.additionalTrustRoots = [.certificates(try Self.certificates(inFile: extraCAFile, named: extraCASource))]
        }
        return tls
    }

    static func certificates(inFile path: String, named source: String) throws(ConfigurationError) -> [NIOSSLCertificate] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigurationError("\(source): \(path) does not exist")
        }
        if isDirectory.boolValue {
            throw ConfigurationError("\(source): \(path) is a directory; name a PEM file (or use SSL_CERT_DIR for a directory)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("\(source): \(path) cannot be read")
        }
        let certificates = (try? NIOSSLCertificate.fromPEMBytes([UInt8](data))) ?? []
        guard !certificates.isEmpty else {
            throw ConfigurationError("\(source): \(path) holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        return certificates
    }

    /// Every PEM certificate in the directory's files (no hashed names needed).
    static func certificates(inDirectory path: String) throws(ConfigurationError) -> [NIOSSLCertificate] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            throw ConfigurationError("SSL_CERT_DIR: \(path) is not a directory that can be read")
        }
        var found: [NIOSSLCertificate] = []
        for name in names.sorted() {
            let file = (path as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            found += (try? NIOSSLCertificate.fromPEMBytes([UInt8](data))) ?? []
        }
        guard !found.isEmpty else { throw ConfigurationError("SSL_CERT_DIR: \(path) holds no PEM certificate") }
        return found
    }
}
