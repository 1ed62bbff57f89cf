using BenchmarkDotNet.Attributes;
using Lifecycle.Metrics;

namespace Lifecycle.Benchmarks;

/// <summary>Cohort matrix, churn report and Kaplan–Meier over seeded synthetic transactions (10 per customer on average, two years).</summary>
[MemoryDiagnoser]
public class MetricsBenchmarks
{
    private static readonly DateTimeOffset End = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Transaction<long>[] LongSpan =
    [
        new(1, new DateTimeOffset(1, 1, 2, 0, 0, 0, TimeSpan.Zero), 10m),
        new(2, new DateTimeOffset(2500, 6, 30, 0, 0, 0, TimeSpan.Zero), 20m),
    ];
    private Transaction<long>[] _transactions = [];
    private SurvivalObservation[] _lifetimes = [];
    private readonly PeriodCalendar _months = new(PeriodGranularity.Month);
    private readonly PeriodCalendar _weeks = new(PeriodGranularity.Week);
    private readonly InactivityChurn<long> _churn = new(TimeSpan.FromDays(90));

    [ParamsSource(nameof(Sizes))]
    public int Transactions { get; set; }

    public static IEnumerable<int> Sizes => BenchmarkSizes.Of(1_000_000, 10_000_000);

    [GlobalSetup]
    public void Setup()
    {
        _transactions = SyntheticData.Transactions(Transactions, customers: Transactions / 10, seed: 42);
        _lifetimes = ChurnAnalysis.Analyze<long>(_transactions, _months, End, _churn).Lifetimes(TimeUnit.Days);
    }

    /// <summary>Purchase-based monthly cohort matrix (customers and revenue): the baseline.</summary>
    [Benchmark(Baseline = true)]
    public int CohortMatrixMonthly() => CohortMatrix.FromTransactions<long>(_transactions, _months, End).TotalCustomers;

    /// <summary>The same table by ISO week (105 cohorts × up to 105 ages).</summary>
    [Benchmark]
    public int CohortMatrixWeekly() => CohortMatrix.FromTransactions<long>(_transactions, _weeks, End).TotalCustomers;

    /// <summary>Two purchases 2,500 years apart: 29,994 monthly cohorts, held sparse (a dense triangle would be 450M cells).</summary>
    [Benchmark]
    public int CohortMatrixLongSpan() => CohortMatrix.FromTransactions<long>(LongSpan, _months, new DateTimeOffset(2500, 7, 1, 0, 0, 0, TimeSpan.Zero)).TotalCustomers;

    /// <summary>Monthly churn report with a 90-day inactivity window (spells, counts, revenue movements).</summary>
    [Benchmark]
    public int ChurnReportMonthly() => ChurnAnalysis.Analyze<long>(_transactions, _months, End, _churn).SpellCount;

    /// <summary>Kaplan–Meier with Greenwood intervals on the customers' lifetimes (one per customer, precomputed).</summary>
    [Benchmark]
    public int KaplanMeierFit() => KaplanMeier.Fit(_lifetimes).Count;

    /// <summary>From transactions to the survival curve: churn spells, lifetimes, Kaplan–Meier.</summary>
    [Benchmark]
    public double? TransactionsToSurvivalCurve() =>
        KaplanMeier.Fit(ChurnAnalysis.Analyze<long>(_transactions, _months, End, _churn).Lifetimes(TimeUnit.Days)).MedianLifetime;
}
