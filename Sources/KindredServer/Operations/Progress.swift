import Foundation

/// A long operator command's progress: one line rewritten in place on a terminal, nothing
/// when the output goes to a file or a pipe (a log should hold results, not a spinner).
struct ProgressLine {
    let enabled: Bool

    init(enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.enabled = enabled
    }

    func show(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(text)".utf8))
    }

    /// "Copying 42%" for `done` of `total`.
    func show(_ label: String, done: Int64, total: Int64) {
        show("\(label) \(total > 0 ? Int(done * 100 / total) : 100)%")
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
