using System.Buffers.Binary;
using FsCheck.Xunit;
using Lifecycle.Stages;
using Lifecycle.Tests.Arbitraries;

namespace Lifecycle.Tests.Stages;

public sealed class CustomerStateSnapshotTests
{
    private static readonly StageModel Model = StageModels.ReachToLoyalty();
    private static readonly LifecycleEngine Engine = new(Model, OutOfOrderPolicy.Refold);

    private static CustomerState Shuffled(CustomerHistory history)
    {
        var shuffled = history.Events.ToArray();
        new Random(history.ShuffleSeed).Shuffle(shuffled);
        var s = Engine.Start("c1");
        foreach (var e in shuffled)
        {
            s = Engine.Apply(s, e).State;
        }

        // Half the histories are also evaluated, so EvaluatedTicks and time-rule transitions are in the snapshot.
        return history.ShuffleSeed % 2 == 0 ? Engine.Evaluate(s, history.Events[^1].Timestamp.AddDays(200)).State : s;
    }

    private static bool Same(in CustomerState a, in CustomerState b) =>
        a.CustomerId == b.CustomerId && a.Facts == b.Facts && a.CurrentStage == b.CurrentStage && a.StageEnteredAt == b.StageEnteredAt && a.AsOf == b.AsOf
        && a.EventCount == b.EventCount && a.Journey.SequenceEqual(b.Journey)
        && a.Events.ToArray().Zip(b.Events.ToArray()).All(p => p.First.Id == p.Second.Id && p.First.SameContent(p.Second) && p.First.Timestamp.Offset == p.Second.Timestamp.Offset)
        && a.LastEventId == b.LastEventId && a.LastEventTicks == b.LastEventTicks && a.EvaluatedTicks == b.EvaluatedTicks;

    [Property(Arbitrary = [typeof(StagesArbitraries)])]
    public bool ReadWrite_AnyState_RestoresTheSameStateAndBytes(CustomerHistory history)
    {
        var state = Shuffled(history);
        var bytes = CustomerStateSnapshot.Write(state);
        var restored = CustomerStateSnapshot.Read(Model, bytes, state.Events.ToArray().Reverse().ToArray(), "test");
        return Same(state, restored) && CustomerStateSnapshot.Write(restored).AsSpan().SequenceEqual(bytes);
    }

    [Property(Arbitrary = [typeof(StagesArbitraries)])]
    public bool ReadVersion1_AnyState_RestoresTheSameState(CustomerHistory history)
    {
        // Stores written before format version 2 hold self-contained snapshots; they are still read.
        var state = Shuffled(history);
        var restored = CustomerStateSnapshot.Read(Model, WriteVersion1(state), "test");
        return Same(state, restored) && CustomerStateSnapshot.VersionOf(WriteVersion1(state)) == 1;
    }

    [Property(Arbitrary = [typeof(StagesArbitraries)])]
    public bool Restore_Version1FromAMigratedStore_IgnoresTheContentlessEventRows(CustomerHistory history)
    {
        // A store migrated from schema 1 holds version 1 snapshots and events rows without content (no amount on a
        // purchase): the snapshot carries its events, so restoring must not rebuild events from those rows (it threw
        // "a purchase without an amount" on the first commit after the migration).
        var state = Shuffled(history);
        var rows = state.Events.ToArray().Select(e => new Lifecycle.Store.StoredEvent(e.Id, e.Timestamp, e.Kind.Name)).ToArray();
        var stored = new Lifecycle.Store.StoredState(state.CustomerId, 1, WriteVersion1(state)) { Events = rows };
        return Same(state, stored.Restore(Model, "test"));
    }

    [Property(Arbitrary = [typeof(StagesArbitraries)])]
    public bool Write_SizeDoesNotGrowWithTheEvents(CustomerHistory history)
    {
        // The point of version 2: the bytes are the state and its journey, whatever the number of events.
        var state = Shuffled(history);
        return CustomerStateSnapshot.Write(state).Length <= 260 + (state.Journey.Length * 64);
    }

    [Property(Arbitrary = [typeof(StagesArbitraries)])]
    public bool Read_ThenFoldingOn_EqualsFoldingTheOriginal(CustomerHistory history)
    {
        // A restart in the middle of a stream: restore from the snapshot of the first half, fold the rest (late events included).
        var half = history.Events.Count / 2;
        var first = Engine.Start("c1");
        foreach (var e in history.Events.Take(half))
        {
            first = Engine.Apply(first, e).State;
        }

        var restored = CustomerStateSnapshot.Read(Model, CustomerStateSnapshot.Write(first), first.Events.ToArray(), "test");
        var rest = history.Events.Skip(half).Reverse().Concat(history.Events.Take(2)).ToArray();
        foreach (var e in rest)
        {
            first = Engine.Apply(first, e).State;
            restored = Engine.Apply(restored, e).State;
        }

        var asOf = history.Events.Max(e => e.Timestamp).AddDays(400);
        return Same(first, restored) && Same(Engine.Evaluate(first, asOf).State, Engine.Evaluate(restored, asOf).State);
    }

    /// <summary>The format version 1 writer, as it was (docs: CustomerStateSnapshot remarks): the reference for reading old stores.</summary>
    private static byte[] WriteVersion1(in CustomerState state)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            void Optional(string? v)
            {
                w.Write(v is not null);
                if (v is not null)
                {
                    w.Write(v);
                }
            }

