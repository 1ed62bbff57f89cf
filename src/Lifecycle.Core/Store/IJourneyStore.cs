using Lifecycle.Stages;

namespace Lifecycle.Store;

/// <summary>Durable customer journeys: states with a version per customer, the events that made them, stage transitions, an outbox and checkpoints.</summary>
/// <remarks>
/// <para><b>Contract</b> (every adapter passes the same contract test suite):</para>
/// <list type="bullet">
/// <item><see cref="CommitAsync"/> writes a whole <see cref="JourneyBatch"/> in one transaction or nothing: the
/// states, their events, their transitions, one outbox message per new transition and the checkpoint.</item>
/// <item>Optimistic concurrency: each <see cref="CustomerCommit"/> names the version it was computed from; when any
/// customer's stored version differs, nothing is written and the result lists the conflicting customers.</item>
/// <item>Events are keyed by (customer id, event id), with their content: appending a key again never makes a second copy (its content is written again; that is how the events of a version-1 snapshot gain their content).</item>
/// <item>The journey of a customer is stored as numbered transitions; a commit replaces the stored journey from
/// <see cref="CustomerCommit.JourneyFrom"/> on (a re-fold rewrites the tail it changed).</item>
/// </list>
/// <para>Thread safety: adapters are safe to share; each call uses its own connection.</para>
/// </remarks>
public interface IJourneyStore
{
    /// <summary>Reads the stored states of some customers.</summary>
    /// <param name="customerIds">The customers.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The stored state of every customer that has one (customers never seen are absent).</returns>
    Task<IReadOnlyDictionary<string, StoredState>> ReadStatesAsync(IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken = default);

    /// <summary>Writes a batch atomically, if every customer's version still matches.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="cancellationToken">Cancels the write (nothing is written).</param>
    /// <returns>Committed, or the customers whose versions changed (nothing was written).</returns>
    Task<CommitResult> CommitAsync(JourneyBatch batch, CancellationToken cancellationToken = default);

    /// <summary>Reads the checkpoint of an input source.</summary>
    /// <param name="source">The source name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The checkpoint, or <see langword="null"/> when the source was never committed.</returns>
    Task<SourceCheckpoint?> ReadCheckpointAsync(string source, CancellationToken cancellationToken = default);

    /// <summary>Lists the ids of customers whose state reflects an instant before <paramref name="before"/> (candidates for time rules), in id order.</summary>
    /// <param name="before">The instant.</param>
    /// <param name="afterId">Return ids after this one (paging); <see langword="null"/> from the start.</param>
    /// <param name="limit">Maximum number of ids.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Up to <paramref name="limit"/> ids.</returns>
    Task<IReadOnlyList<string>> ListCustomersAsOfBeforeAsync(DateTimeOffset before, string? afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Reads the stored journey of a customer.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The transitions in order (empty for an unknown customer).</returns>
    Task<IReadOnlyList<StageTransition>> ReadJourneyAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>Counts customers by current stage.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Customers by current stage (stages without customers are absent); <see cref="JourneyHistory.Distribution"/> adds shares.</returns>
    Task<IReadOnlyDictionary<string, long>> CountStagesAsync(CancellationToken cancellationToken = default);

    /// <summary>Counts stored transitions by UTC day, source and destination stage.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The daily flows in no particular order (the entry at first contact has a null source); <see cref="JourneyHistory.Flows"/> groups and orders them.</returns>
    Task<IReadOnlyList<StageFlowCount>> CountDailyFlowsAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads unpublished outbox messages, oldest first.</summary>
    /// <param name="limit">Maximum number of messages.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Up to <paramref name="limit"/> messages.</returns>
    Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Marks outbox messages as published (they are not read again).</summary>
    /// <param name="sequences">The <see cref="OutboxMessage.Sequence"/> of each published message.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the marks are durable.</returns>
    Task AcknowledgeOutboxAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken = default);
}

