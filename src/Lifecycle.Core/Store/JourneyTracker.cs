using System.Globalization;
using Lifecycle.Stages;

namespace Lifecycle.Store;

/// <summary>Folds events into durable journeys: reads states from an <see cref="IJourneyStore"/>, applies the engine, and commits states, events and transitions in batches.</summary>
/// <remarks>
/// <para><b>Batches.</b> Events are taken <see cref="BatchSize"/> at a time and applied in timestamp order (the fold
/// does not depend on arrival order, so only events older than a stored state re-fold); the states of the batch's customers are
/// read (or taken from the tracker's cache), the engine folds the events, and the changed customers are committed in
/// one transaction with the source checkpoint. A crash loses at most the batch in flight, which the next run applies
/// again: nothing is lost or doubled.</para>
/// <para><b>Concurrency.</b> Every commit names the version each state was read at. When another writer committed a
/// customer in between, the store refuses the whole batch; the tracker forgets its cached states of the conflicting
/// customers and recomputes the batch from the stored states, up to <see cref="MaxConflictRetries"/> times.</para>
/// <para><b>Resume.</b> With a source name, the checkpoint records how many events of the source were consumed and a
/// digest of their (customer id, event id, timestamp). A later run over the same source skips that prefix when its
/// digest matches; when it does not (the source was rewritten), the whole source is applied again, and the
/// engine's duplicate detection keeps the result exact.</para>
/// <para>Thread safety: one tracker per writer (it caches states); many trackers may share one store.</para>
/// </remarks>
public sealed class JourneyTracker
{
    private readonly Dictionary<string, (CustomerState State, long Version)> _cache = new(StringComparer.Ordinal);

    // Customers read from a version-1 snapshot and not committed since: their next commit writes all their events.
    private readonly HashSet<string> _legacy = new(StringComparer.Ordinal);

