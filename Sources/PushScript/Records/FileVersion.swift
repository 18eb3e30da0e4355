import Foundation

/// One version of a data file: what the check pass read, so that the send
/// pass sends exactly that, or nothing of another version.
///
/// The check pass records the file's identity (device, inode, size,
/// modification time) and a digest of every chunk it reads; the send pass
/// reads the file again through a verifying copy, which compares each chunk
/// with the recorded one before any record in it is parsed, and the end of the
/// file with the recorded end. An append, a truncation or a rewrite in place
/// (even one that keeps the size and the time) is found at the first chunk
/// it touches; the pages sent before it are all of the checked version.
/// (A file replaced by `mv` keeps the old version open: it is read whole.)
final class FileVersion: @unchecked Sendable {
    // @unchecked: recorded by one reading, then only read by the next one, never at once.
    struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: timespec

        static func == (a: Identity, b: Identity) -> Bool {
            a.device == b.device && a.inode == b.inode && a.size == b.size && a.modified.tv_sec == b.modified.tv_sec
                && a.modified.tv_nsec == b.modified.tv_nsec
        }

        /// The identity of the file open on `descriptor`; nil when it cannot be looked at.
        init?(descriptor: Int32) {
            var info = stat()
            guard fstat(descriptor, &info) == 0 else { return nil }
            self.init(info)
        }

        /// The identity of the file at `path` now.
        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            self.init(info)
        }

        private init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modified = info.st_mtim
        }
    }

    private struct Chunk: Equatable {
        var length: Int
        var digest: Int
    }

    /// The identity when the check pass began reading.
    private(set) var identity: Identity?
    private var chunks: [Chunk] = []
    /// Bytes the check pass read.
    private(set) var bytes = 0

    init() {}

    /// Notes the file's identity as the reading opens it.
    func opened(_ descriptor: Int32) { identity = Identity(descriptor: descriptor) }

    /// Notes one chunk as read.
    func record(_ chunk: UnsafeRawBufferPointer) {
        chunks.append(Chunk(length: chunk.count, digest: Self.digest(chunk)))
        bytes += chunk.count
    }

    /// Why the file at `path` is no longer what was read, if it is not:
    /// looked at after the check pass, so a file written to during the check
    /// itself is not taken for one version.
    func changeSinceOpened(path: String) -> String? {
        guard let identity else { return nil }
        guard let now = Identity(path: path) else { return "it is gone" }
        return Self.difference(from: identity, to: now)
    }

    /// Compares a second reading with the recorded one, chunk by chunk.
    struct Verifier {
        let version: FileVersion
        private var index = 0
        private var offset = 0

        init(version: FileVersion) { self.version = version }

        /// Throws before the chunk is used when it is not the recorded one.
        mutating func check(_ chunk: UnsafeRawBufferPointer) throws(RecordProblem) {
            defer {
                index += 1
                offset += chunk.count
            }
            guard index < version.chunks.count else {
                throw Self.changed("it has grown past the \(version.bytes) bytes that were checked")
            }
            let recorded = version.chunks[index]
            guard recorded.length == chunk.count, recorded.digest == FileVersion.digest(chunk) else {
                let what =
                    chunk.count < recorded.length
                    ? "it is shorter than the \(version.bytes) bytes that were checked"
                    : chunk.count > recorded.length
                        ? "it has grown past the \(version.bytes) bytes that were checked"
                        : "its bytes from offset \(offset) differ from those that were checked"
                throw Self.changed(what)
            }
        }

        /// Throws when the file ended before the recorded end.
        func checkEnd() throws(RecordProblem) {
            guard index >= version.chunks.count else {
                throw Self.changed("it ends at byte \(offset), before the \(version.bytes) bytes that were checked")
            }
        }

        static func changed(_ why: String) -> RecordProblem {
            RecordProblem(line: 0, message: "changed since it was checked (\(why))", fileChanged: true)
        }
    }

    static func difference(from old: Identity, to new: Identity) -> String? {
        if old.device != new.device || old.inode != new.inode { return "it was replaced by another file" }
        if old.size != new.size { return "its size went from \(old.size) to \(new.size) bytes" }
        if old.modified.tv_sec != new.modified.tv_sec || old.modified.tv_nsec != new.modified.tv_nsec {
            return "it was written to since"
        }
        return nil
    }

    /// A digest of one chunk: both readings run in one process, so the
    /// standard library's (per-process seeded) hasher serves, and it is fast.
    static func digest(_ bytes: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        return hasher.finalize()
    }
}
