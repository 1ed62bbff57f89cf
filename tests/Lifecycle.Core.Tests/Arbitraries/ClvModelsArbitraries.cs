using FsCheck;
using FsCheck.Fluent;

namespace Lifecycle.Tests.Arbitraries;

/// <summary>Pareto/NBD parameters.</summary>
public readonly record struct ParetoNbdParameters(double R, double Alpha, double S, double Beta);

/// <summary>A Pareto/NBD customer over the reference-table ranges: x up to 1e6, T in [1e-6, 1e5], t_x in [0, T], and a horizon in [1e-9, 1e4].</summary>
public readonly record struct ParetoNbdRow(double Frequency, double Recency, double T, double Horizon);

/// <summary>MBG/NBD parameters.</summary>
public readonly record struct MbgNbdParameters(double R, double Alpha, double A, double B);

/// <summary>BG/BB parameters.</summary>
public readonly record struct BgBbParameters(double Alpha, double Beta, double Gamma, double Delta);

/// <summary>A valid discrete (BG/BB) row: 0 ≤ x ≤ t_x ≤ n, t_x = 0 exactly when x = 0.</summary>
public readonly record struct DiscreteRow(double Frequency, double Recency, double Periods);

/// <summary>A small set of customers (x, t_x, T) on a coarse grid, so that rows repeat.</summary>
public readonly record struct CustomerSample(double[] Frequency, double[] Recency, double[] T);

/// <summary>FsCheck generators for Pareto/NBD, MBG/NBD, BG/BB and sBG.</summary>
public static class ClvModelsArbitraries
{
    /// <summary>Pareto/NBD parameters over the reference-table ranges, log-uniform: r in [1e-3, 1e4], α, β in [1e-3, 1e6], s in [1e-3, 1e6].</summary>
    public static Arbitrary<ParetoNbdParameters> ParetoNbdParameters() =>
        (from r in LogUniform(1e-3, 1e4)
         from alpha in LogUniform(1e-3, 1e6)
         from s in LogUniform(1e-3, 1e6)
         from beta in LogUniform(1e-3, 1e6)
         select new ParetoNbdParameters(r, alpha, s, beta)).ToArbitrary();

    /// <summary>Pareto/NBD customers: x = 0 (then t_x = 0) or log-uniform in [1, 1e6], T log-uniform in [1e-6, 1e5], t_x uniform in [0, T] with t_x = T and t_x = 0 generated on purpose.</summary>
    public static Arbitrary<ParetoNbdRow> ParetoNbdRow() =>
        (from lx in Gen.Choose(-1500, 6000)
         from t in LogUniform(1e-6, 1e5)
         from u in Gen.Choose(-50, 1050)
         from h in LogUniform(1e-9, 1e4)
         let x = lx < 0 ? 0 : Math.Round(Math.Pow(10, lx / 1000.0))
         let tx = x == 0 ? 0 : Math.Min(t, t * Math.Clamp(u, 0, 1000) / 1000.0) // t·1000/1000 can round one ulp above t
         select new ParetoNbdRow(x, tx, t, h)).ToArbitrary();

    /// <summary>MBG/NBD parameters over the range of issue 12: r in [1e-3, 1e4], α in [1e-3, 1e6], a, b in [1e-3, 1e7]
    /// (a also exactly 1 and 1 ± 1e-9).</summary>
    public static Arbitrary<MbgNbdParameters> MbgNbdParameters() =>
        (from r in LogUniform(1e-3, 1e4)
         from alpha in LogUniform(1e-3, 1e6)
         from a in ClvArbitraries.DropoutShape()
         from b in LogUniform(1e-3, 1e7)
         select new MbgNbdParameters(r, alpha, a, b)).ToArbitrary();

    /// <summary>BG/BB parameters in [1e-3, 1e7], log-uniform (α also down to 1e-300 a tenth of the time).</summary>
    public static Arbitrary<BgBbParameters> BgBbParameters() =>
        (from a in Gen.Frequency((9, LogUniform(1e-3, 1e7)), (1, LogUniform(1e-300, 1e-3)))
         from b in LogUniform(1e-3, 1e7)
         from g in LogUniform(1e-3, 1e7)
         from d in LogUniform(1e-3, 1e7)
         select new BgBbParameters(a, b, g, d)).ToArbitrary();

    /// <summary>Discrete rows with n up to 200.</summary>
    public static Arbitrary<DiscreteRow> DiscreteRow() =>
        (from n in Gen.Choose(0, 200)
         from tx in Gen.Choose(0, n)
         from x in Gen.Choose(tx == 0 ? 0 : 1, tx)
         select new DiscreteRow(tx == 0 ? 0 : x, tx, n)).ToArbitrary();

    /// <summary>5..40 customers with x in 0..6 and t_x, T on a grid of quarter weeks in (0, 10], so that rows repeat.</summary>
    public static Arbitrary<CustomerSample> CustomerSample() =>
        (from n in Gen.Choose(5, 40)
         from rows in Gen.ArrayOf(
             from x in Gen.Choose(0, 6)
             from t in Gen.Choose(1, 40)
             from u in Gen.Choose(0, 40)
             select (X: (double)x, Tx: x == 0 ? 0 : Math.Min(u, t) / 4.0, T: t / 4.0), n)
         select new CustomerSample([.. rows.Select(r => r.X)], [.. rows.Select(r => r.Tx)], [.. rows.Select(r => r.T)])).ToArbitrary();

    private static Gen<double> LogUniform(double lo, double hi) =>
        Gen.Choose(0, 1_000_000).Select(i => lo * Math.Pow(hi / lo, i / 1_000_000.0));
}
