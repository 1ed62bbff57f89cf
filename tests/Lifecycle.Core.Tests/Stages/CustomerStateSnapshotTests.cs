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
        var restored = CustomerStateSnapshot.Read(Model, bytes, "test");
        return Same(state, restored) && CustomerStateSnapshot.Write(restored).AsSpan().SequenceEqual(bytes);
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

        var restored = CustomerStateSnapshot.Read(Model, CustomerStateSnapshot.Write(first), "test");
        var rest = history.Events.Skip(half).Reverse().Concat(history.Events.Take(2)).ToArray();
        foreach (var e in rest)
        {
            first = Engine.Apply(first, e).State;
            restored = Engine.Apply(restored, e).State;
        }

        var asOf = history.Events.Max(e => e.Timestamp).AddDays(400);
        return Same(first, restored) && Same(Engine.Evaluate(first, asOf).State, Engine.Evaluate(restored, asOf).State);
    }

    private static byte[] Sample()
    {
        var s = Engine.Start("c1");
        s = Engine.Apply(s, LifecycleEvent.Touch("t1", "c1", StageTestKit.Day(0))).State;
        s = Engine.Apply(s, new LifecycleEvent("p1", "c1", StageTestKit.Day(3).ToOffset(TimeSpan.FromHours(9)), EventKind.Purchase, 12.5m, attributes: new Dictionary<string, string> { ["channel"] = "web" })).State;
        s = Engine.Apply(s, LifecycleEvent.Nps("n1", "c1", StageTestKit.Day(5), 10)).State;
        return CustomerStateSnapshot.Write(Engine.Evaluate(s, StageTestKit.Day(300)).State);
    }

    [Fact]
    public void Read_AnySingleByteChanged_ThrowsSnapshotFormatExceptionNamingTheSnapshot()
    {
        var bytes = Sample();
        for (var i = 0; i < bytes.Length; i++)
        {
            var corrupt = (byte[])bytes.Clone();
            corrupt[i] ^= 0x5A;
            var e = Assert.Throws<SnapshotFormatException>(() => CustomerStateSnapshot.Read(Model, corrupt, "customer 'c1' in test.db"));
            Assert.StartsWith("customer 'c1' in test.db ", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_Truncated_ThrowsSnapshotFormatException()
    {
        var bytes = Sample();
        for (var n = 0; n < bytes.Length; n += 7)
        {
            Assert.Throws<SnapshotFormatException>(() => CustomerStateSnapshot.Read(Model, bytes.AsSpan(0, n), "s"));
        }
    }

    [Fact]
    public void Read_FutureVersion_ThrowsNamingBothVersions()
    {
        var bytes = Sample();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 2);
        var e = Assert.Throws<SnapshotFormatException>(() => CustomerStateSnapshot.Read(Model, bytes, "customer 'c1' in j.db"));
        Assert.Equal("customer 'c1' in j.db has format version 2, but this library reads versions 1 to 1; upgrade Lifecycle.Core to read it (or rebuild the store from its events).", e.Message);
        Assert.Equal(2, e.Version);
    }

    [Fact]
    public void Read_WithAModelWithoutTheStage_ThrowsNamingTheStage()
    {
        var e = Assert.Throws<SnapshotFormatException>(() => CustomerStateSnapshot.Read(StageModels.AwarenessToAdvocacy(), Sample(), "s"));
        Assert.Contains("names stage 'Churned', which the model does not have", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NotASnapshot_Throws()
    {
        var e = Assert.Throws<SnapshotFormatException>(() => CustomerStateSnapshot.Read(Model, "hello, world"u8, "s"));
        Assert.Contains("is not a customer state snapshot", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_KeepsOffsetsAmountsAndAttributes()
    {
        var restored = CustomerStateSnapshot.Read(Model, Sample(), "s");
        var p = restored.Events.ToArray().Single(e => e.Id == "p1");
        Assert.Equal(TimeSpan.FromHours(9), p.Timestamp.Offset);
        Assert.Equal(12.5m, p.Amount);
        Assert.Equal("web", p.Attributes["channel"]);
        Assert.Equal("Churned", restored.CurrentStage!.Value.Id);
        Assert.Equal(StageTestKit.Day(300), restored.AsOf);
    }
}
