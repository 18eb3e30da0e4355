/// Runs work that a signal may stop: the script runner's SIGINT, SIGTERM and
/// SIGHUP, the shell's Ctrl-C.
///
/// A signal handler can only set a flag, so a watcher looks at it every 20ms
/// while the work runs and cancels the work once `stopRequested` says so; the
/// check may act on what it finds (tell the interpreter which signal) first.
public enum StoppableWork {
    /// How often the flag is looked at: well under what a person notices.
    static let checkInterval: Duration = .milliseconds(20)

    public static func run<Result: Sendable>(
        _ work: @escaping @Sendable () async -> Result, stoppingWhen stopRequested: @escaping @Sendable () -> Bool
    ) async -> Result {
        let task = Task { await work() }
        let watcher = Task {
            while !Task.isCancelled {
                if stopRequested() {
                    task.cancel()
                    return
                }
                try? await Task.sleep(for: checkInterval)
            }
        }
        let result = await task.value
        watcher.cancel()
        return result
    }
}
