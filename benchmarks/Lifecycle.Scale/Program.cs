using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Lifecycle;
using Lifecycle.Clv;
using Lifecycle.DuckDB;

// dotnet run -c Release --project benchmarks/Lifecycle.Scale -- generate TRANSACTIONS CUSTOMERS OUT.parquet   (benchmarks/scripts/measure-scale.sh runs the sizes)
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
    // Deterministic for any thread count: every value is a hash of the row number or of the customer number, one
    // input per column (8·i + k): DuckDB's two-argument hash(i, seed) combines the hashes so weakly that two seeds of
    // one row are correlated (the first generator put each customer's purchases on one day). Customers are skewed (square of a uniform), so a few buy
    // often and many once. Each customer arrives on a day of 2024 (days 0..299) and stays an exponential lifetime
    // whose mean differs between customers (20 + 400·u² days; cut at the year's end); purchases fall uniformly in
    // that life, so dropout is visible and heterogeneous, and the models have an interior maximum. Amounts are DECIMAL(18, 2), 0.01..200.00, as money is stored in Parquet.
    var sw = Stopwatch.StartNew();
    using var connection = new DuckDBConnection("DataSource=:memory:");
    connection.Open();
    using var command = connection.CreateCommand();
    command.CommandText = string.Create(CultureInfo.InvariantCulture, $"""
        COPY (
            WITH rows AS (
                SELECT i, CAST(floor({customers} * pow(CAST(hash(i * 8 + 1) AS DOUBLE) / 18446744073709551616.0, 2)) AS BIGINT) AS c
                FROM range({transactions}) t(i)
            ), lives AS (
                SELECT i, c, CAST(hash(c * 8 + 2) % 300 AS BIGINT) AS birth,
                       LEAST(366 - CAST(hash(c * 8 + 2) % 300 AS BIGINT), -ln((CAST(hash(c * 8 + 3) AS DOUBLE) + 1) / 18446744073709551617.0) * (20 + 400 * pow(CAST(hash(c * 8 + 6) AS DOUBLE) / 18446744073709551616.0, 2))) AS life
                FROM rows
            )
            SELECT 'c' || CAST(c AS VARCHAR) AS customer_id,
                   TIMESTAMP '2024-01-01' + to_microseconds(birth * 86400000000 + CAST(floor(CAST(hash(i * 8 + 4) AS DOUBLE) / 18446744073709551616.0 * life * 86400) AS BIGINT) * 1000000) AS date,
                   CAST((1 + hash(i * 8 + 5) % 20000) / 100.0 AS DECIMAL(18, 2)) AS amount
            FROM lives
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
    using var self = Process.GetCurrentProcess();
    var sw = Stopwatch.StartNew();
    var cpu = TimeSpan.Zero;
    string Lap()
    {
        // Wall and process CPU (DuckDB's threads included) since the last lap: on a shared machine CPU is the steadier number.
        self.Refresh();
        var text = string.Create(CultureInfo.InvariantCulture, $"{sw.Elapsed.TotalSeconds:F2} s wall, {(self.TotalProcessorTime - cpu).TotalSeconds:F2} s CPU");
        cpu = self.TotalProcessorTime;
        sw.Restart();
        return text;
    }

    Lap();
    using var duck = new DuckDbSummarizer(new DuckDbEngineOptions { MemoryLimitBytes = memoryLimitMiB << 20 });
    var source = DuckDbSource.Parquet(path);
    var compressed = duck.SummarizeCompressed(source, options);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"summary + compressed rows: {compressed.Count:N0} rows for {compressed.TotalWeight:N0} customers in {Lap()} (includes the row checks pass)"));
    var fit = BgNbdModel.Fit(compressed);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"BG/NBD fit on compressed rows: {Lap()}, converged {fit.Converged}, LL {fit.LogLikelihood:F1}, r {fit.Model.R:G4} alpha {fit.Model.Alpha:G4} a {fit.Model.A:G4} b {fit.Model.B:G4}"));
    var scoresPath = Path.ChangeExtension(path, ".scores.parquet");
    var scored = duck.Score(source, options, fit.Model, 13, scoresPath, ScoreFileFormat.Parquet);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scored {scored:N0} customers (P(alive), 13-week E[Y]) to Parquet: {Lap()}"));
    File.Delete(scoresPath);
    if (perCustomer)
    {
        var summaries = duck.Summarize(source, options, order: StringComparer.Ordinal);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"per-customer summaries (ordinal id order): {summaries.Count:N0} customers in {Lap()}; counts {summaries.Counts}"));
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak working set {self.PeakWorkingSet64 / 1e6:F0} MB (DuckDB memory limit {memoryLimitMiB} MiB), load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
}
