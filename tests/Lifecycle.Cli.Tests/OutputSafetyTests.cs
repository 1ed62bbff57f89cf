using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Lifecycle.Cli.Tests;

/// <summary>Issue 14: strict input through the CLI, and outputs that are complete or untouched, never partial.</summary>
public sealed class OutputSafetyTests
{
    private const string Transactions = "customer_id,date,amount\na,2024-01-01,10\na,2024-01-05,5\nb,2024-01-03,7\n";

    [Fact]
    public void Summarize_OutEqualToInput_IsExit2AndLeavesTheInput()
    {
        var input = CliRunner.TempFile(Transactions);
        var (code, _, error) = CliRunner.Run("summarize", input, "--out", input);
        Assert.Equal(2, code);
        Assert.Contains("is also an input of this command", error, StringComparison.Ordinal);
        Assert.Equal(Transactions, File.ReadAllText(input));
    }

    [Fact]
    public void Summarize_OutInMissingDirectoryOrADirectory_IsExit2()
    {
        var input = CliRunner.TempFile(Transactions);
        var dir = CliRunner.TempDirectory();
        var (code, _, error) = CliRunner.Run("summarize", input, "--out", Path.Combine(dir, "missing", "s.csv"));
        Assert.Equal(2, code);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
        (code, _, error) = CliRunner.Run("summarize", input, "--out", dir);
        Assert.Equal(2, code);
        Assert.Contains("is a directory", error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Theory]
    [InlineData("customer_id,date,amount\na,2024-01-01,10\na,12:00,1\n", ":3:2:", "'12:00' is not an ISO 8601")]
    [InlineData("customer_id,date,amount\na,2024-01-01,1e30\n", ":2:3:", "overflows an amount")]
    [InlineData("customer_id,date,amount,amount\na,2024-01-01,1,2\n", ":1:4:", "duplicate column name 'amount'")]
    [InlineData("customer_id,date,amount\na,2024-01-01,1\u0000\n", ":2:15:", "NUL")]
    public void Summarize_BadInput_IsExit2WithPosition_AndTheExistingOutIsUnchanged(string content, string position, string message)
    {
        var input = CliRunner.TempFile(content);
        var dir = CliRunner.TempDirectory();
        var output = Path.Combine(dir, "s.csv");
        File.WriteAllText(output, "previous");
        var (code, _, error) = CliRunner.Run("summarize", input, "--out", output);
        Assert.Equal(2, code);
        Assert.Contains(input + position, error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error, StringComparison.Ordinal);
        Assert.Equal("previous", File.ReadAllText(output));
        Assert.Equal(["s.csv"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Summarize_InvalidUtf8_IsExit2WithLine()
    {
        var input = CliRunner.TempFile(string.Empty);
        File.WriteAllBytes(input, [.. Encoding.UTF8.GetBytes("customer_id,date,amount\na"), 0xFF, .. Encoding.UTF8.GetBytes(",2024-01-01,1\n")]);
        var (code, output, error) = CliRunner.Run("summarize", input);
        Assert.Equal(2, code);
        Assert.Contains(input + ":2:2: byte 0xFF is not valid UTF-8", error, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public void Summarize_EndAsTimeOfDayOrUsDate_IsExit2()
    {
        var input = CliRunner.TempFile(Transactions);
        foreach (var end in new[] { "12:00", "3/4/2023", "Jan 5" })
        {
            var (code, _, error) = CliRunner.Run("summarize", input, "--end", end);
            Assert.Equal(2, code);
            Assert.Contains("--end '" + end + "' is not an ISO 8601", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Summarize_WithoutAmountColumn_Summarizes()
    {
        var input = CliRunner.TempFile("customer_id,date\na,2024-01-01\na,2024-01-05\n");
        var (code, output, _) = CliRunner.Run("summarize", input);
        Assert.Equal(0, code);
        Assert.StartsWith("a,1,4,4,0,", output.Split('\n')[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Summarize_TwoPurchasesOnOneTokyoDay_AreOnePeriod()
    {
        // 08:00 and 23:30 in Tokyo are 23:00 on 29 Feb and 14:30 on 1 Mar in UTC: one calendar day of their own offset.
        var input = CliRunner.TempFile("customer_id,date,amount\na,2024-03-01T08:00+09:00,1\na,2024-03-01T23:30+09:00,2\n");
        var (code, output, _) = CliRunner.Run("summarize", input);
        Assert.Equal(0, code);
        Assert.StartsWith("a,0,0,0,0,", output.Split('\n')[1], StringComparison.Ordinal);
        // With --time-zone UTC the same instants fall on two UTC days.
        (code, output, _) = CliRunner.Run("summarize", input, "--time-zone", "UTC");
        Assert.Equal(0, code);
        Assert.StartsWith("a,1,1,1,2,", output.Split('\n')[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Summarize_NegativeNumberId_IsNotDefused_FormulaIdIs()
    {
        var input = CliRunner.TempFile("customer_id,date,amount\n-3,2024-01-01,1\n=1+2,2024-01-01,1\n");
        var (code, output, _) = CliRunner.Run("summarize", input);
        Assert.Equal(0, code);
        var ids = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]).ToArray();
        Assert.Contains("-3", ids);
        Assert.Contains("'=1+2", ids);
    }

    [Fact]
    public void Fit_HeaderOnly_SaysNothingToFit()
    {
        var input = CliRunner.TempFile("customer_id,frequency,recency,T\n");
        var (code, _, error) = CliRunner.Run("fit", input, "--model", "bgnbd");
        Assert.Equal(2, code);
        Assert.Contains(input + ":2:1: nothing to fit", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_Bgbb_BadInput_LeavesTheExistingOutUntouched()
    {
        var dir = CliRunner.TempDirectory();
        var model = Path.Combine(dir, "bgbb.json");
        File.WriteAllText(model, "{\"model\":\"bgbb\",\"unit\":\"days\",\"parameters\":{\"alpha\":1.2,\"beta\":0.75,\"gamma\":0.66,\"delta\":2.78}}");
        var input = Path.Combine(dir, "d.csv");
        File.WriteAllText(input, "frequency,recency,periods\n1,x,6\n");
        var output = Path.Combine(dir, "p.csv");
        File.WriteAllText(output, "previous");
        var (code, _, error) = CliRunner.Run("predict", input, "--model-file", model, "--horizon", "5", "--out", output);
        Assert.Equal(2, code);
        Assert.Contains(input + ":2:2:", error, StringComparison.Ordinal);
        Assert.Equal("previous", File.ReadAllText(output));
        Assert.Equal(3, Directory.GetFiles(dir).Length);
        (code, _, _) = CliRunner.Run("predict", input, "--model-file", model, "--horizon", "5", "--out", input);
        Assert.Equal(2, code);
        Assert.Equal("frequency,recency,periods\n1,x,6\n", File.ReadAllText(input));
    }

    /// <summary>
    /// kill -9 at several points of a summarize that replaces an existing --out: afterwards the file is the old content
    /// or the complete new summary, never a cut one; the next run removes the killed run's temporary file.
    /// </summary>
    [Fact]
    public void Summarize_KilledAtAnyPoint_LeavesOldOrCompleteOutput()
    {
        var dir = CliRunner.TempDirectory();
        var input = Path.Combine(dir, "t.csv");
        var text = new StringBuilder("customer_id,date,amount\n");
        for (var i = 0; i < 300_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i % 50_000},2024-01-{1 + (i % 28):00},{i % 97}.5\n");
        }

        File.WriteAllText(input, text.ToString());
        var output = Path.Combine(dir, "s.csv");
        Assert.Equal(0, CliRunner.Run("summarize", input, "--out", output).ExitCode);
        var complete = File.ReadAllText(output);
        File.WriteAllText(output, "previous");
        var tool = Path.Combine(AppContext.BaseDirectory, "lifecycle.dll");
        var outcomes = new HashSet<string>();
        foreach (var delay in new[] { 150, 400, 700, 1000, 1500, 2500 })
        {
            using var process = Process.Start(new ProcessStartInfo("dotnet", [tool, "summarize", input, "--out", output]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            Thread.Sleep(delay);
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            var now = File.ReadAllText(output);
            Assert.True(now == "previous" || now == complete, $"after a kill at {delay} ms the output has {now.Length} characters: neither the old nor the complete file");
            outcomes.Add(now == complete ? "complete" : "previous");
        }

        Assert.Equal(0, CliRunner.Run("summarize", input, "--out", output).ExitCode);
        Assert.Equal(complete, File.ReadAllText(output));
        Assert.Equal(["s.csv", "t.csv"], Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
