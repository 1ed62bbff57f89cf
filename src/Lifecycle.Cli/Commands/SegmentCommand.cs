using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Lifecycle.Cli.IO;
using Lifecycle.Segmentation;

namespace Lifecycle.Cli.Commands;

/// <summary><c>lifecycle segment SUMMARY</c>: RFM scores and named segments per customer (docs/segmentation.md).</summary>
internal static class SegmentCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("SUMMARY") { Description = "Summary CSV: customer_id,frequency,recency,T[,monetary_value] (aliases ID, x, t_x, age, zbar)." };
        var scheme = new Option<string>("--scheme") { Description = "Segment map: rfm (R × FM, with Lost) or rf (R × F).", DefaultValueFactory = _ => "rfm" }.WithValues("rfm", "rf");
        var tie = new Option<string>("--tie") { Description = "Tie policy for the quantile scores: first (rank-first, equal-sized bins), average (average rank) or drop (drop duplicate edges, fewer bins); default average, so identical customers get identical scores as in analyze.", DefaultValueFactory = _ => "average" }.WithValues("first", "average", "drop");
        var bins = new Option<int>("--bins") { Description = "Scores per dimension (the built-in segment maps are defined on 5).", DefaultValueFactory = _ => 5 };
        var output = CommonOptions.Out("Write the per-customer CSV (or JSON) to this file instead of stdout.");
        var json = CommonOptions.Json();
        var command = new Command("segment", "Score customers R, F and M by quantiles (recency = T − t_x, reversed) and name their RFM segment.") { file };
        command.Options.Add(scheme);
        command.Options.Add(tie);
        command.Options.Add(bins);
        command.Options.Add(output);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var summaries = SummaryCsvReader.ReadFile(path);
            var map = parse.GetValue(scheme) == "rf" ? SegmentMap.RecencyFrequency : SegmentMap.RecencyFrequencyMonetary;
            var k = parse.GetValue(bins);
            var ties = parse.GetValue(tie) switch
            {
                "average" => TiePolicy.AverageRank,
                "drop" => TiePolicy.DropDuplicateEdges,
                _ => TiePolicy.RankFirst,
            };
            var result = Segment(summaries, path, map, k, ties);
            using (var writer = Output.Open(parse.GetValue(output), context.Out, path))
            {
                if (parse.GetValue(json))
                {
                    WriteJson(writer, result);
                }
                else
                {
                    WriteCsv(writer, result);
                }

                writer.Commit();
            }

            WriteTable(context.Error, path, result);
            return CliApp.Success;
        });
        return command;
    }

    /// <summary>What the verb computed: the inputs it used and the library's answers.</summary>
    internal sealed record Result(SummaryFile Summaries, string Scheme, TiePolicy Ties, int Bins, RfmBins Cuts, byte[] R, byte[] F, byte[] M, SegmentMap Map, int[] Segments);

    internal static Result Segment(SummaryFile s, string path, SegmentMap map, int bins, TiePolicy ties)
    {
        if (s.Weights is not null)
        {
            throw new CliInputException($"{path}: the file has a weight column (compressed rows); segment needs one row per customer. Pass an uncompressed summary (lifecycle summarize writes one).");
        }

        if (map.Axis == SegmentAxis.FrequencyMonetary && !s.HasMonetaryValue)
        {
            throw new CliInputException($"{path}: --scheme rfm needs a monetary_value (or zbar) column; add it or use --scheme rf.");
        }

        if (bins is < 1 or > QuantileScoring.MaxBins)
        {
            throw new CliInputException(FormattableString.Invariant($"--bins {bins} must be between 1 and {QuantileScoring.MaxBins}; the built-in segment maps are defined on 5."));
        }

        var coverage = map.CheckCoverage(bins);
        if (!coverage.IsComplete)
        {
            throw new CliInputException(FormattableString.Invariant($"--bins {bins}: the {(map.Axis == SegmentAxis.Frequency ? "rf" : "rfm")} segment map is defined on 5-point scores and leaves {coverage.Uncovered.Count} score pairs without a segment; use --bins 5 (or fewer)."));
        }

        var n = s.Count;
        var since = new double[n];
        Rfm.TimeSinceLastPurchase(s.Recency, s.T, since);
        byte[] r = new byte[n], f = new byte[n], m = new byte[n];
        RfmBins cuts;
        try
        {
            cuts = Rfm.Score(since, s.Frequency, s.MonetaryValue, r, f, m, new RfmOptions { Bins = bins, Ties = ties });
        }
        catch (ArgumentException e)
        {
            throw new CliInputException($"{path}: {e.Message}", e);
        }

        var segments = new int[n];
        map.Assign(r, f, m, segments);
        return new Result(s, map.Axis == SegmentAxis.Frequency ? "rf" : "rfm", ties, bins, cuts, r, f, m, map, segments);
    }

    private static void WriteCsv(TextWriter writer, Result x)
    {
        writer.WriteLine("customer_id,r,f,m,segment");
        for (var i = 0; i < x.Summaries.Count; i++)
        {
            writer.Write(Output.Cell(x.Summaries.Ids[i]));
            writer.Write(string.Create(CultureInfo.InvariantCulture, $",{x.R[i]},{x.F[i]},{x.M[i]},"));
            writer.WriteLine(Output.Cell(Name(x, i)));
        }
    }

    private static void WriteJson(TextWriter writer, Result x) => Output.Json(writer, json =>
    {
        json.WriteStartObject();
        json.WriteString("scheme", x.Scheme);
        json.WriteString("ties", TieName(x.Ties));
        json.WriteNumber("bins", x.Bins);
        json.WriteNumber("customers", x.Summaries.Count);
        json.WriteStartObject("cuts");
        Cut(json, "recency", x.Cuts.Recency);
        Cut(json, "frequency", x.Cuts.Frequency);
        Cut(json, "monetary", x.Cuts.Monetary);
        json.WriteEndObject();
        json.WriteStartArray("segments");
        var counts = Counts(x);
        for (var s = 0; s < x.Map.SegmentNames.Count; s++)
        {
            json.WriteStartObject();
            json.WriteString("name", x.Map.SegmentNames[s]);
            json.WriteNumber("customers", counts[s]);
            json.WriteNumber("share", x.Summaries.Count == 0 ? 0 : (double)counts[s] / x.Summaries.Count);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("scores");
        for (var i = 0; i < x.Summaries.Count; i++)
        {
            json.WriteStartObject();
            json.WriteString("customerId", x.Summaries.Ids[i]);
            json.WriteNumber("r", x.R[i]);
            json.WriteNumber("f", x.F[i]);
            json.WriteNumber("m", x.M[i]);
            json.WriteString("segment", Name(x, i));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    private static void Cut(Utf8JsonWriter json, string name, ScoreBins bins)
    {
        json.WriteStartObject(name);
        json.WriteString("direction", bins.Direction == ScoreDirection.HigherIsBetter ? "higherIsBetter" : "lowerIsBetter");
        json.WriteNumber("binCount", bins.BinCount);
        json.WriteStartArray("edges");
        foreach (var e in bins.Edges)
        {
            if (double.IsFinite(e))
            {
                json.WriteNumberValue(e);
            }
            else
            {
                json.WriteNullValue(); // −∞: a bin no customer reached (average rank)
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteTable(TextWriter stderr, string path, Result x)
    {
        var counts = Counts(x);
        var n = x.Summaries.Count;
        stderr.WriteLine(FormattableString.Invariant($"{path}: {n} customers, scheme {x.Scheme}, ties {TieName(x.Ties)}; F bins {x.Cuts.Frequency.BinCount}, M bins {x.Cuts.Monetary.BinCount}, R bins {x.Cuts.Recency.BinCount} (recency = T - t_x, lower is better)"));
        var width = x.Map.SegmentNames.Max(s => s.Length);
        foreach (var (name, i) in x.Map.SegmentNames.Select((s, i) => (s, i)).OrderByDescending(t => counts[t.i]).ThenBy(t => t.i))
        {
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name.PadRight(width)}  {counts[i],8}  {(n == 0 ? 0 : 100.0 * counts[i] / n),6:F1}%"));
        }
    }

    private static int[] Counts(Result x)
    {
        var counts = new int[x.Map.SegmentNames.Count];
        foreach (var s in x.Segments)
        {
            counts[s]++;
        }

        return counts;
    }

    private static string Name(Result x, int i) => x.Map.SegmentNames[x.Segments[i]];

    private static string TieName(TiePolicy ties) => ties switch
    {
        TiePolicy.AverageRank => "average",
        TiePolicy.DropDuplicateEdges => "drop",
        _ => "first",
    };
}
