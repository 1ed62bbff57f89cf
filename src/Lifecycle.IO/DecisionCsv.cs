using Lifecycle.Engagement;
using nietras.SeparatedValues;

namespace Lifecycle.IO;

/// <summary>One decision as read back from an <c>actions.csv</c>, with its file line.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="Rule">The rule that made the decision.</param>
/// <param name="Action">The action key; empty when the file has no <c>action</c> column.</param>
/// <param name="Arm">Treatment, rule control or global holdout.</param>
/// <param name="DecidedAt">When the decision was made.</param>
/// <param name="Line">The 1-based line of the row.</param>
public readonly record struct DecisionRecord(string CustomerId, string Rule, string Action, DecisionArm Arm, DateTimeOffset DecidedAt, long Line);

/// <summary>
/// Reads the decisions that <c>lifecycle engage</c> writes (<c>customer_id,action,score,arm,reasons,decision_id,rule,decided_at</c>),
/// with the same strict rules as every reader of this package: a missing column, an unknown arm or a timestamp outside
/// the ISO 8601 grammar is a <see cref="CsvReadException"/> at its line and column.
/// </summary>
public static class DecisionCsv
{
    private const string Expected = "customer_id,action,score,arm,reasons,decision_id,rule,decided_at";

    /// <summary>Reads every decision of a file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Stops between rows.</param>
    /// <returns>The decisions in file order.</returns>
    /// <exception cref="CsvReadException">The file is missing, empty or breaks a rule.</exception>
    public static IReadOnlyList<DecisionRecord> ReadFile(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var csv = CsvFile.Open(path, Expected);
        int customer = csv.Find("customer_id"), rule = csv.Find("rule"), arm = csv.Find("arm"), at = csv.Find("decided_at"), action = csv.Find("action");
        var missing = new[] { ("customer_id", customer), ("rule", rule), ("arm", arm), ("decided_at", at) }.Where(c => c.Item2 < 0).Select(c => c.Item1).ToArray();
        if (missing.Length > 0)
        {
            throw csv.Missing(missing, Expected, "pass the actions.csv that 'lifecycle engage' writes");
        }

        var rows = new List<DecisionRecord>();
        foreach (var row in csv.Reader)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!csv.IsData(row))
            {
                continue;
            }

            var id = Required(csv, row, customer, "every decision names its customer");
            var name = Required(csv, row, rule, "every decision names the rule that made it");
            var armValue = csv.Cell(row, arm) switch
            {
                "treatment" => DecisionArm.Treatment,
                "control" => DecisionArm.Control,
                "holdout" => DecisionArm.Holdout,
                _ => throw csv.Field(row, arm, "is not an arm", "use treatment, control or holdout"),
            };
            var when = TransactionCsv.Timestamp(csv, row, at, TimestampParser.Iso8601);
            rows.Add(new DecisionRecord(id, name, action >= 0 ? csv.Cell(row, action).ToString() : string.Empty, armValue, when, CsvFile.Line(row)));
        }

        return rows;
    }

    private static string Required(CsvFile csv, SepReader.Row row, int column, string fix)
    {
        var text = csv.Cell(row, column).ToString();
        return text.Length == 0 ? throw csv.Field(row, column, "is empty", fix) : text;
    }
}
