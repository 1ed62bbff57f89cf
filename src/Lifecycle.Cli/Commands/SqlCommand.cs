using System.CommandLine;

namespace Lifecycle.Cli.Commands;

/// <summary><c>lifecycle sql --dialect duckdb|postgres --table NAME</c>: prints the summary SQL so the expensive step runs where the data are.</summary>
internal static class SqlCommand
{
    public static Command Create(CliContext context)
    {
        var dialect = new Option<string>("--dialect") { Description = "SQL dialect: duckdb or postgres.", DefaultValueFactory = _ => "duckdb" }.WithValues("duckdb", "postgres");
        var table = new Option<string>("--table") { Description = "The table or view to read, used as written after FROM (schema.table, or in DuckDB read_parquet('tx.parquet')).", Required = true };
        var idColumn = new Option<string>("--id-column") { Description = "Name of the customer id column.", DefaultValueFactory = _ => "customer_id" };
        var dateColumn = new Option<string>("--date-column") { Description = "Name of the date column (DATE, TIMESTAMP read as UTC, or TIMESTAMPTZ).", DefaultValueFactory = _ => "date" };
        var amountColumn = new Option<string>("--amount-column") { Description = "Name of the amount column.", DefaultValueFactory = _ => "amount" };
        var unit = CommonOptions.Unit();
        var end = CommonOptions.Date("--end", "Observation end (required: the SQL reads no data here to find it)");
        var calibrationEnd = CommonOptions.Date("--calibration-end", "End of the calibration period (frequency, recency and T use only the calibration period)");
        var includeFirst = new Option<bool>("--include-first") { Description = "Include the first purchase in the monetary value (default: repeat purchases only)." };
        var compressed = new Option<bool>("--compressed") { Description = "Print the compressed rows frequency,recency,T,weight (what fit reads) instead of one row per customer." };
        var output = CommonOptions.Out("Write the SQL to this file instead of stdout.");
        var command = new Command("sql", "Print one SQL SELECT that computes the per-customer summary (or, with --compressed, the weighted rows) inside DuckDB or PostgreSQL; negative amounts are left out.")
        {
            dialect, table, idColumn, dateColumn, amountColumn, unit, end, calibrationEnd, includeFirst, compressed, output,
        };
        command.SetAction(parse =>
        {
            var observationEnd = CommonOptions.ParseDate(parse.GetValue(end), "--end")
                ?? throw new CliInputException("--end is required for sql: the SQL reads no data here, so the observation end must be given (for example --end 1998-06-30).");
            var calibration = CommonOptions.ParseDate(parse.GetValue(calibrationEnd), "--calibration-end");
            if (calibration > observationEnd)
            {
                throw new CliInputException($"--calibration-end {calibration:yyyy-MM-dd} is after --end {observationEnd:yyyy-MM-dd}; choose a calibration end on or before the observation end.");
            }

            var relation = parse.GetValue(table)!;
            if (string.IsNullOrWhiteSpace(relation))
            {
                throw new CliInputException("--table is empty; pass the table to read, for example --table transactions.");
            }

            var columns = new TransactionColumns
            {
                CustomerId = NonEmpty(parse.GetValue(idColumn), "--id-column"),
                Date = NonEmpty(parse.GetValue(dateColumn), "--date-column"),
                Amount = NonEmpty(parse.GetValue(amountColumn), "--amount-column"),
            };
            var options = new SummarizerOptions(observationEnd)
            {
                CalibrationEnd = calibration,
                Unit = CommonOptions.ParseUnit(parse.GetValue(unit)!),
                IncludeFirstPurchaseInMonetaryValue = parse.GetValue(includeFirst),
                Refunds = RefundPolicy.Exclude,
            };
            var sqlDialect = parse.GetValue(dialect) == "postgres" ? SqlDialect.PostgreSql : SqlDialect.DuckDB;
            var sql = parse.GetValue(compressed)
                ? SummarySql.Compressed(sqlDialect, relation, columns, options)
                : SummarySql.Summary(sqlDialect, relation, columns, options);
            using var writer = IO.Output.Open(parse.GetValue(output), context.Out);
            writer.WriteLine(sql + ";");
            writer.Flush();
            return CliApp.Success;
        });
        return command;
    }

    private static string NonEmpty(string? value, string option) =>
        string.IsNullOrEmpty(value) ? throw new CliInputException($"{option} is empty; pass the column's name as it appears in the table.") : value;
}
