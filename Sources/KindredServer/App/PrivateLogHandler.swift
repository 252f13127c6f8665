import Logging

/// Kindred's log: standard error, minus the database libraries' chatter below `notice`.
///
/// FluentKit logs every query it runs at `debug`, with its filter values — bond and user
/// ids, the table of saved safety checks — through the request's own logger, so no
/// driver setting turns it off. Dropping those records here keeps `debug` usable for
/// operators without anything a person did reaching the log.
public struct PrivateLogHandler: LogHandler {
    /// Modules whose records below `notice` describe queries and their values.
    static let quietSources: Set<String> = ["FluentKit", "SQLKit", "FluentSQLiteDriver", "FluentPostgresDriver", "SQLiteKit", "PostgresKit"]

    private var inner: StreamLogHandler

    public init(label: String, level: Logger.Level) {
        inner = StreamLogHandler.standardError(label: label)
        inner.logLevel = level
    }

    public static func keeps(level: Logger.Level, source: String) -> Bool {
        level >= .notice || !quietSources.contains(source)
    }

    public func log(event: LogEvent) {
        guard Self.keeps(level: event.level, source: event.source) else { return }
        inner.log(event: event)
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }
}
