using Lifecycle.Metrics;
using Lifecycle.Segmentation;

namespace Lifecycle.Analysis;

/// <summary>Which transaction models the analysis fits and ranks.</summary>
public enum TransactionModelKind
{
    /// <summary>BG/NBD (Fader, Hardie &amp; Lee 2005).</summary>
    BgNbd = 0,

    /// <summary>MBG/NBD (Batislam, Denizel &amp; Filiztekin 2007): like BG/NBD, but a customer can drop out at time 0, so one-time buyers are not all alive.</summary>
    ModifiedBgNbd = 1,

    /// <summary>Pareto/NBD (Schmittlein, Morrison &amp; Colombo 1987).</summary>
    ParetoNbd = 2,
}

/// <summary>Every setting of the lifecycle analysis (<see cref="CustomerAnalysis"/>), each default in one place with its reason.</summary>
/// <remarks>
/// <para>The CLI's <c>analyze</c>, the DI package's <c>ICustomerAnalyzer</c> and hosts all start from these defaults, so
/// the same data give the same numbers through every entry point. Values are validated when set (NaN, infinite and
/// out-of-range values throw <see cref="ArgumentOutOfRangeException"/> naming the option and the fix), and
/// <see cref="Validate"/> checks the rules across options. Immutable and thread-safe.</para>
/// </remarks>
public sealed record AnalysisOptions
{
    private readonly TimeUnit _unit = TimeUnit.Days;
    private readonly double? _horizon;
    private readonly int _clvMonths = 12;
    private readonly double _monthlyDiscountRate = 0.01;
    private readonly double _margin = 1;
    private readonly int _maxDegreeOfParallelism = -1;
    private readonly MonthLength _monthLength = MonthLength.Calendar;
    private readonly PeriodGranularity _period = PeriodGranularity.Month;
    private readonly TimeSpan _atRiskAfter = TimeSpan.FromDays(90);
    private readonly TimeSpan _churnedAfter = TimeSpan.FromDays(180);
    private readonly double _aliveThreshold = 0.3;
    private readonly double _holdoutFraction = 1.0 / 3;
    private readonly TimeSpan _minimumHoldoutSpan = TimeSpan.FromDays(120);
    private readonly IReadOnlyList<TransactionModelKind> _models = [TransactionModelKind.BgNbd, TransactionModelKind.ModifiedBgNbd, TransactionModelKind.ParetoNbd];
    private readonly int _rfmBins = 5;
    private readonly TiePolicy _ties = TiePolicy.AverageRank;
    private readonly int _minimumCustomersForModels = 10;
    private readonly int _minimumRepeatCustomersForModels = 3;
    private readonly int _minimumSpendCustomers = 10;
    private readonly RefundPolicy _refunds = RefundPolicy.Reject;

    /// <summary>Gets the defaults.</summary>
    public static AnalysisOptions Default { get; } = new();

    /// <summary>Gets the model time unit of summaries, models and horizons.</summary>
    /// <value>Default <see cref="TimeUnit.Days"/>: transactions are dated to the day, so days lose nothing; weeks (the unit of the published CDNOW numbers) give the same predictions up to the recency rounding.</value>
    /// <exception cref="ArgumentOutOfRangeException">Not Days or Weeks.</exception>
    public TimeUnit Unit
    {
        get => _unit;
        init
        {
            if (value is not (TimeUnit.Days or TimeUnit.Weeks))
            {
                ThrowHelper.ArgumentOutOfRange(nameof(Unit), value, "must be Days or Weeks", "pass TimeUnit.Days or TimeUnit.Weeks");
            }

            _unit = value;
        }
    }

    /// <summary>Gets the end of observation (its whole day is included).</summary>
    /// <value>Default <see langword="null"/>: the day of the last transaction, so a file analysed as it stands needs no date.</value>
    public DateTimeOffset? ObservationEnd { get; init; }

    /// <summary>Gets the end of the calibration period for the holdout check (its whole day is included).</summary>
    /// <value>Default <see langword="null"/>: chosen by the holdout rule (<see cref="AutoHoldout"/>). When set, it wins over the rule and must lie before the observation end.</value>
    public DateTimeOffset? CalibrationEnd { get; init; }

    /// <summary>Gets a value indicating whether, without a <see cref="CalibrationEnd"/>, the last <see cref="HoldoutFraction"/> of the window is held out to rank the models.</summary>
    /// <value>Default <see langword="true"/>: a model chosen without out-of-sample evidence is a guess, and BG/NBD alone calls every one-time buyer alive.</value>
    public bool AutoHoldout { get; init; } = true;

