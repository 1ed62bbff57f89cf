using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Lifecycle;

/// <summary>Central throw helpers: messages name the value, the rule and the fix.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ArgumentOutOfRange(string paramName, object? value, string rule, string fix) =>
        throw new ArgumentOutOfRangeException(paramName, value, Format(paramName, value, rule, fix));

    [DoesNotReturn]
    public static void Argument(string paramName, string message) =>
        throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static T Argument<T>(string paramName, string message) =>
        throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void InvalidOperation(string message) => throw new InvalidOperationException(message);

    /// <summary>Throws unless <paramref name="value"/> is a finite double (NaN and infinities are rejected first: range checks let NaN through).</summary>
    public static void ThrowIfNotFinite(double value, string paramName)
    {
        if (!double.IsFinite(value))
        {
            ArgumentOutOfRange(paramName, value, "must be a finite number (not NaN or infinity)", "check the input for missing or overflowed values");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and &gt;= 0.</summary>
    public static void ThrowIfNegativeOrNotFinite(double value, string paramName)
    {
        ThrowIfNotFinite(value, paramName);
        if (value < 0)
        {
            ArgumentOutOfRange(paramName, value, "must be zero or positive", "pass a non-negative value");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and &gt; 0.</summary>
    public static void ThrowIfNotPositiveFinite(double value, string paramName)
    {
        ThrowIfNotFinite(value, paramName);
        if (value <= 0)
        {
            ArgumentOutOfRange(paramName, value, "must be greater than zero", "pass a strictly positive value");
        }
    }

    public static string Format(string name, object? value, string rule, string fix) =>
        string.Create(CultureInfo.InvariantCulture, $"{name} = {FormatValue(value)} {rule}; {fix}.");

    public static string FormatValue(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };
}
