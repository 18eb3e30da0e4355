import Foundation

/// A real full disk for tests: a tmpfs of a few kilobytes mounted on a
/// scratch folder (root only), filled up on demand. Where it cannot be
/// mounted, `make` says why, and the test skips with that reason printed.
public final class TinyDisk: @unchecked Sendable {
    public let folder: ScratchFolder

    private init(folder: ScratchFolder) { self.folder = folder }

    public var path: String { folder.path }

    /// A tmpfs of `kilobytes` on a new folder, or the reason there is none.
    public static func make(kilobytes: Int = 64) -> Result<TinyDisk, Reason> {
        guard getuid() == 0 else { return .failure(Reason("not root: a tmpfs cannot be mounted")) }
        guard let folder = try? ScratchFolder("tinydisk") else { return .failure(Reason("no scratch folder")) }
        let status = run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", folder.path])
        guard status == 0 else {
            try? FileManager.default.removeItem(at: folder.url)
            return .failure(Reason("mount -t tmpfs failed (status \(status)); no mount permission here"))
        }
        return .success(TinyDisk(folder: folder))
    }

    public struct Reason: Error, CustomStringConvertible {
        public let description: String
        init(_ text: String) { description = text }
    }

    /// Writes a file of zeros until the disk is full: every later write fails with ENOSPC.
    public func fill() {
        let fd = open(path + "/filler", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let block = [UInt8](repeating: 0, count: 1024)
        while block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        let byte: [UInt8] = [0]
        while byte.withUnsafeBytes({ write(fd, $0.baseAddress, 1) }) > 0 {}
    }

    /// Makes the disk read-only (`mount -o remount,ro`): every write and create fails with EROFS.
    public func makeReadOnly() -> Bool {
        Self.run("/bin/mount", ["-o", "remount,ro", path]) == 0
    }

    /// Frees the space taken by `fill()`.
    public func empty() { unlink(path + "/filler") }

    deinit {
        _ = Self.run("/bin/umount", [path])
        try? FileManager.default.removeItem(at: folder.url)
    }

    /// Mounts a file onto itself: a rename over it then fails (EBUSY), as a
    /// replacement that cannot be made. Root only; false where it cannot.
    public static func pin(_ file: String) -> Bool {
        getuid() == 0 && run("/bin/mount", ["--bind", file, file]) == 0
    }

    /// Undoes `pin`.
    public static func unpin(_ file: String) { _ = run("/bin/umount", [file]) }

    @discardableResult
    static func run(_ program: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