/// <summary>A customer's state as stored: the snapshot and the customer's events.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="Version">The version: 1 after the first commit, one more per commit.</param>
/// <param name="Snapshot">The state in <see cref="CustomerStateSnapshot"/> form (version 2 keeps no events: they are in <see cref="Events"/>).</param>
public readonly record struct StoredState(string CustomerId, long Version, ReadOnlyMemory<byte> Snapshot)
{
    /// <summary>Gets the events the store holds for the customer, in any order.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<StoredEvent> Events { get; init; } = [];

    /// <summary>Restores the state: the snapshot with the stored events.</summary>
    /// <param name="model">The model the store was written with.</param>
    /// <param name="source">What the snapshot is (named in errors), for example "customer 'c1' in journeys.db".</param>
    /// <returns>The state.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="source"/> is null.</exception>
    /// <exception cref="SnapshotFormatException">The snapshot is corrupt, from a newer format, names a stage or event kind the model does not have, or does not match the stored events.</exception>
    public CustomerState Restore(StageModel model, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        // A version 1 snapshot carries its own events; the events table rows of a store migrated from schema 1 have no
        // content (amount, score, attributes) and are not needed to restore it.
        if (CustomerStateSnapshot.VersionOf(Snapshot.Span) == 1)
        {
            return CustomerStateSnapshot.Read(model, Snapshot.Span, source);
        }

        var events = new LifecycleEvent[Events.Count];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = Events[i].ToEvent(CustomerId, model, source);
        }

        return CustomerStateSnapshot.Read(model, Snapshot.Span, events, source);
    }
}

/// <summary>An event as the store keeps it, keyed by (customer id, event id): everything the engine needs to fold it again.</summary>
/// <param name="EventId">The event id (unique within the customer).</param>
/// <param name="Timestamp">When it happened (the offset is kept).</param>
/// <param name="Kind">The kind name.</param>
public readonly record struct StoredEvent(string EventId, DateTimeOffset Timestamp, string Kind)
{
    /// <summary>Gets the money involved, if any.</summary>
    public decimal? Amount { get; init; }

    /// <summary>Gets the survey score, if any.</summary>
    public double? Score { get; init; }

    /// <summary>Gets the attributes as a JSON object of strings (<c>{"campaign":"spring"}</c>), or <see langword="null"/> when there are none.</summary>
    public string? Attributes { get; init; }

    /// <summary>Creates the stored form of an event.</summary>
    /// <param name="lifecycleEvent">The event.</param>
    /// <returns>The stored event.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="lifecycleEvent"/> is null.</exception>
    public static StoredEvent From(LifecycleEvent lifecycleEvent)
    {
        ArgumentNullException.ThrowIfNull(lifecycleEvent);
        var e = lifecycleEvent;
        string? attributes = null;
        if (e.Attributes.Count > 0)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                foreach (var (key, value) in e.Attributes.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.WriteString(key, value);
                }

                w.WriteEndObject();
            }

            attributes = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        return new StoredEvent(e.Id, e.Timestamp, e.Kind.Name) { Amount = e.Amount, Score = e.Score, Attributes = attributes };
    }

    /// <summary>Rebuilds the event.</summary>
    /// <param name="customerId">The customer it belongs to.</param>
    /// <param name="model">The model (for custom kinds).</param>
    /// <param name="source">What is being read (named in errors).</param>
    /// <returns>The event.</returns>
    /// <exception cref="SnapshotFormatException">The kind is not one the model declares, or the content is not a valid event.</exception>
    public LifecycleEvent ToEvent(string customerId, StageModel model, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!EventKind.TryParse(Kind, model.CustomEventKinds, out var kind))
        {
            throw new SnapshotFormatException(source, CustomerStateSnapshot.FormatVersion, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"has stored event '{EventId}' of kind '{Kind}', which the model does not declare; declare the kind on the model (StageModelBuilder.AddEventKind) before reading this store"));
        }

        Dictionary<string, string>? attributes = null;
        try
        {
            if (Attributes is { } json)
            {
                attributes = new Dictionary<string, string>(StringComparer.Ordinal);
                using var doc = System.Text.Json.JsonDocument.Parse(json);
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    attributes[p.Name] = p.Value.GetString() ?? "";
                }
            }

            return new LifecycleEvent(EventId, customerId, Timestamp, kind, Amount, Score, attributes);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            throw new SnapshotFormatException(source, CustomerStateSnapshot.FormatVersion, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"has stored event '{EventId}' that is not a valid event ({e.Message})"), e);
        }
    }
}

