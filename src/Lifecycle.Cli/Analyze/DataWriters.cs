using System.Globalization;
using System.Text.Json;
using Lifecycle.Analysis;
using Lifecycle.Cli.IO;

namespace Lifecycle.Cli.Analyze;

/// <summary>customers.csv (one row per customer, formula-injection safe) and summary.json (camelCase, round-trip numbers).</summary>
internal static class DataWriters
{
    public static void WriteCustomers(TextWriter w, AnalysisRun run)
    {
        var r = run.Result;
        var s = r.Summaries;
        var hasModel = r.PAlive.Count > 0;
        w.WriteLine("customer_id,frequency,recency,T,monetary_value,transactions,total_spend,average_order_value,first_purchase,last_purchase,p_alive,expected_purchases,expected_spend,clv,r,f,m,segment,stage");
        for (var i = 0; i < s.Count; i++)
        {
            w.Write(Output.Cell(s.Ids[i]));
            foreach (var v in (ReadOnlySpan<double>)[s.Frequency[i], s.Recency[i], s.T[i], s.MonetaryValue[i]])
            {
                w.Write(',');
                w.Write(Output.Number(v));
            }

            w.Write(',');
            w.Write(s.TransactionCount[i].ToString(CultureInfo.InvariantCulture));
            w.Write(',');
            w.Write(s.TotalSpend[i].ToString(CultureInfo.InvariantCulture));
            w.Write(',');
            w.Write(Output.Number(r.AverageOrderValue[i]));
            w.Write(',');
            w.Write(Format.Date(s.FirstPurchase[i]));
            w.Write(',');
            w.Write(Format.Date(s.LastPurchase[i]));
            w.Write(',');
            w.Write(hasModel ? Output.Number(r.PAlive[i]) : string.Empty);
            w.Write(',');
            w.Write(hasModel ? Output.Number(r.ExpectedPurchases[i]) : string.Empty);
            w.Write(',');
            w.Write(r.ExpectedSpend.Count > 0 ? Output.Number(r.ExpectedSpend[i]) : string.Empty);
            w.Write(',');
            w.Write(r.HasClv ? Output.Number(r.Value[i]) : string.Empty);
            foreach (var score in r.Rfm is { } rfm ? (ReadOnlySpan<byte>)[rfm.R[i], rfm.F[i], rfm.M[i]] : [])
            {
                w.Write(',');
                w.Write(score.ToString(CultureInfo.InvariantCulture));
            }

            if (r.Rfm is null)
            {
                w.Write(",,,");
            }

            w.Write(',');
            w.Write(Output.Cell(r.SegmentOf(i)));
            w.Write(',');
            w.WriteLine(r.Stages.Count > 0 ? Output.Cell(run.StageName(r.Stages[i])) : string.Empty); // empty when the stage section was skipped (its note says why)
        }
    }

