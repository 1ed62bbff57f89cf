using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Lifecycle.Stages;

/// <summary>Writes and reads a <see cref="CustomerState"/> in a versioned binary form, so a store restores a customer with one read instead of a replay.</summary>
/// <remarks>
/// <para><b>Format version 2</b>, written since the journey store keeps events in their own table (little-endian;
/// strings are a 7-bit-encoded UTF-8 byte length then the bytes, as <see cref="BinaryWriter"/> writes them; an
/// optional string is a bool then the string). Its size does not grow with the events, so a commit rewrites a
/// customer's few hundred bytes, not their history:</para>
/// <code>
/// "LCSS"            4 bytes magic
/// version           u16 = 2
/// customer id       string
/// stage             optional string: current stage id (absent before the first event)
/// stage entered, as of, last event, evaluated   4 × i64 UTC ticks
/// last event id     optional string
/// event count       i32: how many events the state reflects (the events come separately, see below)
/// facts             11 × i32 counts (events, touches, purchases, purchase days, refunds, NPS, CSAT, satisfied CSAT,
///                   referrals, reviews, support contacts), total spend and refund total (2 × decimal),
///                   latest NPS and latest CSAT (2 × bool + i32), 8 × i64 UTC ticks (first contact, last contact,
///                   first touch, lead captured, first purchase, last purchase, latest NPS, cancelled)
/// journey           i32 count, then per transition: optional from, to, i64 UTC ticks, rule, optional event id
/// checksum          u64 FNV-1a of every byte before it
/// </code>
/// <para>A version-2 snapshot is read with the customer's events (<see cref="Read(StageModel, ReadOnlySpan{byte}, IReadOnlyList{LifecycleEvent}, string)"/>):
/// the engine needs them to recognise replayed ids and to re-fold late events; their number must match the event
/// count. <b>Format version 1</b> (the first, until the store kept events apart) had the events inside, in place of
/// the event count and the facts: per event id, customer id, i64 UTC ticks, i16 offset minutes, kind name, optional
/// decimal amount, optional f64 score, i32 attribute count and (key, value) strings; its facts were folded again from
/// them. Version 1 is still read (events from the snapshot itself).</para>
/// <para>Stages are stored by id, so a snapshot survives adding stages to the model; a stage the model no longer has
/// is an error. Reading checks the magic, the version, the checksum and every value; any problem throws
/// <see cref="SnapshotFormatException"/> naming the snapshot and what is wrong.</para>
/// </remarks>
public static class CustomerStateSnapshot
{
    /// <summary>The format version this library writes (and the newest it reads).</summary>
    public const int FormatVersion = 2;

    private static ReadOnlySpan<byte> Magic => "LCSS"u8;

    /// <summary>Serializes a state.</summary>
    /// <param name="state">The state; made by an engine (not <c>default</c>).</param>
    /// <returns>The snapshot bytes.</returns>
    /// <exception cref="ArgumentException"><paramref name="state"/> is <c>default</c>.</exception>
    public static byte[] Write(in CustomerState state)
    {
        if (state.Model is null)
        {
            ThrowHelper.Argument(nameof(state), "The state is default(CustomerState); only states made by LifecycleEngine.Start/Apply/Evaluate can be written.");
        }

        using var stream = new MemoryStream(256 + (state.JourneyCount * 48));
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write((ushort)FormatVersion);
            w.Write(state.CustomerId);
            WriteOptional(w, state.CurrentStage?.Id);
            w.Write(state.StageEnteredTicks);
            w.Write(state.AsOfTicks);
            w.Write(state.LastEventTicks);
            w.Write(state.EvaluatedTicks);
            WriteOptional(w, state.LastEventId);
            w.Write(state.EventCount);
            state.FactsValue.WriteTo(w);
            var journey = state.Journey;
            w.Write(journey.Length);
            foreach (ref readonly var t in journey)
            {
                WriteOptional(w, t.From);
                w.Write(t.To);
                w.Write(t.At.UtcTicks);
                w.Write(t.Rule);
                WriteOptional(w, t.EventId);
            }
        }

