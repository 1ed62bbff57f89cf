using System.Globalization;

namespace Lifecycle.IO.Tests;

public sealed class AtomicFileTests
{
    [Fact]
    public void WriteText_ReplacesTheTarget_AndLeavesNoTemporary()
    {
        var dir = Scratch.Directory();
        var target = Path.Combine(dir, "out.csv");
        File.WriteAllText(target, "old");
        AtomicFile.WriteText(target, w => w.Write("new"));
        Assert.Equal("new", File.ReadAllText(target));
        Assert.Equal(["out.csv"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void WriteText_FailureHalfway_LeavesTheOldContentAndNoTemporary()
    {
        var dir = Scratch.Directory();
        var target = Path.Combine(dir, "out.csv");
        File.WriteAllText(target, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.WriteText(target, w =>
        {
            w.Write(new string('x', 1 << 20));
            throw new InvalidOperationException("boom");
        }));
        Assert.Equal("old", File.ReadAllText(target));
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public void Begin_WithoutCommit_ChangesNothing()
    {
        var dir = Scratch.Directory();
        var target = Path.Combine(dir, "out.csv");
        using (var pending = AtomicFile.Begin(target))
        {
            pending.Stream.Write([1, 2, 3]);
        }

        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public void Begin_MissingDirectoryOrDirectoryTarget_Throws()
    {
        var dir = Scratch.Directory();
        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.Begin(Path.Combine(dir, "no", "out.csv")));
        Assert.Throws<IOException>(() => AtomicFile.Begin(dir));
    }

    [Fact]
    public void RemoveStale_DeletesTemporariesOfDeadProcessesOnly()
    {
        var dir = Scratch.Directory();
        // Process ids are below 2^22 on Linux; int.MaxValue never runs.
        var dead = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $".out.csv.{int.MaxValue}-1.tmp"));
        var mine = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $".out.csv.{Environment.ProcessId}-1.tmp"));
        File.WriteAllText(dead, "partial");
        File.WriteAllText(mine, "in progress");
        Assert.Equal(1, AtomicFile.RemoveStale(dir, "out.csv"));
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(mine));
    }
}