    /// <summary>Gets the share of the observation window (first purchase day to observation end) held out by the automatic rule.</summary>
    /// <value>Default 1/3: long enough that the holdout contains repeat purchases of most active customers, short enough that two thirds remain to fit on. In (0, 0.9].</value>
    /// <exception cref="ArgumentOutOfRangeException">NaN or outside (0, 0.9].</exception>
    public double HoldoutFraction
    {
        get => _holdoutFraction;
        init
        {
            if (!double.IsFinite(value) || value <= 0 || value > 0.9)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(HoldoutFraction), value, "must be in (0, 0.9]", "pass a share of the window such as 1/3");
            }

            _holdoutFraction = value;
        }
    }

    /// <summary>Gets the shortest observation window for which the automatic holdout is made.</summary>
    /// <value>Default 120 days: with a third held out, the calibration keeps 80 days and the holdout 40, the least in which repeat purchases of a monthly buyer show.</value>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public TimeSpan MinimumHoldoutSpan
    {
        get => _minimumHoldoutSpan;
        init => _minimumHoldoutSpan = Positive(value, nameof(MinimumHoldoutSpan));
    }

    /// <summary>Gets the transaction models fitted and, with a holdout, ranked.</summary>
    /// <value>Default BG/NBD, MBG/NBD and Pareto/NBD: the three standard non-contractual models; the holdout picks one. Not empty, no duplicates.</value>
    /// <exception cref="ArgumentNullException">Null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Empty, with an undefined value or a duplicate.</exception>
    public IReadOnlyList<TransactionModelKind> Models
    {
        get => _models;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Models));
            if (value.Count == 0 || value.Any(m => !Enum.IsDefined(m)) || value.Distinct().Count() != value.Count)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(Models), string.Join(", ", value), "must name each of BgNbd, ModifiedBgNbd, ParetoNbd at most once, and at least one", "pass for example [TransactionModelKind.BgNbd]");
            }

            _models = [.. value];
        }
    }

    /// <summary>Gets the horizon of "expected purchases" in model time units.</summary>
    /// <value>Default <see langword="null"/>: one year of <see cref="MonthLength"/> months (365.2425 days, 52.18 weeks), the same span as the CLV horizon, so the two numbers describe the same year.</value>
    /// <exception cref="ArgumentOutOfRangeException">NaN, infinite or not positive.</exception>
    public double? Horizon
    {
        get => _horizon;
        init
        {
            if (value is { } v)
            {
                ThrowHelper.ThrowIfNotPositiveFinite(v, nameof(Horizon));
            }

            _horizon = value;
        }
    }

    /// <summary>Gets the horizon of expected purchases in model units: <see cref="Horizon"/>, else <see cref="ClvMonths"/> months.</summary>
    public double HorizonUnits => _horizon ?? _clvMonths * _unit.UnitsPerMonth(_monthLength);

    /// <summary>Gets the CLV horizon in months.</summary>
    /// <value>Default 12: a year, the horizon budgets are planned on. 1–1200.</value>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1–1200.</exception>
    public int ClvMonths
    {
        get => _clvMonths;
        init
        {
            if (value is < 1 or > 1200)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(ClvMonths), value, "must be between 1 and 1200", "pass the CLV horizon in months, for example 12");
            }

            _clvMonths = value;
        }
    }

    /// <summary>Gets the discount rate per month of CLV.</summary>
    /// <value>Default 0.01 (1% a month, about 12.7% a year: a typical cost of capital). 0–1.</value>
    /// <exception cref="ArgumentOutOfRangeException">NaN or outside 0–1.</exception>
    public double MonthlyDiscountRate
    {
        get => _monthlyDiscountRate;
        init
        {
            if (!double.IsFinite(value) || value < 0 || value > 1)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(MonthlyDiscountRate), value, "must be between 0 and 1", "pass a rate per month such as 0.01");
            }

            _monthlyDiscountRate = value;
        }
    }

    /// <summary>Gets the profit margin applied to expected spend in CLV.</summary>
    /// <value>Default 1: CLV in revenue, since the library cannot know your margin. In (0, 1].</value>
    /// <exception cref="ArgumentOutOfRangeException">NaN or outside (0, 1].</exception>
    public double Margin
    {
        get => _margin;
        init
        {
            if (!double.IsFinite(value) || value <= 0 || value > 1)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(Margin), value, "must be in (0, 1]", "pass 1 for revenue or your gross margin, for example 0.3");
            }

            _margin = value;
        }
    }

    /// <summary>Gets the length of a month in horizons and discounting.</summary>
    /// <value>Default <see cref="Lifecycle.MonthLength.Calendar"/> (30.436875 days): twelve months are a year in days and in weeks alike. <see cref="Lifecycle.MonthLength.Lifetimes"/> reproduces lifetimes.</value>
    /// <exception cref="ArgumentOutOfRangeException">Undefined.</exception>
    public MonthLength MonthLength
    {
        get => _monthLength;
        init
        {
            if (!Enum.IsDefined(value))
            {
                ThrowHelper.ArgumentOutOfRange(nameof(MonthLength), value, "must be Calendar or Lifetimes", "pass MonthLength.Calendar");
            }

            _monthLength = value;
        }
    }

    /// <summary>Gets the period of the churn table and the cohort matrix.</summary>
    /// <value>Default <see cref="PeriodGranularity.Month"/>: the period churn is reported on.</value>
    /// <exception cref="ArgumentOutOfRangeException">Not Week, Month or Quarter.</exception>
    public PeriodGranularity Period
    {
        get => _period;
        init
        {
            if (value is not (PeriodGranularity.Week or PeriodGranularity.Month or PeriodGranularity.Quarter))
            {
                ThrowHelper.ArgumentOutOfRange(nameof(Period), value, "must be Week, Month or Quarter", "pass PeriodGranularity.Month");
            }

            _period = value;
        }
    }

    /// <summary>Gets the inactivity after which a customer is At risk.</summary>
    /// <value>Default 90 days (a quarter without a purchase, common retail practice). Shorter than <see cref="ChurnedAfter"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public TimeSpan AtRiskAfter
    {
        get => _atRiskAfter;
        init => _atRiskAfter = Positive(value, nameof(AtRiskAfter));
    }

    /// <summary>Gets the churn window: the inactivity after which a customer counts as lost in the churn table, the survival curve and (with a low P(alive)) the Churned stage.</summary>
    /// <value>Default 180 days: twice the at-risk window, and one value for churn everywhere (the <c>churn</c> verb, <c>analyze</c>, the DI package).</value>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public TimeSpan ChurnedAfter
    {
        get => _churnedAfter;
        init => _churnedAfter = Positive(value, nameof(ChurnedAfter));
    }

    /// <summary>Gets the P(alive) below which a customer is At risk, and below which an inactive customer may be Churned.</summary>
    /// <value>Default 0.3: below it the model gives better than 2:1 odds that the customer has left. In (0, 1].</value>
    /// <exception cref="ArgumentOutOfRangeException">NaN or outside (0, 1].</exception>
    public double AliveThreshold
    {
        get => _aliveThreshold;
        init
        {
            if (!double.IsFinite(value) || value <= 0 || value > 1)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(AliveThreshold), value, "must be in (0, 1]", "pass a probability such as 0.3");
            }

            _aliveThreshold = value;
        }
    }

    /// <summary>Gets the number of RFM scores per dimension.</summary>
    /// <value>Default 5 (quintiles, the scale of the built-in segment maps); shrinks to what the data support, with a note. 2–5.</value>
    /// <exception cref="ArgumentOutOfRangeException">Outside 2–5.</exception>
    public int RfmBins
    {
        get => _rfmBins;
        init
        {
            if (value is < 2 or > 5)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(RfmBins), value, "must be between 2 and 5 (the scale of the segment maps)", "pass 5 for quintiles");
            }

            _rfmBins = value;
        }
    }

    /// <summary>Gets how customers with equal R, F or M values are scored.</summary>
    /// <value>Default <see cref="TiePolicy.AverageRank"/>: identical customers always get identical scores (rank-first would split them by the order of their ids).</value>
    /// <exception cref="ArgumentOutOfRangeException">Undefined.</exception>
    public TiePolicy Ties
    {
        get => _ties;
        init
        {
            QuantileScoring.ValidateTies(value);
            _ties = value;
        }
    }

    /// <summary>Gets the segment map.</summary>
    /// <value>Default <see cref="SegmentMap.RecencyFrequencyMonetary"/>, the map of <c>segment</c> and the DI package, so a customer has one segment name everywhere.</value>
    /// <exception cref="ArgumentNullException">Null.</exception>
    public SegmentMap SegmentMap
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(SegmentMap), "SegmentMap is null; pass SegmentMap.RecencyFrequencyMonetary or a map of your own.");
    } = SegmentMap.RecencyFrequencyMonetary;

    /// <summary>Gets the fewest customers the transaction models are fitted on.</summary>
    /// <value>Default 10: with fewer, four parameters are not identified and the fit's numbers mean nothing. At least 4.</value>
    /// <exception cref="ArgumentOutOfRangeException">Less than 4.</exception>
    public int MinimumCustomersForModels
    {
        get => _minimumCustomersForModels;
        init
        {
            if (value < 4)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(MinimumCustomersForModels), value, "must be at least 4 (the models have four parameters)", "pass 10");
            }

            _minimumCustomersForModels = value;
        }
    }

    /// <summary>Gets the fewest customers with a repeat purchase the transaction models are fitted on.</summary>
    /// <value>Default 3: without repeat purchases the purchase rate is not identified (the likelihood runs to a boundary). At least 1.</value>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int MinimumRepeatCustomersForModels
    {
        get => _minimumRepeatCustomersForModels;
        init
        {
            if (value < 1)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(MinimumRepeatCustomersForModels), value, "must be at least 1", "pass 3");
            }

            _minimumRepeatCustomersForModels = value;
        }
    }

    /// <summary>Gets the fewest customers with repeat purchases of positive value the Gamma-Gamma spend model is fitted on.</summary>
    /// <value>Default 10: three parameters need several customers per parameter. At least 3.</value>
    /// <exception cref="ArgumentOutOfRangeException">Less than 3.</exception>
    public int MinimumSpendCustomers
    {
        get => _minimumSpendCustomers;
        init
        {
            if (value < 3)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(MinimumSpendCustomers), value, "must be at least 3 (the model has three parameters)", "pass 10");
            }

            _minimumSpendCustomers = value;
        }
    }

    /// <summary>Gets what the summaries do with negative amounts.</summary>
    /// <value>Default <see cref="RefundPolicy.Reject"/>: a negative amount is more often an error than a refund, so it stops the analysis unless you say otherwise.</value>
    public RefundPolicy Refunds
    {
        get => _refunds;
        init
        {
            if (!Enum.IsDefined(value))
            {
                ThrowHelper.ArgumentOutOfRange(nameof(Refunds), value, "is not a defined RefundPolicy", "pass RefundPolicy.Reject or RefundPolicy.Exclude");
            }

            _refunds = value;
        }
    }

    /// <summary>Gets the most threads the per-customer sections (the stage fold, predictions) use.</summary>
    /// <value>Default -1: every core. 1 runs them on the calling thread only. Results do not depend on it: customers are independent and each is computed by one thread.</value>
    /// <exception cref="ArgumentOutOfRangeException">0 or less than -1.</exception>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        init
        {
            if (value is 0 or < -1)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(MaxDegreeOfParallelism), value, "must be -1 (every core) or at least 1", "pass -1, or 1 to stay on the calling thread");
            }

            _maxDegreeOfParallelism = value;
        }
    }

    /// <summary>Checks the rules across options: at risk before churned, a calibration end before the observation end.</summary>
    /// <exception cref="ArgumentException">A rule is broken; the message names the options and the fix.</exception>
    public void Validate()
    {
        if (_churnedAfter <= _atRiskAfter)
        {
            ThrowHelper.Argument(nameof(ChurnedAfter), FormattableString.Invariant($"ChurnedAfter ({_churnedAfter.TotalDays:0.###} days) must be longer than AtRiskAfter ({_atRiskAfter.TotalDays:0.###} days): a customer is at risk before being churned; lengthen ChurnedAfter or shorten AtRiskAfter."));
        }

        if (CalibrationEnd is { } c && ObservationEnd is { } e && c.UtcDateTime.Date >= e.UtcDateTime.Date)
        {
            ThrowHelper.Argument(nameof(CalibrationEnd), FormattableString.Invariant($"CalibrationEnd {c:yyyy-MM-dd} must be before the observation end {e:yyyy-MM-dd}; choose a calibration end inside the data."));
        }
    }

    private static TimeSpan Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            ThrowHelper.ArgumentOutOfRange(name, value, "must be positive", "pass a span such as TimeSpan.FromDays(90)");
        }

        return value;
    }
}
