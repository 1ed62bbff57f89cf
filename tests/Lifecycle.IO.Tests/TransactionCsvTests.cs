using System.Text;

namespace Lifecycle.IO.Tests;

public sealed class TransactionCsvTests
{
    private const string Header = "customer_id,date,amount\n";

    [Fact]
    public void ReadFile_ReadsRowsWithLinesColumnsAndOffsets()
    {
        var rows = Scratch.Transactions(Header + "a,2024-01-01,10.50\n\n \"b,c\" , 2024-01-02T23:30+09:00 ,1e3\n");
        Assert.Equal(2, rows.Count);
        Assert.Equal(new TransactionRecord("a", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), 10.50m, 2, 2), rows[0]);
        Assert.Equal("b,c", rows[1].CustomerId);
        Assert.Equal(TimeSpan.FromHours(9), rows[1].Timestamp.Offset);
        Assert.Equal(1000m, rows[1].Amount);
        Assert.Equal(4, rows[1].Line);
    }

    [Fact]
    public void ReadFile_QuotedFieldWithNewline_ReportsTheLineOfLaterRows()
    {
        var e = Scratch.Fails(Header + "\"a\nb\",2024-01-01,1\nc,2024-01-01,x\n");
        Assert.Equal(4, e.Line);
        Assert.Equal(3, e.Column);
    }

    [Fact]
    public void ReadFile_BomAtStart_IsSkipped()
    {
        var path = Scratch.File(Scratch.Bytes(new byte[] { 0xEF, 0xBB, 0xBF }, Header, "a,2024-01-01,1\n"));
        Assert.Equal("a", Assert.Single(TransactionCsv.ReadFile(path)).CustomerId);
    }

    [Fact]
    public void ReadFile_BomInTheMiddle_IsAnErrorWithItsLine()
    {
        var e = Scratch.Fails(Scratch.Bytes(Header, "a,2024-01-01,1\n", new byte[] { 0xEF, 0xBB, 0xBF }, "a,2024-01-02,1\n"));
        Assert.Equal(3, e.Line);
        Assert.Equal(1, e.Column);
        Assert.Contains("byte order mark (U+FEFF) is allowed only at the very start", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_InvalidUtf8_IsAnErrorWithLineAndByte()
    {
        var e = Scratch.Fails(Scratch.Bytes(Header, "ab", new byte[] { 0xC3, 0x28 }, ",2024-01-01,1\n"));
        Assert.StartsWith(e.Source + ":2:3: byte 0xC3 is not valid UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_TruncatedUtf8AtEnd_IsAnError()
    {
        var e = Scratch.Fails(Scratch.Bytes(Header, "a,2024-01-01,1\n", new byte[] { 0xE2, 0x82 }));
        Assert.Equal(3, e.Line);
        Assert.Contains("ends inside a UTF-8 sequence", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_TrailingNuls_AreAnError()
    {
        var e = Scratch.Fails(Scratch.Bytes(Header, "a,2024-01-01,1", new byte[] { 0, 0 }, "\n"));
        Assert.Equal(2, e.Line);
        Assert.Equal(15, e.Column);
        Assert.Contains("NUL", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MultibyteCharactersSplitAcrossEveryRead_AreDecoded()
    {
        var text = Header + "Zoë—北京🙂,2024-01-01,1\n";
        var rows = TransactionCsv.Read(new TrickleStream(Encoding.UTF8.GetBytes(text), 1), "trickle.csv").ToList();
        Assert.Equal("Zoë—北京🙂", Assert.Single(rows).CustomerId);
    }

    [Theory]
    [InlineData("customer_id,date,amount,Amount\n", 4, "duplicate column name 'Amount' (also column 3)")]
    [InlineData("customer_id,date,customer_id\n", 3, "duplicate column name 'customer_id' (also column 1)")]
    public void ReadFile_DuplicateColumnNames_AreRefused(string header, int column, string message)
    {
        var e = Scratch.Fails(header + "a,2024-01-01,1,2\n");
        Assert.Equal(1, e.Line);
        Assert.Equal(column, e.Column);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_HeaderOnly_IsEmpty()
    {
        Assert.Empty(Scratch.Transactions(Header));
    }

    [Fact]
    public void ReadFile_EmptyFile_IsAnError()
    {
        var e = Scratch.Fails(string.Empty);
        Assert.Contains(":1:1: the file is empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_AmountAbsent_IsZeroWhenNotRequired_AndNamedWhenRequired()
    {
        var rows = Scratch.Transactions("customer_id,date\na,2024-01-01\n", new TransactionCsvOptions { AmountRequired = false });
        Assert.Equal(0m, Assert.Single(rows).Amount);
        var e = Scratch.Fails("customer_id,date\na,2024-01-01\n", new TransactionCsvOptions { AmountColumnOption = "--amount-column" });
        Assert.Contains("missing column(s) 'amount'", e.Message, StringComparison.Ordinal);
        Assert.Contains("name its column with --amount-column", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a,2024-01-01,1,000.50", 4, "ragged row: 4 fields where the header has 3")]
    [InlineData("a,2024-01-01,\"1,000.50\"", 3, "'1,000.50' is not a number")]
    [InlineData("a,2024-01-01,$4", 3, "'$4' is not a number")]
    [InlineData("a,2024-01-01,NaN", 3, "'NaN' is not a number")]
    [InlineData("a,2024-01-01,Infinity", 3, "'Infinity' is not a number")]
    [InlineData("a,2024-01-01,1e29", 3, "'1e29' overflows an amount")]
    [InlineData("a,2024-01-01,79228162514264337593543950336", 3, "overflows an amount")]
    [InlineData("a,2024-01-01,-4", 3, "'-4' is negative and refunds are rejected")]
    [InlineData("a,12:00,1", 2, "'12:00' is not an ISO 8601")]
    [InlineData("a,Jan 5,1", 2, "'Jan 5' is not an ISO 8601")]
    [InlineData("a,3/4/2023,1", 2, "'3/4/2023' is not an ISO 8601")]
    [InlineData("a,9999-12-31T23:00-05:00,1", 2, "overflows")]
    [InlineData(",2024-01-01,1", 1, "column 'customer_id': '' is empty")]
    [InlineData("\"a\"b,2024-01-01,1", 1, "column 'customer_id': '\"a\"b' opens a quote that does not close at the end of the value")]
    public void ReadFile_BadValue_IsAnErrorNamingPositionValueRuleAndFix(string row, int column, string message)
    {
        var e = Scratch.Fails(Header + "a,2024-01-01,1\n" + row + "\n");
        Assert.StartsWith(e.Source + ":3:" + column + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", e.Message, StringComparison.Ordinal);
        Assert.Contains(';', e.Problem!); // rule; fix
    }

    [Fact]
    public void ReadFile_DateFormat_IsExact()
    {
        var options = new TransactionCsvOptions { Timestamps = TimestampParser.Exact("yyyyMMdd") };
        Assert.Single(Scratch.Transactions(Header + "a,19970101,1\n", options));
        var e = Scratch.Fails(Header + "a,1997-01-01,1\n", options);
        Assert.Contains("format 'yyyyMMdd'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_Missing_IsAnErrorNamingThePath()
    {
        var e = Assert.Throws<CsvReadException>(() => TransactionCsv.ReadFile("/nonexistent/x.csv").ToList());
        Assert.Contains("/nonexistent/x.csv: file not found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_GivesTheSameRowsAsRead()
    {
        var text = Header + string.Concat(Enumerable.Range(0, 5000).Select(i => $"c{i % 37},2024-01-{1 + (i % 28):00},{i}.25\n"));
        var path = Scratch.File(text);
        var sync = TransactionCsv.ReadFile(path).ToList();
        var list = new List<TransactionRecord>();
        await foreach (var r in TransactionCsv.ReadAsync(File.OpenRead(path), path, cancellationToken: TestContext.Current.CancellationToken))
        {
            list.Add(r);
        }

        Assert.Equal(sync, list);
        Assert.Equal(5000, list.Count);
    }

    [Fact]
    public void Read_Cancelled_Stops()
    {
        using var cts = new CancellationTokenSource();
        var path = Scratch.File(Header + "a,2024-01-01,1\nb,2024-01-01,1\n");
        var e = TransactionCsv.ReadFile(path, cancellationToken: cts.Token).GetEnumerator();
        Assert.True(e.MoveNext());
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => e.MoveNext());
        e.Dispose();
    }

    [Fact]
    public void ReadFile_Cdnow_ReadsTheWhitespaceLayout()
    {
        var rows = Scratch.Transactions("00001 1 19970101 1 11.77\n00002   2 19970112  2   89.00\n", new TransactionCsvOptions { Layout = TransactionLayout.Cdnow });
        Assert.Equal(["1", "2"], rows.Select(r => r.CustomerId));
        Assert.Equal(89.00m, rows[1].Amount);
        Assert.Equal(new DateTimeOffset(1997, 1, 12, 0, 0, 0, TimeSpan.Zero), rows[1].Timestamp);
    }
}
