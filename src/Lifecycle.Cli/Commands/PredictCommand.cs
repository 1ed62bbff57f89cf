using System.CommandLine;
using System.Globalization;
using Lifecycle.Clv;
using Lifecycle.Cli.IO;

namespace Lifecycle.Cli.Commands;

/// <summary><c>lifecycle predict SUMMARY --model-file model.json --horizon H</c>: per-customer P(alive), expected purchases and, with a spend model, expected spend and CLV.</summary>
internal static class PredictCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("SUMMARY") { Description = "Summary CSV: customer_id,frequency,recency,T[,monetary_value]; for a bgbb model a discrete CSV frequency,recency,periods[,weight]; for an sbg model a cohort CSV period,active[,cohort] (horizon = last period projected)." };
        var modelFile = new Option<string>("--model-file") { Description = "Transaction model JSON (from 'fit --out', or hand-written with model and parameters).", Required = true };
        var horizon = new Option<double>("--horizon") { Description = "Prediction window for expected purchases, in the model's time unit.", Required = true };
        var unit = CommonOptions.Unit();
        unit.Description = "Time unit of recency and T in SUMMARY. The model file's \"unit\" wins; --unit that contradicts it is an error. Required for a file without \"unit\" (hand-written or written before units were recorded).";
        var spendFile = new Option<string?>("--spend-model") { Description = "Spend model JSON (gamma-gamma): adds expected_spend and clv." };
        var months = new Option<int>("--months") { Description = "CLV horizon in discount periods (months).", DefaultValueFactory = _ => 12 };
        var rate = new Option<double>("--discount-rate") { Description = "Discount rate per period (0.01 = 1% per month).", DefaultValueFactory = _ => 0.01 };
        var unitPerMonth = new Option<double?>("--unit-per-month") { Description = "Model time units per period (default one calendar month: 30.436875 days or 4.348125 weeks; 30 or 4.345 reproduce lifetimes)." };
        var output = CommonOptions.Out("Write the CSV to this file instead of stdout.");
        var bootstrap = new Option<int>("--bootstrap") { Description = "Refit the model on SUMMARY this many times (customers resampled) and add _lower/_upper columns: 95% percentile intervals.", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed of the --bootstrap resampling.", DefaultValueFactory = _ => 0 };
        var command = new Command("predict", "Per-customer predictions from a fitted model: p_alive, expected_purchases[, expected_spend, clv].") { file };
        foreach (var o in new Option[] { modelFile, horizon, unit, spendFile, months, rate, unitPerMonth, output, bootstrap, seed })
        {
            command.Options.Add(o);
        }

        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var h = parse.GetValue(horizon);
            if (!double.IsFinite(h) || h < 0)
            {
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"--horizon {h} must be a finite number >= 0 (model time units)."));
            }

            var replicates = parse.GetValue(bootstrap);
            if (replicates is < 0 or 1)
            {
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"--bootstrap {replicates} must be 0 (no intervals) or at least 2 replicates (a few hundred for 95% intervals)."));
            }

            var modelPath = parse.GetValue(modelFile)!;
            var document = ModelFile.Read(modelPath);
            var unitResult = parse.GetResult(unit);
            var givenUnit = unitResult is null || unitResult.Implicit ? TimeUnit.None : CommonOptions.ParseUnit(parse.GetValue(unit)!);
            var family = document.Family;
            var model = ModelFile.Create(modelPath, document, givenUnit);
            switch (family.Data)
            {
                case ModelDataKind.DiscreteSummaries:
                case ModelDataKind.Survival:
                {
                    using var special = Output.Open(parse.GetValue(output), context.Out, path, modelPath, parse.GetValue(spendFile));
                    if (family.Data == ModelDataKind.DiscreteSummaries)
                    {
                        ClvModelsCli.PredictDiscrete(family, (ITransactionModel)model, path, h, replicates, parse.GetValue(seed), special, context.Progress);
                    }
                    else
                    {
                        ClvModelsCli.PredictSurvival((ShiftedBetaGeometricModel)model, path, h, parse.GetValue(rate), special);
                    }

                    special.Commit();
                    context.Progress.Done();
                    return CliApp.Success;
                }

                case ModelDataKind.Spend:
                    throw new CliInputException($"{modelPath}: a {family.Name} model predicts spend, not transactions; pass it as --spend-model and a bgnbd, pareto-nbd or mbgnbd model as --model-file.");
            }

            var transactions = (ICountModel)model;
            var timeUnit = transactions.TimeUnit;
            var spend = parse.GetValue(spendFile) is { } sp ? ReadSpendModel(sp) : null;
            var summary = SummaryCsvReader.ReadFile(path);
            if (spend is not null && !summary.HasMonetaryValue)
            {
                throw new CliInputException($"{path}:1: --spend-model needs a monetary_value (or zbar) column.");
            }

            FitCommand.CheckCounts(path, summary);
            var n = summary.Count;
            var pAlive = new double[n];
            var expected = new double[n];
            double[]? expectedSpend = null;
            double[]? clv = null;
            Dictionary<string, (double[] Lower, double[] Upper)>? intervals = null;
            try
            {
                transactions.ProbabilityAlive(summary.Frequency, summary.Recency, summary.T, pAlive);
                transactions.ConditionalExpectedTransactions(h, summary.Frequency, summary.Recency, summary.T, expected);
                if (spend is not null)
                {
                    var discounting = Discounting(parse.GetValue(months), parse.GetValue(unitPerMonth), parse.GetValue(rate), timeUnit);
                    expectedSpend = new double[n];
                    clv = new double[n];
                    spend.ConditionalExpectedSpend(summary.Frequency, summary.MonetaryValue, expectedSpend);
                    CustomerLifetimeValue.Discrete(transactions, spend, summary.Frequency, summary.Recency, summary.T, summary.MonetaryValue, discounting, clv);
                }

                if (replicates > 0)
                {
                    var discounting = spend is null ? null : Discounting(parse.GetValue(months), parse.GetValue(unitPerMonth), parse.GetValue(rate), timeUnit);
                    intervals = ClvModelsCli.BootstrapIntervals(family, FitCommand.Compress(path, summary, timeUnit), summary, h, spend, discounting, replicates, parse.GetValue(seed), context.Progress);
                    context.Progress.Done();
                }
            }
            catch (ArgumentException e)
            {
                throw new CliInputException(path + ": " + ModelFile.PlainMessage(e), e);
            }
            catch (InvalidOperationException e)
            {
                throw new CliInputException(path + ": " + e.Message, e);
            }

            // predict never writes NaN, ±Infinity or a negative expectation: a value the model cannot compute is a failure that says where.
            CheckOutputs(summary, family, ("p_alive", pAlive), ("expected_purchases", expected), ("expected_spend", expectedSpend), ("clv", clv));

            using (var writer = Output.Open(parse.GetValue(output), context.Out, path, modelPath, parse.GetValue(spendFile)))
            {
                var header = spend is null ? "customer_id,p_alive,expected_purchases" : "customer_id,p_alive,expected_purchases,expected_spend,clv";
                if (intervals is not null)
                {
                    header += ",p_alive_lower,p_alive_upper,expected_purchases_lower,expected_purchases_upper" + (spend is null ? string.Empty : ",clv_lower,clv_upper");
                }

                writer.WriteLine(header);
                for (var i = 0; i < n; i++)
                {
                    writer.Write(Output.Cell(summary.Ids[i]));
                    writer.Write(',');
                    writer.Write(Output.Number(pAlive[i]));
                    writer.Write(',');
                    writer.Write(Output.Number(expected[i]));
                    if (spend is not null)
                    {
                        writer.Write(',');
                        writer.Write(Output.Number(expectedSpend![i]));
                        writer.Write(',');
                        writer.Write(Output.Number(clv![i]));
                    }

                    if (intervals is not null)
                    {
                        foreach (var (name, (lower, upper)) in intervals)
                        {
                            writer.Write(',');
                            writer.Write(Output.Number(lower[i]));
                            writer.Write(',');
                            writer.Write(Output.Number(upper[i]));
                        }
                    }

                    writer.WriteLine();
                }

                writer.Commit();
            }

            return CliApp.Success;
        });
        return command;
    }

    private static DiscreteDiscounting Discounting(int months, double? unitsPerMonth, double rate, TimeUnit unit) =>
        unitsPerMonth is { } f
            ? new DiscreteDiscounting(months, f, rate) { Unit = unit }
            : DiscreteDiscounting.Monthly(unit, months, rate);

    private static void CheckOutputs(SummaryFile summary, ModelFamily family, params (string Column, double[]? Values)[] columns)
    {
        foreach (var (column, values) in columns)
        {
            if (values is null)
            {
                continue;
            }

            for (var i = 0; i < values.Length; i++)
            {
                if (!double.IsFinite(values[i]) || values[i] < 0)
                {
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"the {family.Name} model gave {column} = {values[i]} for customer {summary.Ids[i]} (line {summary.Lines[i]}); no file was written. The parameters are outside the range where the model can be evaluated; refit, or report this with the model file."));
                }
            }
        }
    }

    private static ISpendModel ReadSpendModel(string path)
    {
        var document = ModelFile.Read(path);
        if (document.Family.Data != ModelDataKind.Spend)
        {
            throw new CliInputException($"{path}: --spend-model must be a spend (gamma-gamma) model file, found \"{document.Family.Name}\".");
        }

        return (ISpendModel)ModelFile.Create(path, document, TimeUnit.None);
    }
}