    /// <summary>Creates a tracker.</summary>
    /// <param name="engine">The engine (and model) to fold with.</param>
    /// <param name="store">The store.</param>
    /// <param name="batchSize">Events per commit; 1 to 1,000,000.</param>
    /// <param name="publish">Whether new transitions also go to the store's outbox (for hosts that publish them).</param>
    /// <exception cref="ArgumentNullException"><paramref name="engine"/> or <paramref name="store"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is out of range.</exception>
    public JourneyTracker(LifecycleEngine engine, IJourneyStore store, int batchSize = 8192, bool publish = false)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(store);
        if (batchSize is < 1 or > 1_000_000)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(batchSize), batchSize, "must be from 1 to 1,000,000", "use a few thousand events per commit");
        }

        Engine = engine;
        Store = store;
        BatchSize = batchSize;
        Publish = publish;
    }

    /// <summary>Gets the engine.</summary>
    public LifecycleEngine Engine { get; }

    /// <summary>Gets the store.</summary>
    public IJourneyStore Store { get; }

    /// <summary>Gets the number of events per commit.</summary>
    public int BatchSize { get; }

    /// <summary>Gets a value indicating whether new transitions go to the outbox.</summary>
    public bool Publish { get; }

    /// <summary>Gets or sets how many times a batch is recomputed after version conflicts before giving up.</summary>
    /// <value>Default 16.</value>
    public int MaxConflictRetries { get; init; } = 16;

    /// <summary>Gets or sets how many customer states the tracker keeps between batches (0 reads every state from the store).</summary>
    /// <value>Default 200,000.</value>
    public int CacheCapacity { get; init; } = 200_000;

    /// <summary>Applies a stream of events, resuming after the checkpoint of <paramref name="source"/> when it has one.</summary>
    /// <param name="events">The events; enumerated again from the start when the source changed since its checkpoint.</param>
    /// <param name="source">The source name for the checkpoint (for example the full path of a file); <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Stops between batches (committed batches stay).</param>
    /// <returns>What happened.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="events"/> is null.</exception>
    /// <exception cref="JourneyConflictException">A batch kept conflicting with other writers.</exception>
    public async Task<TrackReport> TrackAsync(IEnumerable<LifecycleEvent> events, string? source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var checkpoint = source is null ? null : await Store.ReadCheckpointAsync(source, cancellationToken).ConfigureAwait(false);
        var report = new TrackReport();
        var skip = checkpoint?.Position ?? 0;
        if (skip > 0 && !PrefixMatches(events, skip, checkpoint!.Value.Digest))
        {
            report.SourceChanged = true;
            skip = 0;
        }

        var position = 0L;
        var digest = Digest.Start;
        var batch = new List<LifecycleEvent>(BatchSize);
        foreach (var e in events)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(events));
            position++;
            digest = Digest.Add(digest, e);
            if (position <= skip)
            {
                report.Skipped++;
                continue;
            }

            batch.Add(e);
            if (batch.Count == BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await CommitBatchAsync(batch, source is null ? null : new SourceCheckpoint(source, position, digest), report, cancellationToken).ConfigureAwait(false);
                batch.Clear();
            }
        }

        if (batch.Count > 0 || (source is not null && position != (checkpoint?.Position ?? -1)))
        {
            await CommitBatchAsync(batch, source is null ? null : new SourceCheckpoint(source, position, digest), report, cancellationToken).ConfigureAwait(false);
        }

        return report;
    }

    /// <summary>Applies one batch of events (no checkpoint) and commits it.</summary>
    /// <param name="events">The events.</param>
    /// <param name="cancellationToken">Cancels before the commit.</param>
    /// <returns>What happened.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="events"/> is null.</exception>
    /// <exception cref="JourneyConflictException">The batch kept conflicting with other writers.</exception>
    public async Task<TrackReport> ApplyAsync(IReadOnlyList<LifecycleEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var report = new TrackReport();
        if (events.Count > 0)
        {
            await CommitBatchAsync(events, null, report, cancellationToken).ConfigureAwait(false);
        }

        return report;
    }

    /// <summary>Fires the time and model rules of every stored customer as of an instant; commits the customers whose journey moved.</summary>
    /// <param name="asOf">The evaluation instant (typically the host's <see cref="TimeProvider"/> now).</param>
    /// <param name="cancellationToken">Stops between pages.</param>
    /// <returns>What happened (<see cref="TrackReport.Evaluated"/> customers, <see cref="TrackReport.Transitions"/>).</returns>
    /// <exception cref="JourneyConflictException">A page kept conflicting with other writers.</exception>
    public async Task<TrackReport> EvaluateAsync(DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        var report = new TrackReport();
        string? after = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ids = await Store.ListCustomersAsOfBeforeAsync(asOf, after, BatchSize, cancellationToken).ConfigureAwait(false);
            if (ids.Count == 0)
            {
                return report;
            }

            after = ids[^1];
            for (var attempt = 0; ; attempt++)
            {
                var states = await LoadAsync(ids, cancellationToken).ConfigureAwait(false);
                var commits = new List<CustomerCommit>();
                var transitions = 0L;
                foreach (var id in ids)
                {
                    var (state, version) = states[id];
                    if (state.AsOf is { } at && at > asOf)
                    {
                        continue;
                    }

                    var r = Engine.Evaluate(state, asOf);
                    if (r.Transitions.Length > 0)
                    {
                        transitions += r.Transitions.Length;
                        commits.Add(ToCommit(r.State, version, [], state.JourneyCount) with { StoredJourneyLength = state.JourneyCount });
                        states[id] = (r.State, version + 1);
                    }
                }

                if (await TryCommitAsync(new JourneyBatch(commits, null, Publish), states, attempt, cancellationToken).ConfigureAwait(false))
                {
                    report.Evaluated += ids.Count;
                    report.Transitions += transitions;
                    report.Batches++;
                    break;
                }

                report.Conflicts++;
            }
        }
    }

    private static bool PrefixMatches(IEnumerable<LifecycleEvent> events, long count, long expected)
    {
        var digest = Digest.Start;
        var n = 0L;
        foreach (var e in events)
        {
            if (n == count)
            {
                break;
            }

            digest = Digest.Add(digest, e);
            n++;
        }

        return n == count && digest == expected;
    }

    private async Task CommitBatchAsync(IReadOnlyList<LifecycleEvent> batch, SourceCheckpoint? checkpoint, TrackReport report, CancellationToken cancellationToken)
    {
        // One group per customer: ApplyMany applies a customer's events in fold order with one re-fold for those older
        // than the stored state, so only those re-fold, not every event that arrived before an earlier one.
        var groups = new Dictionary<string, List<LifecycleEvent>>(StringComparer.Ordinal);
        foreach (var e in batch)
        {
            if (!groups.TryGetValue(e.CustomerId, out var list))
            {
                groups.Add(e.CustomerId, list = []);
            }

            list.Add(e);
        }

        var ids = groups.Keys.ToList();
        for (var attempt = 0; ; attempt++)
        {
            var states = await LoadAsync(ids, cancellationToken).ConfigureAwait(false);
            long applied = 0, duplicates = 0, refolds = 0, transitions = 0;
            var commits = new List<CustomerCommit>(groups.Count);
            foreach (var (id, events) in groups)
            {
                var (state, version) = states[id];
                var r = Engine.ApplyMany(state, events);
                duplicates += r.Duplicates;
                refolds += r.LateInFoldOrder;
                applied += r.Added.Count - r.LateInFoldOrder;
                if (r.Added.Count == 0)
                {
                    continue;
                }

                transitions += r.State.JourneyCount - Math.Min(r.FirstChanged, r.State.JourneyCount);
                commits.Add(ToCommit(r.State, version, r.Added, r.FirstChanged) with { StoredJourneyLength = state.JourneyCount });
                states[id] = (r.State, version + 1);
            }

            if (await TryCommitAsync(new JourneyBatch(commits, checkpoint, Publish), states, attempt, cancellationToken).ConfigureAwait(false))
            {
                report.Events += batch.Count;
                report.Applied += applied;
                report.Duplicates += duplicates;
                report.Refolds += refolds;
                report.Transitions += transitions;
                report.Batches++;
                return;
            }

            report.Conflicts++;
        }
    }

    private async Task<bool> TryCommitAsync(JourneyBatch batch, Dictionary<string, (CustomerState State, long Version)> states, int attempt, CancellationToken cancellationToken)
    {
        if (batch.Customers.Count == 0 && batch.Checkpoint is null)
        {
            return true;
        }

        var result = await Store.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
        if (result.Committed)
        {
            foreach (var c in batch.Customers)
            {
                _legacy.Remove(c.CustomerId);
            }

            if (_cache.Count + states.Count > CacheCapacity)
            {
                _cache.Clear();
            }

            if (CacheCapacity > 0)
            {
                foreach (var (id, s) in states)
                {
                    _cache[id] = s;
                }
            }

            return true;
        }

        foreach (var id in result.Conflicts)
        {
            _cache.Remove(id);
        }

        if (attempt + 1 >= MaxConflictRetries)
        {
            throw new JourneyConflictException(string.Create(CultureInfo.InvariantCulture,
                $"Gave up after {attempt + 1} attempts: other writers kept changing customer(s) {string.Join(", ", result.Conflicts.Take(5).Select(c => "'" + c + "'"))} between this tracker's read and commit; retry later or route each customer's events to one writer."), result.Conflicts);
        }

        return false;
    }

    private async Task<Dictionary<string, (CustomerState State, long Version)>> LoadAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, (CustomerState, long)>(ids.Count, StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var id in ids)
        {
            if (_cache.TryGetValue(id, out var cached))
            {
                result[id] = cached;
            }
            else
            {
                missing.Add(id);
            }
        }

        if (missing.Count > 0)
        {
            var stored = await Store.ReadStatesAsync(missing, cancellationToken).ConfigureAwait(false);
            foreach (var id in missing)
            {
                if (stored.TryGetValue(id, out var s))
                {
                    result[id] = (s.Restore(Engine.Model, string.Create(CultureInfo.InvariantCulture, $"the snapshot of customer '{id}' (version {s.Version})")), s.Version);
                    if (CustomerStateSnapshot.VersionOf(s.Snapshot.Span) == 1)
                    {
                        _legacy.Add(id);
                    }
                }
                else
                {
                    result[id] = (Engine.Start(id), 0L);
                }
            }
        }

        return result;
    }

    private CustomerCommit ToCommit(in CustomerState state, long version, IReadOnlyList<LifecycleEvent> events, int journeyFrom)
    {
        var journey = state.Journey;
        var from = Math.Min(journeyFrom, journey.Length);

        // A customer read from a version-1 snapshot writes all its events, so the events table holds their content.
        var source = _legacy.Contains(state.CustomerId) ? state.Events.ToArray() : events;
        var stored = new StoredEvent[source.Count];
        for (var i = 0; i < stored.Length; i++)
        {
            stored[i] = StoredEvent.From(source[i]);
        }

        return new CustomerCommit(state.CustomerId, version, CustomerStateSnapshot.Write(state), state.CurrentStage!.Value.Id, state.AsOf!.Value, stored, from, journey[from..].ToArray());
    }

    private static class Digest
    {
        public const long Start = unchecked((long)14695981039346656037UL);

        public static long Add(long hash, LifecycleEvent e)
        {
            var h = (ulong)hash;
            h = Mix(h, e.CustomerId);
            h = Mix(h, e.Id);
            h = (h ^ (ulong)e.Timestamp.UtcTicks) * 1099511628211UL;
            return (long)h;
        }

        private static ulong Mix(ulong h, string s)
        {
            foreach (var c in s)
            {
                h = (h ^ c) * 1099511628211UL;
            }

            return (h ^ 0xFFFF) * 1099511628211UL;
        }
    }
}

