import Foundation

/// How this binary was built, for `pushsh --version`: the version, the
/// configuration, whether the Swift standard library is linked in, and the
/// compiler. The first words stay `pushsh VERSION` for scripts that read them.
enum BuildInfo {
    static let version = "0.1.0"

    static var configuration: String {
        #if DEBUG
            "debug"
        #else
            "release"
        #endif
    }

    static var compiler: String {
        #if compiler(>=6.4)
            "swift 6.4 or later"
        #elseif compiler(>=6.3.2)
            "swift 6.3.2"
        #elseif compiler(>=6.3.1)
            "swift 6.3.1"
        #elseif compiler(>=6.3)
            "swift 6.3"
        #else
            "swift 6.2 or earlier"
        #endif
    }

    /// Whether the standard library is inside the binary (`-static-stdlib`):
    /// it is when no libswiftCore shared object is mapped into this process.
    static var stdlib: String {
        #if os(Linux)
            // /proc files report size 0, so read them as a stream, not by their size.
            guard let file = FileHandle(forReadingAtPath: "/proc/self/maps") else { return "stdlib unknown" }
            let maps = String(decoding: (try? file.readToEnd()) ?? Data(), as: UTF8.self)
            try? file.close()
            guard !maps.isEmpty else { return "stdlib unknown" }
            return maps.contains("libswiftCore.so") ? "shared stdlib" : "static stdlib"
        #else
            return "shared stdlib"
        #endif
    }

    /// `pushsh 0.1.0 (release, static stdlib, swift 6.3.1)`.
    static var description: String {
        "pushsh \(version) (\(configuration), \(stdlib), \(compiler))"
    }
}