        var body = stream.GetBuffer().AsSpan(0, (int)stream.Length);
        var result = new byte[body.Length + sizeof(ulong)];
        body.CopyTo(result);
        BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(body.Length), Fnv1a(body));
        return result;
    }

    /// <summary>Restores a state from a self-contained snapshot (format version 1, which holds its events).</summary>
    /// <param name="model">The model the state belongs to (the engine's model).</param>
    /// <param name="snapshot">The snapshot bytes.</param>
    /// <param name="source">What the snapshot is (for example "customer 'c1' in journeys.db"), named in errors.</param>
    /// <returns>The state, equal to the one written: same stage, facts, journey, events and instants.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="source"/> is null.</exception>
    /// <exception cref="SnapshotFormatException">The bytes are not a snapshot, are corrupt, come from a newer format version, name a stage or event kind the model does not have, or are version 2 (which needs the events: use the overload that takes them).</exception>
    public static CustomerState Read(StageModel model, ReadOnlySpan<byte> snapshot, string source) => ReadCore(model, snapshot, null, source);

    /// <summary>Restores a state from a snapshot and the customer's events (format version 2 keeps them apart; a version 1 snapshot holds its own and ignores <paramref name="events"/>).</summary>
    /// <param name="model">The model the state belongs to (the engine's model).</param>
    /// <param name="snapshot">The snapshot bytes.</param>
    /// <param name="events">Every event the state reflects, in any order (they are put in fold order: timestamp, then id).</param>
    /// <param name="source">What the snapshot is (for example "customer 'c1' in journeys.db"), named in errors.</param>
    /// <returns>The state, equal to the one written: same stage, facts, journey, events and instants.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/>, <paramref name="events"/> or <paramref name="source"/> is null.</exception>
    /// <exception cref="SnapshotFormatException">The bytes are not a snapshot, are corrupt, come from a newer format version, name a stage the model does not have, or the number of events is not the one the snapshot reflects.</exception>
    public static CustomerState Read(StageModel model, ReadOnlySpan<byte> snapshot, IReadOnlyList<LifecycleEvent> events, string source)
    {
        ArgumentNullException.ThrowIfNull(events);
        return ReadCore(model, snapshot, events, source);
    }

    /// <summary>Gets the format version of a snapshot (0 when the bytes are not one).</summary>
    internal static int VersionOf(ReadOnlySpan<byte> snapshot) =>
        snapshot.Length >= Magic.Length + sizeof(ushort) && snapshot[..Magic.Length].SequenceEqual(Magic) ? BinaryPrimitives.ReadUInt16LittleEndian(snapshot[Magic.Length..]) : 0;

    private static CustomerState ReadCore(StageModel model, ReadOnlySpan<byte> snapshot, IReadOnlyList<LifecycleEvent>? events, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        if (snapshot.Length < Magic.Length + sizeof(ushort) + sizeof(ulong) || !snapshot[..Magic.Length].SequenceEqual(Magic))
        {
            throw new SnapshotFormatException(source, 0, F($"is not a customer state snapshot (no \"LCSS\" header in {snapshot.Length} bytes); it was not written by CustomerStateSnapshot.Write"));
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(snapshot[Magic.Length..]);
        if (version > FormatVersion || version == 0)
        {
            throw new SnapshotFormatException(source, version, F($"has format version {version}, but this library reads versions 1 to {FormatVersion}; upgrade Lifecycle.Core to read it (or rebuild the store from its events)"));
        }

        if (version == 2 && events is null)
        {
            throw new SnapshotFormatException(source, version, "has format version 2, which keeps the customer's events apart; read it with CustomerStateSnapshot.Read(model, snapshot, events, source), passing the events the store holds for the customer");
        }

        var body = snapshot[..^sizeof(ulong)];
        var expected = BinaryPrimitives.ReadUInt64LittleEndian(snapshot[^sizeof(ulong)..]);
        if (Fnv1a(body) != expected)
        {
            throw new SnapshotFormatException(source, version, "is corrupt: its checksum does not match its content; restore the store from a backup or rebuild it from its events");
        }

        try
        {
            return ReadBody(model, body.ToArray(), events, source, version);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or FormatException or OverflowException)
        {
            throw new SnapshotFormatException(source, version, "is corrupt: " + e.Message, e);
        }
    }

    private static CustomerState ReadBody(StageModel model, byte[] body, IReadOnlyList<LifecycleEvent>? given, string source, int version)
    {
        using var r = new BinaryReader(new MemoryStream(body, writable: false), Encoding.UTF8);
        r.ReadBytes(Magic.Length + sizeof(ushort));
        var customerId = r.ReadString();
        var state = new CustomerState(model, customerId);
        var stage = ReadOptional(r);
        if (stage is not null)
        {
            state.StageIndex = StageIndex(model, stage, source, version);
        }

        state.StageEnteredTicks = r.ReadInt64();
        state.AsOfTicks = r.ReadInt64();
        state.LastEventTicks = r.ReadInt64();
        state.EvaluatedTicks = r.ReadInt64();
        state.LastEventId = ReadOptional(r);
        if (version == 1)
        {
            ReadEventsV1(r, model, ref state, source, version);
        }
        else
        {
            var eventCount = Count(r, source, version, "event");
            state.FactsValue = CustomerFacts.ReadFrom(r);
            if (given!.Count != eventCount || state.FactsValue.EventCount != eventCount)
            {
                throw new SnapshotFormatException(source, version, F($"reflects {eventCount} events, but {given.Count} were given with it; pass every event the store holds for the customer (the snapshot and the events table disagree: restore the store from a backup)"));
            }

            var sorted = given.ToArray();
            Array.Sort(sorted, LifecycleEngine.FoldOrder);
            for (var i = 0; i < sorted.Length; i++)
            {
                var e = sorted[i] ?? throw new ArgumentNullException(nameof(given), "An event given with a snapshot is null.");
                if (!string.Equals(e.CustomerId, customerId, StringComparison.Ordinal))
                {
                    throw new SnapshotFormatException(source, version, F($"was given event '{e.Id}' of customer '{e.CustomerId}', not of '{customerId}'; pass the customer's own events"));
                }

                state.EventLog = EventLog.Append(state.EventLog, i, e, EventLog.Key(e.Id));
            }

            state.EventCount = eventCount;
        }

        var journeyCount = Count(r, source, version, "transition");
        for (var i = 0; i < journeyCount; i++)
        {
            var from = ReadOptional(r);
            var to = r.ReadString();
            var at = new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero);
            var rule = r.ReadString();
            var eventId = ReadOptional(r);
            StageIndex(model, to, source, version);
            if (from is not null)
            {
                StageIndex(model, from, source, version);
            }

            state.JourneyLog = SharedLog<StageTransition>.Append(state.JourneyLog, i, new StageTransition(from, to, at, rule, eventId));
        }

        state.JourneyCount = journeyCount;
        if (r.BaseStream.Position != body.Length)
        {
            throw new SnapshotFormatException(source, version, F($"is corrupt: {body.Length - r.BaseStream.Position} bytes follow the journey"));
        }

        if ((stage is null) != (journeyCount == 0) || (stage is not null && !string.Equals(state.Journey[^1].To, stage, StringComparison.Ordinal)))
        {
            throw new SnapshotFormatException(source, version, F($"is inconsistent: current stage '{stage}' is not where its journey of {journeyCount} transitions ends"));
        }

        return state;
    }

    /// <summary>Reads the events of a version-1 snapshot (kept inside it) and folds the facts from them.</summary>
    private static void ReadEventsV1(BinaryReader r, StageModel model, ref CustomerState state, string source, int version)
    {
        var eventCount = Count(r, source, version, "event");
        var facts = CustomerFacts.Empty;
        LifecycleEvent? previous = null;
        for (var i = 0; i < eventCount; i++)
        {
            var id = r.ReadString();
            var customer = r.ReadString();
            var ticks = r.ReadInt64();
            var offset = TimeSpan.FromMinutes(r.ReadInt16());
            var kindName = r.ReadString();
            decimal? amount = r.ReadBoolean() ? r.ReadDecimal() : null;
            double? score = r.ReadBoolean() ? r.ReadDouble() : null;
            var attributeCount = Count(r, source, version, "attribute");
            Dictionary<string, string>? attributes = attributeCount == 0 ? null : new(attributeCount, StringComparer.Ordinal);
            for (var a = 0; a < attributeCount; a++)
            {
                attributes![r.ReadString()] = r.ReadString();
            }

            if (!EventKind.TryParse(kindName, model.CustomEventKinds, out var kind))
            {
                throw new SnapshotFormatException(source, version, F($"has event '{id}' of kind '{kindName}', which the model does not declare; declare the kind on the model (StageModelBuilder.AddEventKind) before reading this store"));
            }

            var e = new LifecycleEvent(id, customer, new DateTimeOffset(ticks + offset.Ticks, offset), kind, amount, score, attributes);
            if (previous is not null && previous.Timestamp.UtcTicks == ticks && string.CompareOrdinal(id, previous.Id) < 0)
            {
                state.Unsorted = true;
            }

            previous = e;
            facts = facts.Apply(e);
            state.EventLog = EventLog.Append(state.EventLog, i, e, EventLog.Key(e.Id));
        }

        state.EventCount = eventCount;
        state.FactsValue = facts;
    }

    private static int StageIndex(StageModel model, string stage, string source, int version)
    {
        foreach (var (s, i) in model.StageArray.Select((s, i) => (s, i)))
        {
            if (string.Equals(s.Id, stage, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new SnapshotFormatException(source, version, F($"names stage '{stage}', which the model does not have (it has {string.Join(", ", model.StageArray.Select(s => s.Id))}); read it with the model that wrote it"));
    }

    private static int Count(BinaryReader r, string source, int version, string what)
    {
        var n = r.ReadInt32();
        if (n < 0 || n > r.BaseStream.Length)
        {
            throw new SnapshotFormatException(source, version, F($"is corrupt: {n} is not a possible {what} count"));
        }

        return n;
    }

    private static void WriteOptional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
        {
            w.Write(value);
        }
    }

    private static string? ReadOptional(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Thrown when a stored customer state snapshot cannot be read: not a snapshot, corrupt, or from a newer format version.</summary>
public sealed class SnapshotFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SnapshotFormatException()
        : this("a snapshot", 0, "could not be read")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public SnapshotFormatException(string message)
        : base(message)
    {
        SnapshotName = string.Empty;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SnapshotFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        SnapshotName = string.Empty;
    }

    internal SnapshotFormatException(string source, int version, string problem, Exception? inner = null)
        : base(source + " " + problem + ".", inner)
    {
        SnapshotName = source;
        Version = version;
    }

    /// <summary>Gets what the snapshot is (for example "customer 'c1' in journeys.db").</summary>
    public string SnapshotName { get; }

    /// <summary>Gets the format version found in the snapshot (0 when there was none).</summary>
    public int Version { get; }
}
