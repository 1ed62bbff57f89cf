using System.CommandLine;
using Lifecycle.Cli.IO;
using Lifecycle.IO;

namespace Lifecycle.Cli.Commands;

/// <summary><c>lifecycle summarize [TRANSACTIONS]</c>: one row per customer (frequency, recency, T, monetary value).</summary>
internal static class SummarizeCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string?>("TRANSACTIONS") { Description = "Transactions CSV (customer_id,date,amount). Omit to use the embedded CDNOW sample.", Arity = ArgumentArity.ZeroOrOne };
        var input = new TransactionInputOptions();
        var unit = CommonOptions.Unit();
        var end = CommonOptions.Date("--end", "Observation end; default the last transaction date");
        var calibrationEnd = CommonOptions.Date("--calibration-end", "End of the calibration period; adds holdout columns");
        var includeFirst = new Option<bool>("--include-first") { Description = "Include the first purchase in the monetary value (default: repeat purchases only)." };
        var output = CommonOptions.Out("Write the summary CSV to this file instead of stdout.");
        var json = CommonOptions.Json();
        var engine = EngineChoice.Option();
        var command = new Command("summarize", "Summarize transactions into one row per customer: frequency, recency, T, monetary value.") { file };
        input.AddTo(command);
        command.Options.Add(unit);
        command.Options.Add(end);
        command.Options.Add(calibrationEnd);
        command.Options.Add(includeFirst);
        command.Options.Add(output);
        command.Options.Add(json);
        command.Options.Add(engine);
        command.SetAction(parse =>
        {
            // The amount is optional here: without it every monetary value is 0 and frequency, recency and T are unchanged.
            var fileOptions = input.Read(parse, requireAmount: false);
            var path = parse.GetValue(file);
            if (path is null)
            {
                fileOptions = fileOptions with { Format = "cdnow" };
            }

            var source = new TransactionSource(path, fileOptions);
            var summaries = EngineChoice.UseDuckDb(parse.GetValue(engine)!, path, fileOptions)
                ? EngineChoice.Summarize(
                    path!,
                    fileOptions,
                    CommonOptions.ParseDate(parse.GetValue(end), "--end"),
                    CommonOptions.ParseDate(parse.GetValue(calibrationEnd), "--calibration-end"),
                    CommonOptions.ParseUnit(parse.GetValue(unit)!),
                    parse.GetValue(includeFirst),
                    fileOptions.AllowNegativeAmounts ? RefundPolicy.Exclude : RefundPolicy.Reject)
                : Summarize(
                source,
                path is null ? null : fileOptions,
                CommonOptions.ParseDate(parse.GetValue(end), "--end", fileOptions.TimeZone),
                CommonOptions.ParseDate(parse.GetValue(calibrationEnd), "--calibration-end", fileOptions.TimeZone),
                CommonOptions.ParseUnit(parse.GetValue(unit)!),
                parse.GetValue(includeFirst),
                fileOptions.AllowNegativeAmounts ? RefundPolicy.Exclude : RefundPolicy.Reject,
                context.Progress,
                fileOptions.TimeZone);
            using (var writer = Output.Open(parse.GetValue(output), context.Out, path))
            {
                if (parse.GetValue(json))
                {
                    WriteJson(writer, summaries);
                }
                else
                {
                    WriteCsv(writer, summaries);
                }

                writer.Commit();
            }

            ReportCounts(context.Error, source.Name, summaries);
            return CliApp.Success;
        });
        return command;
    }

    /// <summary>Streams the source once (twice when the observation end must be found first) into summaries.</summary>
    /// <remarks>
    /// A file (<paramref name="file"/> given) is first tried on the parallel fast path of Lifecycle.IO, which reads the
    /// bytes on every core and gives the same summaries as the sequential reader; a file it cannot take exactly
    /// (quotes, lone carriage returns, any bad row) is read again sequentially, which reports the first error.
    /// </remarks>
    public static SummarySet<string> Summarize(TransactionSource source, TransactionFileOptions? file, DateTimeOffset? end, DateTimeOffset? calibrationEnd, TimeUnit unit, bool includeFirst, RefundPolicy refunds, Progress progress, TimeZoneInfo? zone = null)
    {
        if (file is not null && !source.IsSample && (end is null || calibrationEnd is null || calibrationEnd <= end))
        {
            var fast = new SummarizerOptions(end ?? DateTimeOffset.MinValue)
            {
                Unit = unit,
                CalibrationEnd = calibrationEnd,
                IncludeFirstPurchaseInMonetaryValue = includeFirst,
                Refunds = refunds,
                TimeZone = zone,
            };
            if (ParallelTransactionCsv.TrySummarize(source.Name, file.ToReaderOptions(), fast, end is null, NaturalIdComparer.Instance, out var summaries))
            {
                if (summaries is not null)
                {
                    progress.Done();
                    return summaries;
                }

                return new TransactionSummarizer<string>(new SummarizerOptions(DateTimeOffset.MinValue) { Unit = unit, TimeZone = zone }).Build(NaturalIdComparer.Instance);
            }
        }

        // A file with a header and no rows is an empty summary (exit 0), not an error: there is simply no customer yet.
        var last = end ?? source.TryLastDate();
        if (last is not { } observationEnd)
        {
            return new TransactionSummarizer<string>(new SummarizerOptions(DateTimeOffset.MinValue) { Unit = unit, TimeZone = zone }).Build(NaturalIdComparer.Instance);
        }

        if (calibrationEnd is { } c && c > observationEnd)
        {
            throw new CliInputException($"--calibration-end {c:yyyy-MM-dd} is after the observation end {observationEnd:yyyy-MM-dd}; choose a calibration end inside the data (or a later --end).");
        }

        var options = new SummarizerOptions(observationEnd)
        {
            Unit = unit,
            CalibrationEnd = calibrationEnd,
            IncludeFirstPurchaseInMonetaryValue = includeFirst,
            Refunds = refunds,
            TimeZone = zone,
        };
        var summarizer = new TransactionSummarizer<string>(options);
        long rows = 0;
        foreach (var row in source.Read())
        {
            summarizer.Add(row.CustomerId, row.Timestamp, row.Amount);
            progress.Report("reading transactions", ++rows);
        }

        progress.Done();
        return summarizer.Build(NaturalIdComparer.Instance);
    }

    private static void WriteCsv(TextWriter writer, SummarySet<string> s)
    {
        writer.Write("customer_id,frequency,recency,T,monetary_value,first_purchase,last_purchase,transactions,total_spend");
        writer.WriteLine(s.HasHoldout ? ",frequency_holdout,monetary_value_holdout,duration_holdout" : string.Empty);

        // Rows are formatted into one buffer per block (no string per field), with the same formats as Output.Number
        // ("R"), the timestamp format and invariant integers and decimals, so the bytes are those of formatting field by
        // field; blocks are formatted on every core, a wave at a time, and written in order.
        const int BlockRows = 16_384;
        var newline = writer.NewLine;
        var blocks = (s.Count + BlockRows - 1) / BlockRows;
        var wave = Math.Max(1, Environment.ProcessorCount) * 2;
        var buffers = new RowBuffer[wave];
        for (var b = 0; b < buffers.Length; b++)
        {
            buffers[b] = new RowBuffer(new char[BlockRows * 128]);
        }

        for (var first = 0; first < blocks; first += wave)
        {
            var count = Math.Min(wave, blocks - first);
            Parallel.For(0, count, k =>
            {
                var buffer = buffers[k];
                buffer.Clear();
                var start = (first + k) * BlockRows;
                for (var i = start; i < Math.Min(start + BlockRows, s.Count); i++)
                {
                    FormatRow(buffer, s, i, newline);
                }
            });

            for (var k = 0; k < count; k++)
            {
                writer.Write(buffers[k].Written);
            }
        }
    }

    private static void FormatRow(RowBuffer line, SummarySet<string> s, int i, string newline)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        line.Append(Output.Cell(s.Ids[i]));
        line.Comma().Format(s.Frequency[i], "R", invariant);
        line.Comma().Format(s.Recency[i], "R", invariant);
        line.Comma().Format(s.T[i], "R", invariant);
        line.Comma().Format(s.MonetaryValue[i], "R", invariant);
        line.Comma().Format(s.FirstPurchase[i], "yyyy-MM-dd'T'HH:mm:ssK", invariant);
        line.Comma().Format(s.LastPurchase[i], "yyyy-MM-dd'T'HH:mm:ssK", invariant);
        line.Comma().Format(s.TransactionCount[i], default, invariant);
        line.Comma().Format(s.TotalSpend[i], default, invariant);
        if (s.HasHoldout)
        {
            line.Comma().Format(s.HoldoutFrequency[i], "R", invariant);
            line.Comma().Format(s.HoldoutMonetaryValue[i], "R", invariant);
            line.Comma().Format(s.HoldoutDuration, "R", invariant);
        }

        line.Append(newline);
    }

    /// <summary>A growable char buffer for one output row.</summary>
    private sealed class RowBuffer(char[] buffer)
    {
        private char[] _buffer = buffer;
        private int _length;

        public ReadOnlySpan<char> Written => _buffer.AsSpan(0, _length);

        public void Clear() => _length = 0;

        public RowBuffer Comma()
        {
            Append(",");
            return this;
        }

        public void Append(ReadOnlySpan<char> text)
        {
            Ensure(text.Length);
            text.CopyTo(_buffer.AsSpan(_length));
            _length += text.Length;
        }

        public void Format<T>(T value, ReadOnlySpan<char> format, IFormatProvider provider)
            where T : ISpanFormattable
        {
            int written;
            while (!value.TryFormat(_buffer.AsSpan(_length), out written, format, provider))
            {
                Ensure(_buffer.Length);
            }

            _length += written;
        }

        private void Ensure(int more)
        {
            if (_buffer.Length - _length < more)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
            }
        }
    }

    private static void WriteJson(TextWriter writer, SummarySet<string> s) => Output.Json(writer, json =>
    {
        json.WriteStartObject();
        json.WriteString("unit", CommonOptions.UnitName(s.Unit));
        if (s.Count == 0 && s.ObservationEnd == DateTimeOffset.MinValue)
        {
            json.WriteNull("observationEnd");
        }
        else
        {
            json.WriteString("observationEnd", s.ObservationEnd!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        }

        if (s.CalibrationEnd is { } c)
        {
            json.WriteString("calibrationEnd", c.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteNumber("holdoutDuration", s.HoldoutDuration);
        }

        json.WriteNumber("customers", s.Count);
        json.WriteStartObject("counts");
        json.WriteNumber("transactions", s.Counts.Transactions);
        json.WriteNumber("afterObservationEnd", s.Counts.AfterObservationEnd);
        json.WriteNumber("refundsExcluded", s.Counts.RefundsExcluded);
        json.WriteNumber("holdoutOnlyCustomers", s.Counts.HoldoutOnlyCustomers);
        json.WriteEndObject();
        json.WriteStartArray("summaries");
        for (var i = 0; i < s.Count; i++)
        {
            json.WriteStartObject();
            json.WriteString("customerId", s.Ids[i]);
            json.WriteNumber("frequency", s.Frequency[i]);
            json.WriteNumber("recency", s.Recency[i]);
            json.WriteNumber("t", s.T[i]);
            json.WriteNumber("monetaryValue", s.MonetaryValue[i]);
            json.WriteNumber("transactions", s.TransactionCount[i]);
            json.WriteNumber("totalSpend", s.TotalSpend[i]);
            if (s.HasHoldout)
            {
                json.WriteNumber("frequencyHoldout", s.HoldoutFrequency[i]);
                json.WriteNumber("monetaryValueHoldout", s.HoldoutMonetaryValue[i]);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    private static void ReportCounts(TextWriter stderr, string source, SummarySet<string> s)
    {
        var c = s.Counts;
        stderr.WriteLine(FormattableString.Invariant($"{source}: {c.Transactions} transactions, {s.Count} customers summarized; excluded: {c.AfterObservationEnd} after the observation end, {c.RefundsExcluded} refunds, {c.HoldoutOnlyCustomers} customers first seen in the holdout."));
    }
}
