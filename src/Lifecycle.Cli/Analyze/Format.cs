using System.Globalization;

namespace Lifecycle.Cli.Analyze;

/// <summary>Human formatting for the report and the console (machine outputs use round-trip numbers instead).</summary>
internal static class Format
{
    public static string Int(long v) => v.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Num(double v, int decimals = 2) => double.IsFinite(v) ? v.ToString("#,0." + new string('0', decimals), CultureInfo.InvariantCulture) : "n/a";

    public static string Money(double v) => double.IsFinite(v) ? v.ToString("#,0.00", CultureInfo.InvariantCulture) : "n/a";

    public static string Money(decimal v) => v.ToString("#,0.00", CultureInfo.InvariantCulture);

    public static string Pct(double v) => double.IsFinite(v) ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "n/a";

    public static string Pct(Metrics.Ratio r) => r.IsDefined ? Pct(r.Value) : "undefined";

    public static string Date(DateTimeOffset d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Param(double v) => double.IsFinite(v) ? v.ToString("G6", CultureInfo.InvariantCulture) : "n/a";
}
