using Lifecycle.Analysis;

namespace Lifecycle.Cli.Analyze;

/// <summary>One finished analysis with what the writers add to it: where the data came from and how money is labelled.</summary>
/// <param name="Result">The library's result: every number the writers show comes from it.</param>
/// <param name="Source">The input's name (file path or the embedded sample).</param>
/// <param name="Currency">The currency code or symbol shown with money (empty: none given).</param>
/// <param name="Top">Rows in the top-customer tables.</param>
internal sealed record AnalysisRun(AnalysisResult<string> Result, string Source, string Currency, int Top = 20)
{
    /// <summary>A money amount with the currency, for example "1,234.50 USD".</summary>
    public string Money(double value) => Currency.Length == 0 ? Format.Money(value) : Format.Money(value) + " " + Currency;

    /// <summary>A money amount with the currency, for example "1,234.50 USD".</summary>
    public string Money(decimal value) => Money((double)value);

    /// <summary>The unit of model time in words: "days" or "weeks".</summary>
    public string Unit => Result.Options.Unit.DisplayName();

    /// <summary>The value column's name with its currency: "CLV (12 months, USD)".</summary>
    public string ValueName => Currency.Length == 0 ? Result.ValueName : Result.ValueName.TrimEnd(')') + (Result.HasClv ? ", " : " (") + Currency + ")";

    /// <summary>Notes of one section, skipped or not.</summary>
    public IEnumerable<AnalysisNote> NotesOf(AnalysisSection section) => Result.Notes.Where(n => n.Section == section);

    /// <summary>A stage's name as people write it ("At risk"), from the stage model.</summary>
    public string StageName(string id) => Result.StageModel is { } model && model.TryGetStage(id, out var stage) ? stage.DisplayName : id;
}

/// <summary>Forwards the library's progress to the CLI's stderr indicator.</summary>
internal sealed class ProgressAdapter(Progress progress, PhaseLog? phases = null) : IProgress<AnalysisProgress>
{
    private string _step = string.Empty;

    public void Report(AnalysisProgress value)
    {
        if (value.Step != _step)
        {
            phases?.Start(value.Step);
            if (_step.Length > 0)
            {
                progress.Done();
            }

            _step = value.Step;
            if (value.Count == 0)
            {
                progress.Step(value.Step);
            }
        }

        if (value.Count > 0)
        {
            progress.Report(value.Step, value.Count);
        }
    }
}
