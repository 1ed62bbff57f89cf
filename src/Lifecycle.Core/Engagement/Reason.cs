using System.Globalization;

namespace Lifecycle.Engagement;

/// <summary>One reason a decision was made, as data: a code, the observed value, the threshold it was compared with, and the sentence.</summary>
/// <param name="Code">A stable machine code (for example <c>p_alive</c>, <c>entered_stage</c>, <c>clv_decile</c>).</param>
/// <param name="Text">The sentence, for example <c>P(alive) 0.22 &lt; 0.30</c> or <c>entered AtRisk 3 days ago</c>.</param>
/// <param name="Value">The observed value, when the reason is a number.</param>
/// <param name="Threshold">The threshold it was compared with, when there is one.</param>
public readonly record struct Reason(string Code, string Text, double? Value = null, double? Threshold = null)
{
    /// <inheritdoc/>
    public override string ToString() => Text;

    internal static string Number(double value) =>
        Math.Abs(value) >= 100 ? value.ToString("0.##", CultureInfo.InvariantCulture) : value.ToString("0.00##", CultureInfo.InvariantCulture);
}
