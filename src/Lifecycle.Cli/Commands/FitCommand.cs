using System.CommandLine;
using System.Globalization;
using Lifecycle.Clv;
using Lifecycle.Cli.IO;

namespace Lifecycle.Cli.Commands;

/// <summary><c>lifecycle fit SUMMARY --model bgnbd|gamma-gamma|pareto-nbd|mbgnbd|bgbb|sbg</c>: maximum-likelihood fit; <c>--json</c> / <c>--out</c> write the CLI.md model document.</summary>
internal static class FitCommand
{
    private static readonly string[] Models = ["bgnbd", "gamma-gamma", .. ClvModelsCli.Models];

    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("SUMMARY") { Description = "Summary CSV: customer_id,frequency,recency,T[,monetary_value][,weight] (the CDNOW aliases ID,x,t_x,T,zbar work); for bgbb a discrete CSV frequency,recency,periods[,weight]; for sbg a cohort CSV period,active[,cohort]." };
        var model = new Option<string>("--model") { Description = "Model to fit: bgnbd, gamma-gamma, pareto-nbd, mbgnbd, bgbb or sbg.", Required = true }.WithValues(Models);
        var unit = CommonOptions.Unit();
        var json = CommonOptions.Json();
        var output = CommonOptions.Out("Also write the fitted model (the --json document) to this file, for 'predict --model-file'.");
        var constrainQ = new Option<bool>("--constrain-q") { Description = "gamma-gamma: keep q > 1 so that the population mean spend exists." };
        var command = new Command("fit", "Fit a CLV model to a summary CSV by maximum likelihood.") { file };
        command.Options.Add(model);
        command.Options.Add(unit);
        command.Options.Add(json);
        command.Options.Add(output);
        command.Options.Add(constrainQ);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var timeUnit = CommonOptions.ParseUnit(parse.GetValue(unit)!);
            var name = parse.GetValue(model)!;
            context.Progress.Step("fitting " + name);
            var document = new StringWriter(CultureInfo.InvariantCulture);
            string table;
            bool converged;
            if (ClvModelsCli.Models.Contains(name))
            {
                converged = ClvModelsCli.Fit(name, path, timeUnit, document, out table);
            }
            else if (name == "bgnbd")
            {
                var summary = SummaryCsvReader.ReadFile(path);
                CheckCounts(path, summary);
                var fit = BgNbdModel.Fit(Compress(path, summary, timeUnit));
                ModelFile.Write(document, name, fit);
                table = Table(name, fit);
                converged = fit.Converged;
            }
            else
            {
                var summary = SummaryCsvReader.ReadFile(path);
                if (!summary.HasMonetaryValue)
                {
                    throw new CliInputException($"{path}:1: the gamma-gamma model needs a monetary_value (or zbar) column with the mean value of each customer's repeat purchases.");
                }

                FitResult<GammaGammaModel> fit;
                try
                {
                    fit = GammaGammaModel.Fit(summary.Frequency, summary.MonetaryValue, summary.Weights ?? [], null, parse.GetValue(constrainQ));
                }
                catch (ArgumentException e)
                {
                    throw new CliInputException(path + ": " + RowToLine(e.Message, summary), e);
                }

                ModelFile.Write(document, name, fit);
                table = Table(name, fit);
                converged = fit.Converged;
                foreach (var warning in fit.Warnings)
                {
                    context.Error.WriteLine("warning: " + warning);
                }
            }

            context.Progress.Done();
            if (parse.GetValue(output) is { } outPath)
            {
                Output.WriteText(outPath, "--out", document.ToString(), path);
            }

            context.Out.Write(parse.GetValue(json) ? document.ToString() : table);
            if (!converged)
            {
                context.Error.WriteLine("warning: the fit did not converge; the parameters are the best found (see 'converged' and 'iterations').");
            }

            return CliApp.Success;
        });
        return command;
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

    private static string Table<TModel>(string name, FitResult<TModel> fit)
        where TModel : class
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"model: {name}   customers: {fit.CustomersUsed}   excluded: {fit.CustomersExcluded}"));
        w.WriteLine("parameter      estimate     std. error");
        for (var i = 0; i < fit.ParameterNames.Count; i++)
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{fit.ParameterNames[i],-9} {fit.Parameters[i],13:G8} {fit.StandardErrors[i],14:G6}"));
        }

        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"log-likelihood: {fit.LogLikelihood:F4}   converged: {(fit.Converged ? "yes" : "no")} ({fit.ExitReason})   iterations: {fit.Iterations}"));
        return w.ToString();
    }
}
