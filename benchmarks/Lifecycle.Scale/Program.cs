using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Lifecycle;
using Lifecycle.Clv;
using Lifecycle.DuckDB;

// dotnet run -c Release --project benchmarks/Lifecycle.Scale -- generate TRANSACTIONS CUSTOMERS OUT.parquet
// dotnet run -c Release --project benchmarks/Lifecycle.Scale -- run IN.parquet [MEMORY_LIMIT_MIB] [summary]
if (args.Length >= 4 && args[0] == "generate")
{
    Generate(long.Parse(args[1], CultureInfo.InvariantCulture), long.Parse(args[2], CultureInfo.InvariantCulture), args[3]);
    return 0;
}

if (args.Length >= 2 && args[0] == "run")
{
    var limit = args.Length >= 3 ? long.Parse(args[2], CultureInfo.InvariantCulture) : 2048;
    Run(args[1], limit, args.Length >= 4 && args[3] == "summary");
    return 0;
}

Console.Error.WriteLine("usage: generate TRANSACTIONS CUSTOMERS OUT.parquet | run IN.parquet [MEMORY_LIMIT_MIB] [summary]");
return 2;

static void Generate(long transactions, long customers, string path)
{
    // Deterministic for any thread count: every value is a hash of the row number (seed = the second hash argument).
    // Customers are skewed (square of a uniform), so a few buy often and many once; dates span 2024; cents 1..20000.
    var sw = Stopwatch.StartNew();
    using var connection = new DuckDBConnection("DataSource=:memory:");
    connection.Open();
    using var command = connection.CreateCommand();
    command.CommandText = string.Create(CultureInfo.InvariantCulture, $"""
        COPY (
            SELECT 'c' || CAST(CAST(floor({customers} * pow(CAST(hash(i, 15) AS DOUBLE) / 18446744073709551616.0, 2)) AS BIGINT) AS VARCHAR) AS customer_id,
                   TIMESTAMP '2024-01-01' + to_microseconds(CAST(hash(i, 16) % (366 * 86400) AS BIGINT) * 1000000) AS date,
                   CAST(CAST(1 + hash(i, 17) % 20000 AS BIGINT) AS DECIMAL(18, 0)) / 100 AS amount
            FROM range({transactions}) t(i)
        ) TO '{path.Replace("'", "''", StringComparison.Ordinal)}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)
        """);
    command.ExecuteNonQuery();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generated {transactions:N0} transactions for up to {customers:N0} customers in {sw.Elapsed.TotalSeconds:F1} s: {path} ({new FileInfo(path).Length / 1e6:F0} MB)"));
}

static void Run(string path, long memoryLimitMiB, bool perCustomer)
{
    var options = new SummarizerOptions(new DateTimeOffset(2024, 12, 31, 0, 0, 0, TimeSpan.Zero))
    {
        CalibrationEnd = new DateTimeOffset(2024, 9, 30, 0, 0, 0, TimeSpan.Zero),
        Unit = TimeUnit.Weeks,
    };
    using var duck = new DuckDbSummarizer(new DuckDbEngineOptions { MemoryLimitBytes = memoryLimitMiB << 20 });
    var source = DuckDbSource.Parquet(path);
    var sw = Stopwatch.StartNew();
    var compressed = duck.SummarizeCompressed(source, options);
    var compressTime = sw.Elapsed;
    sw.Restart();
    var fit = BgNbdModel.Fit(compressed);
    var fitTime = sw.Elapsed;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"compressed rows: {compressed.Count:N0} for {compressed.TotalWeight:N0} customers in {compressTime.TotalSeconds:F2} s (includes the row checks pass)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"BG/NBD fit on compressed rows: {fitTime.TotalSeconds:F2} s, converged {fit.Converged}, LL {fit.LogLikelihood:F1}"));
    sw.Restart();
    var scoresPath = Path.ChangeExtension(path, ".scores.parquet");
    var scored = duck.Score(source, options, fit.Model, 13, scoresPath, ScoreFileFormat.Parquet);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scored {scored:N0} customers (P(alive), 13-week E[Y]) to Parquet in {sw.Elapsed.TotalSeconds:F2} s"));
    if (perCustomer)
    {
        sw.Restart();
        var summaries = duck.Summarize(source, options);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"per-customer summaries: {summaries.Count:N0} customers in {sw.Elapsed.TotalSeconds:F2} s; counts {summaries.Counts}"));
    }

    using var self = Process.GetCurrentProcess();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak working set {self.PeakWorkingSet64 / 1e6:F0} MB (DuckDB memory limit {memoryLimitMiB} MiB)"));
}
