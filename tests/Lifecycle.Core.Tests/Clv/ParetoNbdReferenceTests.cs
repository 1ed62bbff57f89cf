using System.Globalization;
using System.Reflection;
using Lifecycle.Clv;

namespace Lifecycle.Tests.Clv;

/// <summary>Pareto/NBD against the mpmath table References/pareto_nbd_reference.csv (generate_pareto_nbd.py, 40 digits).</summary>
/// <remarks>
/// The table covers the corners of the parameter space (r 0.05–1e4, α and β 1e-3–1e6, s 0.05–1e6, x up to 1e6, T 1e-6–1e5,
/// horizons 1e-9–1e4) and interior day-scale and CDNOW points. Each quantity has its own tolerance, stated with its reason.
/// Values below 1e-290 in the table are below double's normal range: the library must then return a value at most 1e-290.
/// </remarks>
public sealed class ParetoNbdReferenceTests(ITestOutputHelper output)
{
    private static readonly Lazy<Row[]> Table = new(Load);

    public static TheoryData<string> Quantities => ["ll", "palive", "palive_at", "ex", "ey", "pxn", "dert"];

    [Theory]
    [MemberData(nameof(Quantities))]
    public void Prediction_MatchesMpmathTable(string quantity)
    {
        // Measured worst relative errors over the 247 rows (2026-12-04): ll 6.9e-14 (absolute where |ll| < 1e-3), palive,
        // palive_at, ey and dert 1.0e-13, pxn 1.7e-14, ex 1.1e-15. Tolerances leave ~10x headroom:
        // ll 1e-12 relative or 1e-13 absolute: ln L is a sum of a few log1p terms; near ln L = 0 (a probability near 1) only
        //   absolute accuracy is meaningful (the terms are ~10, so ~1e-15). palive, palive_at, ey, dert: 1e-12 relative:
        //   P(alive) = 1/(1+e^D) carries D's absolute error ~1e-16 |D| with |D| up to ~1e3 in the table; ey and dert add the
        //   1e-13 quadrature. ex: 1e-14 (closed form with expm1/log1p). pxn: 1e-12 relative or 1e-15 absolute (Gauss–Kronrod at
        //   1e-13 per panel; the absolute part is for probabilities that are sums of two underflowing pieces).
        var (relative, absolute) = quantity switch
        {
            "ll" => (1e-12, 1e-13),
            "ex" => (1e-14, 0.0),
            "pxn" => (1e-12, 1e-15),
            _ => (1e-12, 0.0),
        };
        var failures = new List<string>();
        var worst = 0.0;
        foreach (var row in Table.Value)
        {
            var model = new ParetoNbdModel(row.R, row.Alpha, row.S, row.Beta, TimeUnit.Days);
            var expected = row.Values[quantity];
            double actual;
            try
            {
                actual = Evaluate(model, row, quantity);
            }
            catch (ArgumentException ex)
            {
                failures.Add($"{row}: threw {ex.Message}");
                continue;
            }

            var ok = expected < 1e-290 && expected >= 0
                ? actual >= 0 && actual <= 1e-290
                : Math.Abs(actual - expected) <= Math.Max(absolute, relative * Math.Abs(expected));
            if (Math.Abs(expected) >= 1e-290)
            {
                worst = Math.Max(worst, Math.Abs((actual / expected) - 1));
            }

            if (!ok || !double.IsFinite(actual))
            {
                failures.Add(FormattableString.Invariant($"{row}: expected {expected:R}, got {actual:R}"));
            }
        }

        output.WriteLine(FormattableString.Invariant($"{quantity}: worst relative error {worst:E2} over {Table.Value.Length} rows"));
        Assert.True(failures.Count == 0, FormattableString.Invariant($"{failures.Count} of {Table.Value.Length} rows off for {quantity} (worst relative {worst:E2}):\n") + string.Join("\n", failures.Take(30)));
    }

    private static double Evaluate(ParetoNbdModel model, Row row, string quantity) => quantity switch
    {
        "ll" => model.LogLikelihood(row.X, row.Tx, row.T),
        "palive" => model.ProbabilityAlive(row.X, row.Tx, row.T),
        "palive_at" => model.ProbabilityAliveAt(row.Horizon, row.X, row.Tx, row.T),
        "ex" => model.ExpectedTransactions(row.Horizon),
        "ey" => model.ConditionalExpectedTransactions(row.Horizon, row.X, row.Tx, row.T),
        "pxn" => model.ProbabilityOfTransactions(row.Count, row.Horizon),
        "dert" => model.DiscountedExpectedResidualTransactions(row.Delta, row.X, row.Tx, row.T),
        _ => throw new ArgumentOutOfRangeException(nameof(quantity), quantity, "unknown quantity"),
    };

    private static Row[] Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("References.pareto_nbd_reference.csv")
            ?? throw new FileNotFoundException("Embedded reference table not found: pareto_nbd_reference.csv");
        using var reader = new StreamReader(stream);
        var rows = new List<Row>();
        string[]? header = null;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var cells = line.Split(',');
            if (header is null)
            {
                header = cells;
                continue;
            }

            var v = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var i = 0; i < cells.Length; i++)
            {
                v[header[i]] = double.Parse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture);
            }

            rows.Add(new Row(v["r"], v["alpha"], v["s"], v["beta"], v["x"], v["tx"], v["T"], v["t"], (int)v["n"], v["delta"], v));
        }

        Assert.True(rows.Count > 240, "the reference table is incomplete");
        return [.. rows];
    }

    private sealed record Row(double R, double Alpha, double S, double Beta, double X, double Tx, double T, double Horizon, int Count, double Delta, Dictionary<string, double> Values)
    {
        public override string ToString() => FormattableString.Invariant($"(r {R:G4}, α {Alpha:G4}, s {S:G4}, β {Beta:G4}; x {X}, t_x {Tx:G6}, T {T:G6}; t {Horizon:G3}, n {Count}, δ {Delta:G3})");
    }
}
