import Foundation
import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one way pushsh writes to standard output and standard error.
///
/// Foundation's `FileHandle.write(_:)` traps on any write error on Linux, so a
/// pipe closed early (`pushsh job.push | head -1`) or a full disk (`> /dev/full`)
/// would crash the run and leave its session active. Here a failed write is
/// noted, that stream is written no more, and the runner stops the run at its
/// next safe point with the usual cleanup (see `StandardStreams.failure`).
/// ConventionsTests keeps every other trapping write out of Sources.
public enum StandardStreams {
    public enum Stream: Int32, Sendable {
        case output = 1
        case error = 2

        /// As a person calls it.
        public var name: String { self == .output ? "standard output" : "standard error" }
    }

    /// A stream that could not be written, and why.
    public struct Failure: Sendable, Equatable {
        public let stream: Stream
        /// The `errno` of the failed write: `EPIPE` for a reader that went away.
        public let code: Int32

        /// A broken pipe ends the run as SIGPIPE would (141); any other error
        /// (a full disk, an I/O error) as an output failure (8).
        public var stop: StopSignal { code == EPIPE ? .brokenPipe : .outputFailed }

        /// `standard output cannot be written (No space left on device)`.
        public var description: String { "\(stream.name) cannot be written (\(String(cString: strerror(code))))" }
    }

    /// The errno of the first failed write to each stream (0: none yet).
    private static let failedOutput = Atomic<Int32>(0)
    private static let failedError = Atomic<Int32>(0)

    /// Streams that were closed when pushsh started (`>&-`): their first write fails with EBADF.
    private static let closedAtStart = Atomic<Int32>(0)

    /// Prepares the process's standard descriptors before anything else runs.
    ///
    /// A write to a closed pipe fails with `EPIPE` instead of killing the
    /// process by SIGPIPE: killed, it could not discard the session it started.
    ///
    /// A descriptor closed by whoever started pushsh (`<&-`, as some
    /// schedulers do) is held by `/dev/null`: else the next file or socket
    /// opened would take its number, and a read of "stdin" or a write to
    /// "stdout" would go to it. A closed stdin is then an empty one; a closed
    /// stdout or stderr fails at its first write, as it would have.
    public static func prepare() {
        signal(SIGPIPE, SIG_IGN)
        for descriptor: Int32 in 0...2 where fcntl(descriptor, F_GETFD) < 0 && errno == EBADF {
            let null = open("/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY)
            if null >= 0 && null != descriptor {
                dup2(null, descriptor)
                close(null)
            }
            if descriptor > 0 { closedAtStart.bitwiseOr(1 << descriptor, ordering: .relaxed) }
        }
    }

    /// Writes all of `text`, unless the stream failed before; false when it could not.
    @discardableResult
    public static func write(_ text: String, to stream: Stream) -> Bool {
        guard failedCode(stream) == 0 else { return false }
        var bytes = Array(text.utf8)
        let closed = closedAtStart.load(ordering: .relaxed) & (1 << stream.rawValue) != 0
        let code = closed ? EBADF : bytes.withUnsafeMutableBytes { writeAll($0, to: stream.rawValue) }
        guard code != 0 else { return true }
        switch stream {
        case .output: _ = failedOutput.compareExchange(expected: 0, desired: code, ordering: .relaxed)
        case .error: _ = failedError.compareExchange(expected: 0, desired: code, ordering: .relaxed)
        }
        return false
    }

    private static func failedCode(_ stream: Stream) -> Int32 {
        switch stream {
        case .output: failedOutput.load(ordering: .relaxed)
        case .error: failedError.load(ordering: .relaxed)
        }
    }

    /// The first failure on standard output, else on standard error.
    public static var failure: Failure? {
        for stream in [Stream.output, .error] where failedCode(stream) != 0 {
            return Failure(stream: stream, code: failedCode(stream))
        }
        return nil
    }

    /// `write(2)` until every byte is out: short writes go on, a signal's
    /// interruption is retried, a non-blocking descriptor is waited for.
    /// Returns 0, or the errno that stopped it.
    private static func writeAll(_ buffer: UnsafeMutableRawBufferPointer, to descriptor: Int32) -> Int32 {
        guard let base = buffer.baseAddress else { return 0 }
        var offset = 0
        while offset < buffer.count {
            let written = Foundation.write(descriptor, base + offset, buffer.count - offset)
            if written > 0 {
                offset += written
                continue
            }
            let code = written < 0 ? errno : EIO
            switch code {
            case EINTR: continue
            case EAGAIN:
                var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                _ = poll(&ready, 1, 1000)
            default: return code
            }
        }
        return 0
    }
}