/// <summary>What one customer's commit writes.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="ExpectedVersion">The stored version the new state was computed from (0 for a customer not stored yet).</param>
/// <param name="Snapshot">The new state in <see cref="CustomerStateSnapshot"/> form (version 2: no events, so its size does not grow with them).</param>
/// <param name="Stage">The new current stage id.</param>
/// <param name="AsOf">The instant the new state reflects.</param>
/// <param name="Events">The events appended: the new keys (and, for a customer read from a version-1 snapshot, all of its events, so they gain their content).</param>
/// <param name="JourneyFrom">Index of the first journey transition that changed; stored transitions from it on are replaced.</param>
/// <param name="Transitions">The journey from <paramref name="JourneyFrom"/> on; each gets an outbox message.</param>
public sealed record CustomerCommit(string CustomerId, long ExpectedVersion, ReadOnlyMemory<byte> Snapshot, string Stage, DateTimeOffset AsOf, IReadOnlyList<StoredEvent> Events, int JourneyFrom, IReadOnlyList<StageTransition> Transitions)
{
    /// <summary>Gets the length of the journey stored at <see cref="ExpectedVersion"/>, when the writer knows it: a store deletes stored transitions from <see cref="JourneyFrom"/> on only when there are some (<see cref="JourneyFrom"/> below this length).</summary>
    /// <value>Default <see cref="int.MaxValue"/> (unknown: the store deletes from <see cref="JourneyFrom"/> on).</value>
    public int StoredJourneyLength { get; init; } = int.MaxValue;
}

/// <summary>Where an input source was read up to, committed with the batch that consumed it.</summary>
/// <param name="Source">The source name (for example a file path).</param>
/// <param name="Position">How many items of the source were consumed.</param>
/// <param name="Digest">A digest of the consumed items, so a resumed run can tell the source was not rewritten.</param>
public readonly record struct SourceCheckpoint(string Source, long Position, long Digest);

/// <summary>One atomic write: customer commits and an optional checkpoint.</summary>
/// <param name="Customers">One commit per customer (each customer at most once).</param>
/// <param name="Checkpoint">The source position reached, or <see langword="null"/>.</param>
/// <param name="Publish">Whether each new transition also gets an outbox message (for hosts that publish them).</param>
public sealed record JourneyBatch(IReadOnlyList<CustomerCommit> Customers, SourceCheckpoint? Checkpoint, bool Publish);

/// <summary>The result of <see cref="IJourneyStore.CommitAsync"/>.</summary>
/// <param name="Committed">Whether the batch was written.</param>
/// <param name="Conflicts">When not committed: the customers whose stored version no longer matched.</param>
public readonly record struct CommitResult(bool Committed, IReadOnlyList<string> Conflicts)
{
    /// <summary>Gets the result of a written batch.</summary>
    public static CommitResult Success { get; } = new(true, []);
}

/// <summary>The number of moves from one stage to another in a period.</summary>
/// <param name="PeriodStart">Start of the period (UTC).</param>
/// <param name="From">Source stage; <see langword="null"/> for the entry at first contact.</param>
/// <param name="To">Destination stage.</param>
/// <param name="Count">Number of transitions.</param>
public readonly record struct StageFlowCount(DateTimeOffset PeriodStart, string? From, string To, long Count);

/// <summary>A transition waiting to be published.</summary>
/// <param name="Sequence">The outbox sequence number (increasing in commit order).</param>
/// <param name="CustomerId">The customer.</param>
/// <param name="JourneyIndex">The transition's index in the customer's journey.</param>
/// <param name="Transition">The transition.</param>
public readonly record struct OutboxMessage(long Sequence, string CustomerId, int JourneyIndex, StageTransition Transition);
