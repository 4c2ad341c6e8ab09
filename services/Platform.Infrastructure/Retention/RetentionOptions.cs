namespace Platform.Infrastructure.Retention;

/// <summary>
/// How long the bookkeeping tables keep their rows (section <c>Retention</c>). The defaults outlive any retry: a client
/// retries a request within minutes, and a message comes back (a redelivery, a republished outbox row) within the
/// outage that held it, so only an outage longer than the window could bring back an id already forgotten.
/// </summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>Request ids of idempotent writes: a retry within this window returns the first answer.</summary>
    public TimeSpan RequestIds { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Audit events (<c>audit_events</c>): who wrote what, kept this long, then deleted by age (their only delete).</summary>
    public TimeSpan AuditEvents { get; set; } = TimeSpan.FromDays(400);

    /// <summary>Processed message ids (<c>processed_messages</c>): a redelivery within this window is skipped.</summary>
    public TimeSpan Inbox { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Published outbox rows, kept for inspection; unpublished (and set-aside) rows are never deleted.</summary>
    public TimeSpan PublishedOutbox { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Time between two prune passes (the table gauges are refreshed after each).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Rows deleted per statement: each batch is its own short transaction, so no long lock is held.</summary>
    public int BatchSize { get; set; } = 1_000;
}