/// <summary>What a <see cref="JourneyTracker"/> run did.</summary>
public sealed class TrackReport
{
    /// <summary>Gets the events taken from the source after the skipped prefix.</summary>
    public long Events { get; internal set; }

    /// <summary>Gets the events folded in order.</summary>
    public long Applied { get; internal set; }

    /// <summary>Gets the events already in the store (ignored).</summary>
    public long Duplicates { get; internal set; }

    /// <summary>Gets the late events that re-folded a customer's history.</summary>
    public long Refolds { get; internal set; }

    /// <summary>Gets the transitions written (after a re-fold, the rewritten tail of the journey).</summary>
    public long Transitions { get; internal set; }

    /// <summary>Gets the events of the source skipped because the checkpoint already covered them.</summary>
    public long Skipped { get; internal set; }

    /// <summary>Gets a value indicating whether the source differed from its checkpoint, so it was applied again from the start.</summary>
    public bool SourceChanged { get; internal set; }

    /// <summary>Gets the customers evaluated by <see cref="JourneyTracker.EvaluateAsync"/>.</summary>
    public long Evaluated { get; internal set; }

    /// <summary>Gets the batches recomputed because another writer changed a customer first.</summary>
    public long Conflicts { get; internal set; }

    /// <summary>Gets the batches committed.</summary>
    public long Batches { get; internal set; }
}

/// <summary>Thrown when a batch kept conflicting with other writers' commits of the same customers.</summary>
public sealed class JourneyConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JourneyConflictException()
        : this("Other writers kept changing the same customers.", [])
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public JourneyConflictException(string message)
        : this(message, [])
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public JourneyConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
        Customers = [];
    }

    /// <summary>Creates the exception naming the customers.</summary>
    /// <param name="message">The message.</param>
    /// <param name="customers">The conflicting customers.</param>
    public JourneyConflictException(string message, IReadOnlyList<string> customers)
        : base(message)
    {
        Customers = customers;
    }

    /// <summary>Gets the conflicting customers.</summary>
    public IReadOnlyList<string> Customers { get; }
}
