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
}
