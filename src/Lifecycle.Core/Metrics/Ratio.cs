using System.Globalization;

namespace Lifecycle.Metrics;

/// <summary>A rate or average kept as numerator and denominator, so that a zero denominator is an explicit "undefined" result rather than 0 or NaN.</summary>
/// <remarks>
/// <para>Every metric whose denominator can legitimately be zero (churn with no customers at the start of a period,
/// revenue retention with no starting revenue, an average over no orders) returns a <see cref="Ratio"/>. Read it with
/// <see cref="TryGetValue"/> or <see cref="ValueOrNull"/>; <see cref="Value"/> throws when the ratio is undefined, so an
/// undefined rate can never flow on as a silent number.</para>
/// <para><c>default</c> is 0/0: undefined.</para>
/// </remarks>
public readonly record struct Ratio
{
    /// <summary>Creates a ratio.</summary>
    /// <param name="numerator">The numerator.</param>
    /// <param name="denominator">The denominator; 0 makes the ratio undefined.</param>
    public Ratio(decimal numerator, decimal denominator)
    {
        Numerator = numerator;
        Denominator = denominator;
    }

    /// <summary>Gets the numerator.</summary>
    public decimal Numerator { get; }

    /// <summary>Gets the denominator (0 when undefined).</summary>
    public decimal Denominator { get; }

    /// <summary>Gets a value indicating whether the denominator is non-zero.</summary>
    public bool IsDefined => Denominator != 0;

    /// <summary>Gets the value as a double.</summary>
    /// <exception cref="InvalidOperationException">The ratio is undefined (zero denominator).</exception>
    public double Value => IsDefined
        ? (double)(Numerator / Denominator)
        : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The ratio {Numerator}/0 is undefined (zero denominator); check IsDefined or use TryGetValue before reading Value."));

    /// <summary>Gets the value as a decimal (exact division of the stored decimals).</summary>
    /// <exception cref="InvalidOperationException">The ratio is undefined (zero denominator).</exception>
    public decimal DecimalValue => IsDefined
        ? Numerator / Denominator
        : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The ratio {Numerator}/0 is undefined (zero denominator); check IsDefined before reading DecimalValue."));

    /// <summary>Gets the value, or <c>null</c> when the ratio is undefined.</summary>
    public double? ValueOrNull => IsDefined ? (double)(Numerator / Denominator) : null;

    /// <summary>Gets the value when the ratio is defined.</summary>
    /// <param name="value">The value, or 0 when undefined.</param>
    /// <returns><c>true</c> when the denominator is non-zero.</returns>
    public bool TryGetValue(out double value)
    {
        value = IsDefined ? (double)(Numerator / Denominator) : 0;
        return IsDefined;
    }

    /// <summary>Formats the value with the invariant culture, or <c>undefined</c>.</summary>
    /// <returns>The value (round-trip double) or <c>undefined</c>.</returns>
    public override string ToString() => IsDefined ? Value.ToString("R", CultureInfo.InvariantCulture) : "undefined";
}
