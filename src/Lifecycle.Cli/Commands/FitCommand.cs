using System.CommandLine;
using System.Globalization;
using Lifecycle.Clv;
using Lifecycle.Cli.IO;

namespace Lifecycle.Cli.Commands;

/// <summary><c>lifecycle fit SUMMARY --model bgnbd|gamma-gamma|pareto-nbd|mbgnbd|bgbb|sbg</c>: maximum-likelihood fit; <c>--json</c> / <c>--out</c> write the CLI.md model document.</summary>
internal static class FitCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("SUMMARY") { Description = "Summary CSV: customer_id,frequency,recency,T[,monetary_value][,weight] (the CDNOW aliases ID,x,t_x,T,zbar work); for bgbb a discrete CSV frequency,recency,periods[,weight]; for sbg a cohort CSV period,active[,cohort]." };
        var model = new Option<string>("--model") { Description = "Model to fit: " + string.Join(", ", ModelCatalog.Names) + ".", Required = true }.WithValues([.. ModelCatalog.Names]);
        var unit = CommonOptions.Unit();
        unit.Description = "Time unit of recency and T in SUMMARY (days or weeks); recorded in the model file as \"unit\" (bgnbd, mbgnbd, pareto-nbd).";
        var json = CommonOptions.Json();
        var output = CommonOptions.Out("Also write the fitted model to this file (the --json document: formatVersion, model, unit, parameters, standard errors, convergence, boundary), for 'predict --model-file'.");
        var constrainQ = new Option<bool>("--constrain-q") { Description = "gamma-gamma: keep q > 1 so that the population mean spend exists." };
        var engine = EngineChoice.Option();
        var command = new Command("fit", "Fit a CLV model to a summary CSV by maximum likelihood. A fit that runs to a boundary (for example no dropout visible) stops early and says so: 'converged: no', the parameters that diverged, what the data show and the limit model.") { file };
        command.Options.Add(model);
        command.Options.Add(unit);
        command.Options.Add(json);
        command.Options.Add(output);
        command.Options.Add(constrainQ);
        command.Options.Add(engine);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var timeUnit = CommonOptions.ParseUnit(parse.GetValue(unit)!);
            var family = ModelCatalog.Get(parse.GetValue(model)!);
            context.Progress.Step("fitting " + family.Name);
            var fit = EngineChoice.UseDuckDbForFit(parse.GetValue(engine)!, path, family)
                ? EngineChoice.Fit(family, path, timeUnit)
                : Fit(family, path, timeUnit, parse.GetValue(constrainQ));
            context.Progress.Done();
            var document = new StringWriter(CultureInfo.InvariantCulture);
            ModelFile.Write(document, fit);
            if (parse.GetValue(output) is { } outPath)
            {
                Output.WriteText(outPath, "--out", document.ToString(), path);
            }

            context.Out.Write(parse.GetValue(json) ? document.ToString() : Table(family, fit));
            foreach (var warning in fit.Warnings)
            {
                context.Error.WriteLine("warning: " + warning);
            }

            if (!fit.Converged)
            {
                context.Error.WriteLine("warning: " + fit.Describe() + ".");
            }

            return CliApp.Success;
        });
        return command;
    }

    /// <summary>Reads SUMMARY as the family's data kind and fits; data no model can be fitted to are bad input (exit 2).</summary>
    private static IFitResult Fit(ModelFamily family, string path, TimeUnit unit, bool constrainQ)
    {
        switch (family.Data)
        {
            case ModelDataKind.CountSummaries:
            {
                var summary = SummaryCsvReader.ReadFile(path);
                CheckCounts(path, summary);
                var data = Compress(path, summary, unit);
                try
                {
                    return family.Fit(data, null);
                }
                catch (ArgumentException e)
                {
                    throw new CliInputException(path + ": " + ModelFile.PlainMessage(e), e);
                }
            }

            case ModelDataKind.DiscreteSummaries:
                return family.Fit(ClvModelsCli.ReadDiscrete(path).Data, null);
            case ModelDataKind.Survival:
                return family.Fit(ClvModelsCli.ReadCohorts(path).Data, null);
            default:
            {
                var summary = SummaryCsvReader.ReadFile(path);
                if (!summary.HasMonetaryValue)
                {
                    throw new CliInputException($"{path}:1: the {family.Name} model needs a monetary_value (or zbar) column with the mean value of each customer's repeat purchases.");
                }

                try
                {
                    return GammaGammaModel.Fit(summary.Frequency, summary.MonetaryValue, summary.Weights ?? [], null, constrainQ);
                }
                catch (ArgumentException e)
                {
                    throw new CliInputException(path + ": " + RowToLine(ModelFile.PlainMessage(e), summary), e);
                }
            }
        }
    }

    /// <summary>Compresses the rows; a rule broken by a row is reported with its file line.</summary>
    internal static CompressedSummaries Compress(string path, SummaryFile summary, TimeUnit unit)
    {
        try
        {
            return summary.Compress(unit);
        }
        catch (ArgumentException e)
        {
            throw new CliInputException(path + ": " + RowToLine(e.Message, summary), e);
        }
    }

    /// <summary>Count-model rules checked per file row, so the message names the file line and column.</summary>
    internal static void CheckCounts(string path, SummaryFile summary)
    {
        for (var i = 0; i < summary.Count; i++)
        {
            var x = summary.Frequency[i];
            if (x != Math.Floor(x))
            {
                throw CliInputException.At(path, summary.Lines[i], string.Create(CultureInfo.InvariantCulture, $"frequency {x} is not a whole number; BG/NBD counts repeat purchase periods"));
            }

            if (x > 0 && summary.T[i] == 0)
            {
                throw CliInputException.At(path, summary.Lines[i], string.Create(CultureInfo.InvariantCulture, $"frequency {x} with T = 0; a customer whose first purchase is at the observation end has no repeat purchases"));
            }
        }

        if (summary.Count == 0)
        {
            ClvModelsCli.NothingToFit(path, 0);
        }
    }

    // "row 12: ..." from the library → "line 14: ..." in the file (header on line 1).
    private static string RowToLine(string message, SummaryFile summary)
    {
        if (message.StartsWith("row ", StringComparison.Ordinal))
        {
            var colon = message.IndexOf(':', StringComparison.Ordinal);
            if (colon > 4 && int.TryParse(message.AsSpan(4, colon - 4), NumberStyles.None, CultureInfo.InvariantCulture, out var row) && row < summary.Count)
            {
                return string.Create(CultureInfo.InvariantCulture, $"line {summary.Lines[row]}") + message[colon..];
            }
        }

        return message;
    }

    /// <summary>The fit as a table: parameters with standard errors (or why there are none), log-likelihood, convergence and any boundary.</summary>
    internal static string Table(ModelFamily family, IFitResult fit)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"model: {family.Name}   customers: {fit.CustomersUsed}   excluded: {fit.CustomersExcluded}") + (fit.Model.TimeUnit == TimeUnit.None ? string.Empty : "   unit: " + ModelDocument.Name(fit.Model.TimeUnit)));
        w.WriteLine("parameter      estimate     std. error");
        for (var i = 0; i < fit.ParameterNames.Count; i++)
        {
            var se = fit.StandardErrors[i];
            var seText = double.IsFinite(se) ? se.ToString("G6", CultureInfo.InvariantCulture) : "-";
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{fit.ParameterNames[i],-9} {fit.Parameters[i],13:G8} {seText,14}"));
        }

        if (fit.StandardErrorsUnavailableReason is { } reason)
        {
            w.WriteLine("standard errors: none, " + reason);
        }

        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"log-likelihood: {fit.LogLikelihood:F4}   converged: {(fit.Converged ? "yes" : "no")} ({fit.ExitReason})   iterations: {fit.Iterations}"));
        if (fit.Boundary is { } boundary)
        {
            w.WriteLine("at a boundary: " + boundary.Reason);
            if (boundary.LimitModel is { } limit)
            {
                w.WriteLine("limit model: " + limit);
            }
        }

        return w.ToString();
    }
}