    public static void WriteSummary(TextWriter w, AnalysisRun run) => Output.Json(w, json =>
    {
        var r = run.Result;
        var s = r.Summaries;
        var o = r.Options;
        json.WriteStartObject();
        json.WriteString("source", run.Source);
        json.WriteString("observationEnd", Format.Date(r.ObservationEnd));
        json.WriteString("unit", CommonOptions.UnitName(o.Unit));
        json.WriteNumber("horizon", r.Horizon);
        json.WriteString("currency", run.Currency);
        json.WriteNumber("customers", s.Count);
        json.WriteNumber("transactions", r.Transactions);
        json.WriteStartObject("excluded");
        json.WriteNumber("afterObservationEnd", s.Counts.AfterObservationEnd);
        json.WriteNumber("refunds", s.Counts.RefundsExcluded);
        json.WriteEndObject();

        json.WriteStartObject("models");
        foreach (var fit in r.TransactionFits)
        {
            WriteFit(json, fit.Name, fit.ParameterNames, fit.Parameters, fit.StandardErrors, fit.LogLikelihood, fit.Converged, fit.Iterations);
        }

        if (r.SpendFit is { } spend)
        {
            WriteFit(json, "gammaGamma", spend.ParameterNames, spend.Parameters, spend.StandardErrors, spend.LogLikelihood, spend.Converged, spend.Iterations);
        }

        json.WriteEndObject();
        json.WriteStartArray("notes");
        foreach (var note in r.Notes)
        {
            json.WriteStartObject();
            json.WriteString("section", Section(note.Section));
            json.WriteBoolean("skipped", note.Skipped);
            json.WriteString("message", note.Message);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("skippedSections");
        foreach (var section in r.Notes.Where(n => n.Skipped).Select(n => Section(n.Section)).Distinct())
        {
            json.WriteStringValue(section);
        }

        json.WriteEndArray();
        if (r.TransactionFit is { } chosen)
        {
            json.WriteString("selectedModel", chosen.Name);
        }
        else
        {
            json.WriteNull("selectedModel");
        }

        json.WriteString("selectionReason", r.SelectionReason);

        if (r.Holdout is { } h)
        {
            json.WriteStartObject("holdout");
            json.WriteString("calibrationEnd", Format.Date(h.CalibrationEnd));
            json.WriteBoolean("automatic", h.Automatic);
            json.WriteNumber("duration", h.Duration);
            json.WriteNumber("customers", h.Customers);
            json.WriteString("criterion", "mean absolute error of holdout purchases per customer");
            json.WriteStartArray("rankings");
            foreach (var k in h.Rankings)
            {
                json.WriteStartObject();
                json.WriteNumber("rank", k.Rank);
                json.WriteString("model", k.Name);
                json.WriteNumber("mae", k.Errors.MeanAbsoluteError);
                json.WriteNumber("rmse", k.Errors.RootMeanSquaredError);
                json.WriteNumber("msle", k.Errors.MeanSquaredLogError);
                json.WriteNumber("bias", k.Errors.Bias);
                json.WriteNumber("totalActual", k.TotalActual);
                json.WriteNumber("totalPredicted", k.TotalPredicted);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("byCalibrationFrequency");
            foreach (var (name, rows) in h.Rows)
            {
                json.WriteStartArray(name);
                foreach (var row in rows)
                {
                    json.WriteStartObject();
                    json.WriteNumber("frequency", row.Frequency);
                    json.WriteBoolean("orMore", row.IsOpenEnded);
                    json.WriteNumber("customers", row.Customers);
                    json.WriteNumber("actual", row.ActualMean);
                    json.WriteNumber("predicted", row.PredictedMean);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteStartObject("totals");
        if (r.PAlive.Count > 0)
        {
            json.WriteNumber("expectedPurchases", r.ExpectedPurchases.Sum());
            json.WriteNumber("meanPAlive", r.PAlive.Average());
        }
        else
        {
            json.WriteNull("expectedPurchases");
            json.WriteNull("meanPAlive");
        }

        json.WriteString("valueName", r.ValueName);
        json.WriteNumber("value", r.Value.Sum());
        json.WriteEndObject();

        json.WriteStartArray("stages");
        foreach (var d in r.StageDistribution)
        {
            json.WriteStartObject();
            json.WriteString("stage", d.Stage);
            json.WriteString("name", run.StageName(d.Stage));
            json.WriteNumber("customers", d.Customers);
            json.WriteNumber("share", d.Share);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("stageByPAlive");
        foreach (var c in r.StageByAlive)
        {
            json.WriteStartObject();
            json.WriteString("stage", c.Stage);
            json.WriteNumber("pAliveFrom", r.AliveBands[c.Band]);
            json.WriteNumber("pAliveTo", c.Band + 1 < r.AliveBands.Count ? r.AliveBands[c.Band + 1] : 1);
            json.WriteNumber("customers", c.Customers);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("unreachableStages");
        foreach (var (stage, why) in r.UnreachableStages)
        {
            json.WriteString(stage, why);
        }

        json.WriteEndObject();
        json.WriteStartArray("funnel");
        foreach (var f in r.Funnel)
        {
            json.WriteStartObject();
            json.WriteString("stage", f.Stage);
            json.WriteNumber("reached", f.Reached);
            if (f.ConversionFromPrevious is { } c)
            {
                json.WriteNumber("conversionFromPrevious", c);
            }
            else
            {
                json.WriteNull("conversionFromPrevious");
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("segments");
        foreach (var g in r.SegmentTotals)
        {
            json.WriteStartObject();
            json.WriteString("segment", g.Name);
            json.WriteNumber("customers", g.Customers);
            json.WriteNumber("value", g.Value);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (r.Churn is { } churn)
        {
            json.WriteStartObject("churn");
            json.WriteString("definition", churn.Definition);
            json.WriteString("period", o.Period.ToString().ToLowerInvariant());
            json.WriteNumber("windowDays", o.ChurnedAfter.TotalDays);
            json.WriteStartArray("periods");
            foreach (var row in SparseTables.ChurnRows(churn))
            {
                // A run of quiet periods (nothing changes) is one entry: its first period, "through" its last and "periods" their count.
                var p = churn.Periods[row.From];
                json.WriteStartObject();
                json.WriteString("period", p.Period.Label);
                if (row.To > row.From)
                {
                    json.WriteString("through", churn.Periods[row.To].Period.Label);
                    json.WriteNumber("periods", row.To - row.From + 1);
                }

                json.WriteNumber("customersAtStart", p.CustomersAtStart);
                json.WriteNumber("newCustomers", p.NewCustomers);
                json.WriteNumber("reactivated", p.Reactivated);
                json.WriteNumber("lost", p.Lost);
                json.WriteNumber("newLost", p.NewLost);
                json.WriteNumber("customersAtEnd", p.CustomersAtEnd);
                Rate(json, "churnRate", p.ChurnRate);
                Rate(json, "retentionRate", p.RetentionRate);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (r.Survival?.MedianLifetime is { } median)
            {
                json.WriteNumber("medianLifetime", median);
            }
            else
            {
                json.WriteNull("medianLifetime");
            }

            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("churn");
        }

        json.WriteEndObject();
    });

    internal static string Section(AnalysisSection section) => section switch
    {
        AnalysisSection.PurchaseHistogram => "purchaseHistogram",
        _ => section.ToString().ToLowerInvariant(),
    };

    internal static void WriteFit(Utf8JsonWriter json, string name, IReadOnlyList<string> names, IReadOnlyList<double> values, IReadOnlyList<double> errors, double logLikelihood, bool converged, int iterations)
    {
        json.WriteStartObject(name);
        json.WriteStartObject("parameters");
        for (var i = 0; i < names.Count; i++)
        {
            json.WriteNumber(names[i], values[i]);
        }

        json.WriteEndObject();
        json.WriteStartObject("standardErrors");
        for (var i = 0; i < names.Count; i++)
        {
            if (double.IsFinite(errors[i]))
            {
                json.WriteNumber(names[i], errors[i]);
            }
            else
            {
                json.WriteNull(names[i]);
            }
        }

        json.WriteEndObject();
        json.WriteNumber("logLikelihood", logLikelihood);
        json.WriteBoolean("converged", converged);
        json.WriteNumber("iterations", iterations);
        json.WriteEndObject();
    }

    private static void Rate(Utf8JsonWriter json, string name, Metrics.Ratio ratio)
    {
        if (ratio.ValueOrNull is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
