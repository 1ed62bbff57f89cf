using FsCheck;
using FsCheck.Fluent;

namespace Lifecycle.Tests.Arbitraries;

/// <summary>A positive argument for special functions, in (0, 200].</summary>
public readonly record struct PositiveArgument(double Value);

/// <summary>A real argument in [−30, 30] away from the poles of Γ (at least 1e-3 from an integer when negative).</summary>
public readonly record struct RealArgument(double Value);

/// <summary>A moderate positive model parameter in [0.05, 20].</summary>
public readonly record struct ModelParameter(double Value);

/// <summary>A hypergeometric argument z in [0, 0.999].</summary>
public readonly record struct UnitInterval(double Value);

/// <summary>BG/NBD parameters over the whole range of issue 12: r to 1e4, α from 1e-3 to 1e6, a and b from 1e-3 to 1e7.</summary>
public readonly record struct BgNbdParameters(double R, double Alpha, double A, double B);

/// <summary>A valid customer summary for a count model: whole x, 0 ≤ t_x ≤ T, t_x = 0 when x = 0, T &gt; 0 when x &gt; 0.</summary>
public readonly record struct CountSummary(double Frequency, double Recency, double T);

/// <summary>An extreme customer summary: x up to 10⁶, T from 10⁻⁶ to 10⁵.</summary>
public readonly record struct ExtremeSummary(double Frequency, double Recency, double T);

/// <summary>A prediction horizon in [1e-9, 1e4].</summary>
public readonly record struct Horizon(double Value);

/// <summary>FsCheck generators for the CLV area (numerics and models).</summary>
public static class ClvArbitraries
{
    /// <summary>Positive arguments spread over six decades.</summary>
    public static Arbitrary<PositiveArgument> PositiveArgument() =>
        Gen.Choose(-3000, 2300).Select(e => new PositiveArgument(Math.Pow(10, e / 1000.0))).ToArbitrary();

    /// <summary>Reals away from the poles.</summary>
    public static Arbitrary<RealArgument> RealArgument() =>
        Gen.Choose(-30_000, 30_000)
            .Select(i => i / 1000.0)
            .Where(x => x > 0 || Math.Abs(x - Math.Round(x)) > 1e-3)
            .Select(x => new RealArgument(x))
            .ToArbitrary();

    /// <summary>Model parameters.</summary>
    public static Arbitrary<ModelParameter> ModelParameter() =>
        Gen.Choose(50, 20_000).Select(i => new ModelParameter(i / 1000.0)).ToArbitrary();

    /// <summary>Arguments of ₂F₁ in [0, 0.999].</summary>
    public static Arbitrary<UnitInterval> UnitInterval() =>
        Gen.Choose(0, 999).Select(i => new UnitInterval(i / 1000.0)).ToArbitrary();

    /// <summary>BG/NBD parameters: r in [1e-3, 1e4], α in [1e-3, 1e6], a, b in [1e-3, 1e7], log-uniform, with a = 1 and
    /// a = 1 ± 1e-9 (the removable singularity of E[X(t)]) a tenth of the time each.</summary>
    public static Arbitrary<BgNbdParameters> BgNbdParameters() =>
        (from r in LogUniform(1e-3, 1e4)
         from alpha in LogUniform(1e-3, 1e6)
         from a in DropoutShape()
         from b in LogUniform(1e-3, 1e7)
         select new BgNbdParameters(r, alpha, a, b)).ToArbitrary();

    /// <summary>Typical summaries: x in [0, 60], T in (0, 100].</summary>
    public static Arbitrary<CountSummary> CountSummary() =>
        (from x in Gen.Choose(0, 60)
         from t in Gen.Choose(1, 10_000)
         from u in Gen.Choose(0, 10_000)
         select x == 0 ? new CountSummary(0, 0, t / 100.0) : new CountSummary(x, t / 100.0 * u / 10_000.0, t / 100.0)).ToArbitrary();

    /// <summary>Extreme summaries: x up to 10⁶ (log-uniform), T from 10⁻⁶ to 10⁵, t_x anywhere in [0, T].</summary>
    public static Arbitrary<ExtremeSummary> ExtremeSummary() =>
        (from lx in Gen.Choose(-1000, 6000)
         from t in LogUniform(1e-6, 1e5)
         from u in Gen.Choose(0, 1000)
         let x = lx < 0 ? 0 : Math.Round(Math.Pow(10, lx / 1000.0))
         select x == 0 ? new ExtremeSummary(0, 0, t) : new ExtremeSummary(x, Math.Min(t, t * u / 1000.0), t)).ToArbitrary();

    /// <summary>Horizons from 1e-9 to 1e4 (log-uniform).</summary>
    public static Arbitrary<Horizon> Horizon() => LogUniform(1e-9, 1e4).Select(h => new Horizon(h)).ToArbitrary();

    /// <summary>A dropout shape a in [1e-3, 1e7], or exactly 1, or 1 ± 1e-9.</summary>
    internal static Gen<double> DropoutShape() =>
        Gen.Frequency(
            (8, LogUniform(1e-3, 1e7)),
            (1, Gen.Constant(1.0)),
            (1, Gen.Elements(1 + 1e-9, 1 - 1e-9)));

    internal static Gen<double> LogUniform(double lo, double hi) =>
        Gen.Choose(0, 1_000_000).Select(i => lo * Math.Pow(hi / lo, i / 1_000_000.0));
}
