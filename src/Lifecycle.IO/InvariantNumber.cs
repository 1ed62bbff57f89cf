using System.Globalization;

namespace Lifecycle.IO;

/// <summary>
/// The one number rule of every reader: optional sign, digits with an optional '.' fraction, optional exponent
/// (<c>12</c>, <c>-3.5</c>, <c>1e3</c>, <c>.5</c>). No thousands separators, no spaces inside, no currency, no NaN or infinity.
/// </summary>
internal static class InvariantNumber
{
    private const NumberStyles Styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    public const string Rule = "is not a number (digits with an optional '.' fraction and exponent, such as 12.50 or 1e3; no thousands separators, currency, NaN or infinity)";

    public static bool IsWellFormed(ReadOnlySpan<char> s)
    {
        var i = 0;
        if (i < s.Length && (s[i] == '-' || s[i] == '+'))
        {
            i++;
        }

        var digits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
            digits++;
        }

        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
                digits++;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            i++;
            if (i < s.Length && (s[i] == '-' || s[i] == '+'))
            {
                i++;
            }

            var exponent = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
                exponent++;
            }

            if (exponent == 0)
            {
                return false;
            }
        }

        return i == s.Length;
    }

    /// <summary>Parses a finite double; <paramref name="problem"/> says why not.</summary>
    public static bool TryDouble(ReadOnlySpan<char> s, out double value, out string? problem)
    {
        if (!IsWellFormed(s) || !double.TryParse(s, Styles, CultureInfo.InvariantCulture, out value))
        {
            value = 0;
            problem = Rule;
            return false;
        }

        if (!double.IsFinite(value))
        {
            problem = "is too large for a double (beyond ±1.8e308); fix the value";
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>Parses a decimal; <paramref name="problem"/> says why not (malformed, or beyond decimal's ±7.9e28).</summary>
    public static bool TryDecimal(ReadOnlySpan<char> s, out decimal value, out string? problem)
    {
        if (!IsWellFormed(s))
        {
            value = 0;
            problem = Rule;
            return false;
        }

        if (!decimal.TryParse(s, Styles, CultureInfo.InvariantCulture, out value))
        {
            problem = "overflows an amount (decimal holds up to ±79,228,162,514,264,337,593,543,950,335); fix the value";
            return false;
        }

        problem = null;
        return true;
    }
}
