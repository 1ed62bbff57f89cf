namespace Lifecycle.Clv;

/// <summary>Input checks shared by the CLV models: messages name the row, the value, the rule and the fix.</summary>
internal static class ClvValidation
{
    public static void SameLength(int n, int recency, int t, int destination, string what = "frequency")
    {
        if (recency != n || t != n)
        {
            ThrowHelper.Argument(what, FormattableString.Invariant($"{what} ({n}), recency ({recency}) and T ({t}) must have the same length; pass one value per customer."));
        }

        if (destination < n)
        {
            ThrowHelper.Argument(nameof(destination), FormattableString.Invariant($"destination has length {destination} but {n} customers were given; pass a destination at least as long as the inputs."));
        }
    }

    /// <summary>Checks one customer summary for a count model (integer frequency) and returns normally when valid.</summary>
    public static void CountRow(int row, double frequency, double recency, double t, string model)
    {
        if (!double.IsFinite(frequency) || frequency < 0)
        {
            Fail(row, "frequency", frequency, "must be finite and >= 0", "count the repeat purchase periods");
        }

        if (frequency != Math.Floor(frequency))
        {
            Fail(row, "frequency", frequency, FormattableString.Invariant($"must be a whole number for {model}"), "pass counts of repeat purchase periods, not averages or rates");
        }

        if (!double.IsFinite(recency) || recency < 0)
        {
            Fail(row, "recency", recency, "must be finite and >= 0", "measure recency from the first purchase");
        }

        if (!double.IsFinite(t) || t < 0)
        {
            Fail(row, "T", t, "must be finite and >= 0", "measure T from the first purchase to the observation end");
        }

        if (recency > t)
        {
            Fail(row, "recency", recency, FormattableString.Invariant($"must not exceed T = {t:R}"), "recency and T are both measured from the first purchase; check the observation end");
        }

        if (frequency == 0 && recency != 0)
        {
            Fail(row, "recency", recency, "must be 0 when frequency is 0", "a customer without repeat purchases has recency 0");
        }

        if (frequency > 0 && t == 0)
        {
            Fail(row, "frequency", frequency, "must be 0 when T = 0", "a customer whose first purchase is at the observation end cannot have repeat purchases; check the observation end");
        }
    }

    public static void Horizon(double horizon, string name = "horizon")
    {
        ThrowHelper.ThrowIfNegativeOrNotFinite(horizon, name);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Fail(int row, string name, double value, string rule, string fix)
    {
        var where = row < 0 ? string.Empty : FormattableString.Invariant($"row {row}: ");
        ThrowHelper.Argument(name, FormattableString.Invariant($"{where}{name} = {value:R} {rule}; {fix}."));
    }
}
