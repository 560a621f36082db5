import Logging
import Synchronization

/// Logs a deprecation warning once per SecretProviderClass rather than on every mount and rotation poll.
final class DeprecationNotices: Sendable {
    /// Bounded so a cluster churning through class names cannot grow it without limit; past the bound a
    /// class may be warned about again, which is harmless.
    static let capacity = 4096
    private let warned = Mutex<Set<String>>([])

    /// `class` identifies the SecretProviderClass (namespace and name, as the driver's volume context gives them).
    func warnOnce(
        class key: String, logger: Logger, _ message: @autoclosure () -> Logger.Message, metadata: Logger.Metadata
    ) {
        let isNew = warned.withLock { set in
            if set.count >= Self.capacity { set.removeAll() }
            return set.insert(key).inserted
        }
        if isNew {
            logger.warning(message(), metadata: metadata)
        }
    }
}
