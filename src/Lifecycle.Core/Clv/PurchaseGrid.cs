namespace Lifecycle.Clv;

/// <summary>Purchase times of the simulators, snapped onto the summarizer's purchase-period grid.</summary>
internal static class PurchaseGrid
{
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
