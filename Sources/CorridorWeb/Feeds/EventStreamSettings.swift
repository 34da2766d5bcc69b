/// How `GET /api/v1/events/stream` paces itself.
public struct EventStreamSettings: Sendable {
    /// How often a caught-up stream looks for new events.
    public var poll: Duration
    /// A comment line (and the cursor) is sent after this long without an event, so proxies
    /// and clients see the connection alive.
    public var heartbeat: Duration
    /// A reader that has not accepted a write for this long is cut off (the connection is
    /// closed); it resumes from its last event id. Nothing is queued for it meanwhile.
    public var stallTimeout: Duration
    /// A stream ends after this long, and the client reconnects with `Last-Event-ID`.
    public var maximumDuration: Duration

    public init(
        poll: Duration = .milliseconds(250), heartbeat: Duration = .seconds(15), stallTimeout: Duration = .seconds(30),
        maximumDuration: Duration = .seconds(3_600)
    ) {
        self.poll = poll
        self.heartbeat = heartbeat
        self.stallTimeout = stallTimeout
        self.maximumDuration = maximumDuration
    }
}
