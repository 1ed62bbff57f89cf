namespace Lifecycle.Clv;

/// <summary>Draws one simulated customer of age <paramref name="age"/>: the repeat count and the (snapped) time of the last repeat purchase.</summary>
internal delegate (double Count, double Last) SimulateCustomer(Random random, double age);

/// <summary>Purchase times of the simulators, snapped onto the summarizer's purchase-period grid.</summary>
internal static class PurchaseGrid
{
    /// <summary>The loop every count-model simulator shares: checks the inputs, draws each customer and builds the summaries (ids 0..n−1, monetary values 0).</summary>
    public static SummarySet<int> Simulate(ReadOnlySpan<double> ages, Random random, double purchasePeriod, TimeUnit unit, SimulateCustomer customer)
    {
        ArgumentNullException.ThrowIfNull(random);
        ThrowHelper.ThrowIfNegativeOrNotFinite(purchasePeriod, nameof(purchasePeriod));
        var n = ages.Length;
        var ids = new int[n];
        var x = new double[n];
        var tx = new double[n];
        var tt = new double[n];
        for (var i = 0; i < n; i++)
        {
            var age = ages[i];
            ThrowHelper.ThrowIfNegativeOrNotFinite(age, nameof(ages));
            ids[i] = i;
            tt[i] = age;
            var (count, last) = customer(random, age);
            x[i] = count;
            tx[i] = count > 0 ? last : 0;
        }

        return SummarySet.FromColumns<int>(ids, x, tx, tt, [], unit);
    }

    /// <summary>
    /// Records a purchase at <paramref name="time"/>. With a positive <paramref name="purchasePeriod"/> the purchase is
    /// moved to the start of its period, and it does not count when it falls in the same period as the previous one or
    /// when that period starts after <paramref name="age"/> (as summaries count one transaction per period).
    /// </summary>
    /// <returns><c>true</c> when the purchase counts; <paramref name="last"/> is then its (snapped) time.</returns>
    public static bool TryRecord(double time, double purchasePeriod, double age, ref double lastPeriod, ref double last)
    {
        if (purchasePeriod <= 0)
        {
            last = time;
            return true;
        }

        var period = Math.Floor(time / purchasePeriod);
        if (period == lastPeriod || period * purchasePeriod > age)
        {
            return false;
        }

        lastPeriod = period;
        last = period * purchasePeriod;
        return true;
    }
}
