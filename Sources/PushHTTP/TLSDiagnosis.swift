import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import PushAPI

/// Names why a TLS handshake failed by looking at the certificate the server
/// presents, on a second connection that verifies nothing itself.
///
/// The handshake error NIOSSL reports carries only BoringSSL's error stack,
/// whose codes are not public API; reading its text would break with any
/// library update. The certificate's dates are typed, so: expired and
/// not-yet-valid are told apart here, and a certificate that is in date but
/// was refused is one whose issuer is not trusted.
enum TLSDiagnosis {
    struct NoAnswer: Error {}

    static func diagnose(_ server: Origin, within limit: Duration = .seconds(3)) async -> TLSProblem {
        let configuration = TLSConfiguration.makeClientConfiguration()
        guard let context = try? NIOSSLContext(configuration: configuration) else { return .handshakeFailed }
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let chain = eventLoop.makePromise(of: [NIOSSLCertificate].self)
        let serverName = server.hostIsAddress ? nil : server.host
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.milliseconds(limit.wholeMilliseconds))
            .channelInitializer { channel in
                do {
                    let handler = try NIOSSLClientHandler(context: context, serverHostname: serverName) { certificates, verdict in
                        chain.succeed(certificates)
                        verdict.succeed(NIOSSLVerificationResult.failed)
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        let timer = eventLoop.scheduleTask(in: .milliseconds(limit.wholeMilliseconds)) { chain.fail(NoAnswer()) }
        let channel: Channel
        do { channel = try await bootstrap.connect(host: server.host, port: server.port).get() } catch {
            timer.cancel()
            chain.fail(NoAnswer())
            return .handshakeFailed
        }
        let certificates = try? await chain.futureResult.get()
        timer.cancel()
        try? await channel.close()
        guard let leaf = certificates?.first else { return .handshakeFailed }
        let now = time(nil)
        if leaf.notValidAfter < now { return .expired }
        if leaf.notValidBefore > now { return .notYetValid }
        return .untrustedIssuer
    }
}