            w.Write("LCSS"u8);
            w.Write((ushort)1);
            w.Write(state.CustomerId);
            Optional(state.CurrentStage?.Id);
            w.Write(state.StageEnteredTicks);
            w.Write(state.AsOfTicks);
            w.Write(state.LastEventTicks);
            w.Write(state.EvaluatedTicks);
            Optional(state.LastEventId);
            w.Write(state.EventCount);
            foreach (var e in state.Events)
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

            w.Write(state.Journey.Length);
            foreach (var t in state.Journey)
            {
                Optional(t.From);
                w.Write(t.To);
                w.Write(t.At.UtcTicks);
                w.Write(t.Rule);
                Optional(t.EventId);
            }
        }

        var body = stream.ToArray();
        var hash = 14695981039346656037UL;
        foreach (var b in body)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        var result = new byte[body.Length + 8];
        body.CopyTo(result, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(body.Length), hash);
        return result;
    }

    private static CustomerState SampleState()
    {
        var s = Engine.Start("c1");
        s = Engine.Apply(s, LifecycleEvent.Touch("t1", "c1", StageTestKit.Day(0))).State;
        s = Engine.Apply(s, new LifecycleEvent("p1", "c1", StageTestKit.Day(3).ToOffset(TimeSpan.FromHours(9)), EventKind.Purchase, 12.5m, attributes: new Dictionary<string, string> { ["channel"] = "web" })).State;
        s = Engine.Apply(s, LifecycleEvent.Nps("n1", "c1", StageTestKit.Day(5), 10)).State;
        return Engine.Evaluate(s, StageTestKit.Day(300)).State;
    }

    private static byte[] Sample() => CustomerStateSnapshot.Write(SampleState());

    private static LifecycleEvent[] SampleEvents() => SampleState().Events.ToArray();

    [Fact]
    public void Read_AnySingleByteChanged_ThrowsSnapshotFormatExceptionNamingTheSnapshot()
    {
        var bytes = Sample();
        for (var i = 0; i < bytes.Length; i++)
        {
            var corrupt = (byte[])bytes.Clone();
            corrupt[i] ^= 0x5A;
            var e = Assert.Throws<SnapshotFormatException>(() => CustomerStateSnapshot.Read(Model, corrupt, SampleEvents(), "customer 'c1' in test.db"));
            Assert.StartsWith("customer 'c1' in test.db ", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_Truncated_ThrowsSnapshotFormatException()
    {
        var bytes = Sample();
        for (var n = 0; n < bytes.Length; n += 7)
        {
            Assert.Throws<SnapshotFormatException>(() => CustomerStateSnapshot.Read(Model, bytes.AsSpan(0, n), SampleEvents(), "s"));
        }
    }

    [Fact]
    public void Read_FutureVersion_ThrowsNamingBothVersions()
    {
        var bytes = Sample();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 3);
        var e = Assert.Throws<SnapshotFormatException>(() => CustomerStateSnapshot.Read(Model, bytes, SampleEvents(), "customer 'c1' in j.db"));
        Assert.Equal("customer 'c1' in j.db has format version 3, but this library reads versions 1 to 2; upgrade Lifecycle.Core to read it (or rebuild the store from its events).", e.Message);
        Assert.Equal(3, e.Version);
    }

    [Fact]
    public void Read_Version2WithoutEvents_SaysToPassThem()
    {
        var e = Assert.Throws<SnapshotFormatException>(() => CustomerStateSnapshot.Read(Model, Sample(), "customer 'c1' in j.db"));
        Assert.Equal("customer 'c1' in j.db has format version 2, which keeps the customer's events apart; read it with CustomerStateSnapshot.Read(model, snapshot, events, source), passing the events the store holds for the customer.", e.Message);
    }

    [Fact]
    public void Read_EventsThatAreNotTheOnesItReflects_ThrowsNamingBothCounts()
    {
        var e = Assert.Throws<SnapshotFormatException>(() => CustomerStateSnapshot.Read(Model, Sample(), SampleEvents()[1..], "customer 'c1' in j.db"));
        Assert.Equal("customer 'c1' in j.db reflects 3 events, but 2 were given with it; pass every event the store holds for the customer (the snapshot and the events table disagree: restore the store from a backup).", e.Message);
    }

    [Fact]
    public void Read_WithAModelWithoutTheStage_ThrowsNamingTheStage()
    {
        var e = Assert.Throws<SnapshotFormatException>(() => CustomerStateSnapshot.Read(StageModels.AwarenessToAdvocacy(), Sample(), SampleEvents(), "s"));
        Assert.Contains("names stage 'Churned', which the model does not have", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NotASnapshot_Throws()
    {
        var e = Assert.Throws<SnapshotFormatException>(() => CustomerStateSnapshot.Read(Model, "hello, world"u8, SampleEvents(), "s"));
        Assert.Contains("is not a customer state snapshot", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StoredForm_KeepsOffsetsAmountsAndAttributes()
    {
        // The store's form: a version-2 snapshot and the events as StoredEvent rows.
        var stored = new Lifecycle.Store.StoredState("c1", 1, Sample()) { Events = [.. SampleEvents().Select(Lifecycle.Store.StoredEvent.From)] };
        var restored = stored.Restore(Model, "s");
        var p = restored.Events.ToArray().Single(e => e.Id == "p1");
        Assert.Equal(TimeSpan.FromHours(9), p.Timestamp.Offset);
        Assert.Equal(12.5m, p.Amount);
        Assert.Equal("web", p.Attributes["channel"]);
        Assert.Equal("Churned", restored.CurrentStage!.Value.Id);
        Assert.Equal(StageTestKit.Day(300), restored.AsOf);
    }
}
