using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Lifecycle.Stages;

/// <summary>Writes and reads a <see cref="CustomerState"/> in a versioned binary form, so a store restores a customer with one read instead of a replay.</summary>
/// <remarks>
/// <para><b>Format version 1</b> (little-endian; strings are a 7-bit-encoded UTF-8 byte length then the bytes, as
/// <see cref="BinaryWriter"/> writes them; an optional string is a bool then the string):</para>
/// <code>
/// "LCSS"            4 bytes magic
/// version           u16 = 1
/// customer id       string
/// stage             optional string: current stage id (absent before the first event)
/// stage entered, as of, last event, evaluated   4 × i64 UTC ticks
/// last event id     optional string
/// events            i32 count, then per event: id, customer id, i64 UTC ticks, i16 offset minutes, kind name,
///                   optional decimal amount, optional f64 score, i32 attribute count, (key, value) strings
/// journey           i32 count, then per transition: optional from, to, i64 UTC ticks, rule, optional event id
/// checksum          u64 FNV-1a of every byte before it
/// </code>
/// <para>The facts are not stored: they are folded again from the stored events (a pure fold, no rules fire), so
/// facts and events can never disagree. Stages are stored by id, so a snapshot survives adding stages to the model;
/// a stage the model no longer has is an error. Reading checks the magic, the version, the checksum and every
/// value; any problem throws <see cref="SnapshotFormatException"/> naming the snapshot and what is wrong.</para>
/// <para>Size grows with the customer's history (the events are kept for duplicate detection and re-folding).</para>
/// </remarks>
public static class CustomerStateSnapshot
{
    /// <summary>The format version this library writes (and the newest it reads).</summary>
    public const int FormatVersion = 1;

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

        using var stream = new MemoryStream(256 + (state.EventCount * 64));
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
            var events = state.Events;
            w.Write(events.Length);
            foreach (var e in events)
            {
                w.Write(e.Id);
                w.Write(e.CustomerId);
                w.Write(e.Timestamp.UtcTicks);
                w.Write((short)e.Timestamp.Offset.TotalMinutes);
                w.Write(e.Kind.Name);
                w.Write(e.Amount.HasValue);
                if (e.Amount is { } amount)
                {
                    w.Write(amount);
                }

                w.Write(e.Score.HasValue);
                if (e.Score is { } score)
                {
                    w.Write(score);
                }

                w.Write(e.Attributes.Count);
                foreach (var (key, value) in e.Attributes.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.Write(key);
                    w.Write(value);
                }
            }

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

    /// <summary>Restores a state written by <see cref="Write"/>.</summary>
    /// <param name="model">The model the state belongs to (the engine's model).</param>
    /// <param name="snapshot">The snapshot bytes.</param>
    /// <param name="source">What the snapshot is (for example "customer 'c1' in journeys.db"), named in errors.</param>
    /// <returns>The state, equal to the one written: same stage, facts, journey, events and instants.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="source"/> is null.</exception>
    /// <exception cref="SnapshotFormatException">The bytes are not a snapshot, are corrupt, come from a newer format version, or name a stage or event kind the model does not have.</exception>
    public static CustomerState Read(StageModel model, ReadOnlySpan<byte> snapshot, string source)
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

        var body = snapshot[..^sizeof(ulong)];
        var expected = BinaryPrimitives.ReadUInt64LittleEndian(snapshot[^sizeof(ulong)..]);
        if (Fnv1a(body) != expected)
        {
            throw new SnapshotFormatException(source, version, "is corrupt: its checksum does not match its content; restore the store from a backup or rebuild it from its events");
        }

        try
        {
            return ReadBody(model, body.ToArray(), source, version);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or FormatException or OverflowException)
        {
            throw new SnapshotFormatException(source, version, "is corrupt: " + e.Message, e);
        }
    }

    private static CustomerState ReadBody(StageModel model, byte[] body, string source, int version)
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
