namespace Lifecycle.Cli.Analyze;

/// <summary>Everything <c>lifecycle analyze</c> was asked to do.</summary>
internal sealed record AnalysisSettings
{
    public required TransactionSource Source { get; init; }

    public DateTimeOffset? ObservationEnd { get; init; }

    public DateTimeOffset? CalibrationEnd { get; init; }

    public TimeUnit Unit { get; init; } = TimeUnit.Days;

    /// <summary>Horizon of "expected purchases", in model time units.</summary>
    public double? Horizon { get; init; }

    /// <summary>CLV horizon in months.</summary>
    public int Months { get; init; } = 12;

    /// <summary>Discount rate per month.</summary>
    public double DiscountRate { get; init; } = 0.01;

    /// <summary>Profit margin applied to spend.</summary>
    public double Margin { get; init; } = 1.0;

    public Metrics.PeriodGranularity Period { get; init; } = Metrics.PeriodGranularity.Month;

    public int AtRiskDays { get; init; } = 90;

    public int ChurnedDays { get; init; } = 180;

    public double AliveThreshold { get; init; } = 0.3;

    public int Top { get; init; } = 20;

    /// <summary>Which transaction models to fit: auto (BG/NBD, plus Pareto/NBD when there is a holdout to choose by), bgnbd, pareto-nbd.</summary>
    public string Model { get; init; } = "auto";

    /// <summary>When false (the default) a transaction after an explicit --end is bad input; when true it is excluded and counted.</summary>
    public bool ExcludeAfterEnd { get; init; }

    public RefundPolicy Refunds { get; init; } = RefundPolicy.Reject;

    /// <summary>Model time units in one month (30 days, or 30/7 weeks).</summary>
    public double UnitsPerMonth => Unit == TimeUnit.Weeks ? 30.0 / 7.0 : 30.0;

    public double HorizonUnits => Horizon ?? (Unit == TimeUnit.Weeks ? 52.0 : 365.0);
}
