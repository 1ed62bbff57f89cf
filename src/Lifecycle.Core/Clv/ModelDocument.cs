using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Lifecycle.Clv;

/// <summary>The model file: a versioned JSON document with the model's family, parameters and time unit, and the fit's diagnostics when known.</summary>
/// <remarks>
/// <para>Format version 1 (written by this library):</para>
/// <code>
/// { "formatVersion": 1, "model": "bgnbd", "unit": "weeks",
///   "parameters": { "r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259 },
///   "customers": 2357, "standardErrors": { "r": 0.0125, ... }, "logLikelihood": -9582.43,
///   "converged": true, "exitReason": "GradientTolerance", "iterations": 31, "libraryVersion": "0.1.0" }
/// </code>
/// <para>Only <c>model</c> and <c>parameters</c> are required, so a model with known parameters can be written by hand;
/// a file without <c>formatVersion</c> is read as version 0 (what the CLI wrote before units were recorded). A
/// family on a time unit (BG/NBD, MBG/NBD, Pareto/NBD) needs <c>"unit"</c> in the file or a unit from the caller
/// (<see cref="CreateModel(TimeUnit)"/>); a file's unit wins, and a caller's unit that contradicts it is an error naming
/// both. Duplicate keys, unknown parameter names, non-finite numbers and newer format versions are rejected with
/// the line and column. Immutable and thread-safe.</para>
/// </remarks>
public sealed class ModelDocument
{
    /// <summary>The format version this library writes.</summary>
    public const int CurrentFormatVersion = 1;

    private static readonly JsonDocumentOptions ReadOptions = new() { AllowDuplicateProperties = false, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false };

    private ModelDocument(ModelFamily family, double[] parameters)
    {
        Family = family;
        Parameters = Array.AsReadOnly(parameters);
    }

    /// <summary>Gets the format version of the file (0 for a file without <c>formatVersion</c>).</summary>
    public int FormatVersion { get; private init; } = CurrentFormatVersion;

    /// <summary>Gets the model family.</summary>
    public ModelFamily Family { get; }

    /// <summary>Gets the parameter values in the order of <see cref="ModelFamily.ParameterNames"/>.</summary>
    public IReadOnlyList<double> Parameters { get; }

    /// <summary>Gets the time unit recorded in the file, or <see cref="TimeUnit.None"/> when it records none (a hand-written or version-0 file, or a family without a time scale).</summary>
    public TimeUnit Unit { get; private init; }

    /// <summary>Gets the fit's total log-likelihood, when recorded.</summary>
    public double? LogLikelihood { get; private init; }

    /// <summary>Gets the standard errors in parameter order (null entries where unavailable), or null when not recorded.</summary>
    public IReadOnlyList<double?>? StandardErrors { get; private init; }

    /// <summary>Gets why the standard errors are unavailable, when recorded.</summary>
    public string? StandardErrorsUnavailableReason { get; private init; }

    /// <summary>Gets whether the fit converged, when recorded.</summary>
    public bool? Converged { get; private init; }

    /// <summary>Gets why the fit stopped (a <see cref="FitExitReason"/> name), when recorded.</summary>
    public string? ExitReason { get; private init; }

    /// <summary>Gets the boundary the fit ran to (what the data show), when recorded.</summary>
    public string? Boundary { get; private init; }

    /// <summary>Gets the limit model offered at the boundary, when recorded.</summary>
    public string? LimitModel { get; private init; }

    /// <summary>Gets the number of optimizer iterations, when recorded.</summary>
    public int? Iterations { get; private init; }

    /// <summary>Gets the number of customers (sum of weights) the model was fitted on, when recorded.</summary>
    public double? Customers { get; private init; }

    /// <summary>Gets the version of the library that wrote the file, when recorded.</summary>
    public string? LibraryVersion { get; private init; }

    /// <summary>Gets the version of this library, as written into <c>libraryVersion</c>.</summary>
    public static string CurrentLibraryVersion { get; } =
        typeof(ModelDocument).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(ModelDocument).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Creates the document of a model with known parameters (no fit diagnostics).</summary>
    /// <param name="model">A model from the catalog.</param>
    /// <returns>The document, with the model's unit.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    public static ModelDocument FromModel(IParametricModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new ModelDocument(model.Family, [.. model.Parameters]) { Unit = model.Family.HasTimeUnit ? model.TimeUnit : TimeUnit.None, LibraryVersion = CurrentLibraryVersion };
    }

    /// <summary>Creates the document of a fit: the model, its unit and every diagnostic.</summary>
    /// <param name="fit">A fit from the catalog or a model's <c>Fit</c>.</param>
    /// <returns>The document.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="fit"/> is null.</exception>
    public static ModelDocument FromFit(IFitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var model = fit.Model;
        return new ModelDocument(model.Family, [.. fit.Parameters])
        {
            Unit = model.Family.HasTimeUnit ? model.TimeUnit : TimeUnit.None,
            LogLikelihood = double.IsFinite(fit.LogLikelihood) ? fit.LogLikelihood : null,
            StandardErrors = Array.AsReadOnly(fit.StandardErrors.Select(se => double.IsFinite(se) ? se : (double?)null).ToArray()),
            StandardErrorsUnavailableReason = fit.StandardErrorsUnavailableReason,
            Converged = fit.Converged,
            ExitReason = fit.ExitReason.ToString(),
            Boundary = fit.Boundary?.Reason,
            LimitModel = fit.Boundary?.LimitModel,
            Iterations = fit.Iterations,
            Customers = fit.CustomersUsed,
            LibraryVersion = CurrentLibraryVersion,
        };
    }

    /// <summary>Reads a model file.</summary>
    /// <param name="json">The file's text.</param>
    /// <returns>The document.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="ModelFileException">The text is not valid JSON, has a duplicate key, misses <c>model</c> or <c>parameters</c>, names an unknown model or parameter, has a non-finite or non-positive parameter, an unknown unit, or a newer format version (the message says which, with line and column where known).</exception>
    public static ModelDocument Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, ReadOptions);
        }
        catch (JsonException e) when (e.LineNumber is null && DuplicateName(e.Message) is { } duplicate)
        {
            // The reader reports a duplicate key without a position: point at its second occurrence.
            var first = json.IndexOf("\"" + duplicate + "\"", StringComparison.Ordinal);
            var second = first < 0 ? -1 : json.IndexOf("\"" + duplicate + "\"", first + 1, StringComparison.Ordinal);
            var (line, column) = second < 0 ? ((long?)null, (long?)null) : LineColumn(json, second);
            throw new ModelFileException(FormattableString.Invariant($"the key \"{duplicate}\" appears twice; a model file must name each key once (which value was meant is unknowable)."), line, column, e);
        }
        catch (JsonException e)
        {
            throw new ModelFileException("not valid JSON: " + ModelFitting.PlainMessage(e).Split(" LineNumber:")[0].Split(" Path:")[0].TrimEnd() + " Expected {\"model\": \"bgnbd\", \"unit\": \"weeks\", \"parameters\": {\"r\": ..., \"alpha\": ..., \"a\": ..., \"b\": ...}}.", e.LineNumber + 1, e.BytePositionInLine + 1, e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ModelFileException("the file must hold one JSON object such as {\"model\": \"bgnbd\", \"unit\": \"weeks\", \"parameters\": {...}}.", 1, 1);
            }

            var version = 0;
            if (root.TryGetProperty("formatVersion", out var v))
            {
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out version) || version < 0)
                {
                    throw At(json, "formatVersion", FormattableString.Invariant($"\"formatVersion\" must be a whole number >= 0, found {v.GetRawText()}."));
                }

                if (version > CurrentFormatVersion)
                {
                    throw At(json, "formatVersion", FormattableString.Invariant($"\"formatVersion\" {version} is newer than this library reads ({CurrentFormatVersion}); upgrade Lifecycle.Core ({CurrentLibraryVersion}) or write the file with format {CurrentFormatVersion}."));
                }
            }

            if (!root.TryGetProperty("model", out var modelElement) || modelElement.ValueKind != JsonValueKind.String)
            {
                throw new ModelFileException("missing \"model\": a string, one of " + string.Join(", ", ModelCatalog.Names) + ".", null, null);
            }

            var name = modelElement.GetString()!;
            if (!ModelCatalog.TryGet(name, out var family))
            {
                throw At(json, "model", FormattableString.Invariant($"\"model\" \"{name}\" is not a model; use one of {string.Join(", ", ModelCatalog.Names)}."));
            }

            if (!root.TryGetProperty("parameters", out var parameters) || parameters.ValueKind != JsonValueKind.Object)
            {
                throw new ModelFileException(FormattableString.Invariant($"missing \"parameters\": an object with {string.Join(", ", family.ParameterNames)} for a {name} model."), null, null);
            }

            var values = ReadNamed(json, family, parameters, "parameters", required: true, positive: true);
            var unit = TimeUnit.None;
            if (root.TryGetProperty("unit", out var unitElement) && unitElement.ValueKind != JsonValueKind.Null)
            {
                unit = unitElement.ValueKind == JsonValueKind.String ? ParseUnit(unitElement.GetString()!) : TimeUnit.None;
                if (unit == TimeUnit.None)
                {
                    throw At(json, "unit", FormattableString.Invariant($"\"unit\" must be \"days\" or \"weeks\", found {unitElement.GetRawText()}."));
                }
            }

            IReadOnlyList<double?>? standardErrors = null;
            if (root.TryGetProperty("standardErrors", out var se) && se.ValueKind == JsonValueKind.Object)
            {
                var read = ReadNamed(json, family, se, "standardErrors", required: false, positive: false);
                standardErrors = Array.AsReadOnly(read);
            }

            return new ModelDocument(family, [.. values.Select(x => x!.Value)])
            {
                FormatVersion = version,
                Unit = family.HasTimeUnit ? unit : TimeUnit.None,
                LogLikelihood = Number(root, "logLikelihood"),
                StandardErrors = standardErrors,
                StandardErrorsUnavailableReason = Text(root, "standardErrorsUnavailableReason"),
                Converged = root.TryGetProperty("converged", out var c) && c.ValueKind is JsonValueKind.True or JsonValueKind.False ? c.GetBoolean() : null,
                ExitReason = Text(root, "exitReason"),
                Boundary = Text(root, "boundary"),
                LimitModel = Text(root, "limitModel"),
                Iterations = root.TryGetProperty("iterations", out var it) && it.ValueKind == JsonValueKind.Number && it.TryGetInt32(out var iterations) ? iterations : null,
                Customers = Number(root, "customers"),
                LibraryVersion = Text(root, "libraryVersion"),
            };
        }
    }

    /// <summary>The unit a model made from this file is on: the file's, checked against the caller's.</summary>
    /// <param name="given">The unit the caller expects (for example the unit of the summaries it will score), or <see cref="TimeUnit.None"/> for none.</param>
    /// <returns>The unit (<see cref="TimeUnit.None"/> for a family without a time scale).</returns>
    /// <exception cref="ArgumentException">The file records a unit and <paramref name="given"/> is a different one (the message names both), or the family needs a unit and neither the file nor the caller gives one.</exception>
    public TimeUnit ResolveUnit(TimeUnit given)
    {
        if (!Family.HasTimeUnit)
        {
            return TimeUnit.None;
        }

        if (Unit != TimeUnit.None)
        {
            if (given != TimeUnit.None && given != Unit)
            {
                ThrowHelper.Argument(nameof(given), FormattableString.Invariant($"the model file is in {Name(Unit)} but {Name(given)} were asked for; use the file's unit {Name(Unit)} (or refit on {Name(given)})."));
            }

            return Unit;
        }

        if (given == TimeUnit.None)
        {
            ThrowHelper.Argument(nameof(given), FormattableString.Invariant($"the {Family.Name} model file records no \"unit\"; give the unit its parameters are on (days or weeks), or add \"unit\" to the file."));
        }

        return given;
    }

    /// <summary>Creates the model: the family at the file's parameters on the resolved unit (<see cref="ResolveUnit"/>).</summary>
    /// <param name="given">The unit the caller expects, or <see cref="TimeUnit.None"/>.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">The units disagree or none is known (see <see cref="ResolveUnit"/>), or a parameter is outside the family's range.</exception>
    public IParametricModel CreateModel(TimeUnit given) => Family.Create(Parameters, ResolveUnit(given));

    /// <summary>Writes the document as indented JSON (camelCase names, doubles in round-trip precision, null for unavailable values).</summary>
    /// <returns>The JSON text, ending with a newline.</returns>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteTo(json);
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Writes the document as one JSON object.</summary>
    /// <param name="json">The writer.</param>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    public void WriteTo(Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        json.WriteNumber("formatVersion", CurrentFormatVersion);
        json.WriteString("model", Family.Name);
        if (Unit != TimeUnit.None)
        {
            json.WriteString("unit", Name(Unit));
        }

        if (Customers is { } customers)
        {
            json.WriteNumber("customers", customers);
        }

        json.WriteStartObject("parameters");
        for (var i = 0; i < Parameters.Count; i++)
        {
            json.WriteNumber(Family.ParameterNames[i], Parameters[i]);
        }

        json.WriteEndObject();
        if (StandardErrors is { } se)
        {
            json.WriteStartObject("standardErrors");
            for (var i = 0; i < se.Count; i++)
            {
                if (se[i] is { } value)
                {
                    json.WriteNumber(Family.ParameterNames[i], value);
                }
                else
                {
                    json.WriteNull(Family.ParameterNames[i]);
                }
            }

            json.WriteEndObject();
        }

        WriteIf(json, "standardErrorsUnavailableReason", StandardErrorsUnavailableReason);
        if (LogLikelihood is { } ll)
        {
            json.WriteNumber("logLikelihood", ll);
        }

        if (Converged is { } converged)
        {
            json.WriteBoolean("converged", converged);
        }

        WriteIf(json, "exitReason", ExitReason);
        WriteIf(json, "boundary", Boundary);
        WriteIf(json, "limitModel", LimitModel);
        if (Iterations is { } iterations)
        {
            json.WriteNumber("iterations", iterations);
        }

        WriteIf(json, "libraryVersion", LibraryVersion);
        json.WriteEndObject();
    }

    /// <summary>The name a unit has in a model file: "days" or "weeks".</summary>
    /// <param name="unit">Days or Weeks.</param>
    /// <returns>The lower-case name ("none" for <see cref="TimeUnit.None"/>).</returns>
    public static string Name(TimeUnit unit) => unit switch
    {
        TimeUnit.Days => "days",
        TimeUnit.Weeks => "weeks",
        _ => "none",
    };

    private static TimeUnit ParseUnit(string text) => text switch
    {
        "days" => TimeUnit.Days,
        "weeks" => TimeUnit.Weeks,
        _ => TimeUnit.None,
    };

    private static void WriteIf(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static double? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var d) && double.IsFinite(d) ? d : null;

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    private static double?[] ReadNamed(string json, ModelFamily family, JsonElement obj, string what, bool required, bool positive)
    {
        var values = new double?[family.ParameterNames.Count];
        foreach (var p in obj.EnumerateObject())
        {
            var index = IndexOf(family, p.Name);
            if (index < 0)
            {
                throw At(json, p.Name, FormattableString.Invariant($"\"{what}\" has \"{p.Name}\", which is not a parameter of a {family.Name} model; its parameters are {string.Join(", ", family.ParameterNames)}."));
            }

            if (p.Value.ValueKind == JsonValueKind.Null && !required)
            {
                continue;
            }

            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetDouble(out var value) || !double.IsFinite(value) || (positive && value <= 0))
            {
                throw At(json, p.Name, FormattableString.Invariant($"{what} \"{p.Name}\" must be a finite number{(positive ? " > 0" : string.Empty)}, found {p.Value.GetRawText()}."));
            }

            values[index] = value;
        }

        if (required)
        {
            var missing = family.ParameterNames.Where((_, i) => values[i] is null).ToArray();
            if (missing.Length > 0)
            {
                throw new ModelFileException(FormattableString.Invariant($"a {family.Name} model needs parameter{(missing.Length > 1 ? "s" : string.Empty)} {string.Join(", ", missing.Select(m => "\"" + m + "\""))} in \"{what}\" (its parameters are {string.Join(", ", family.ParameterNames)})."), null, null);
            }
        }

        return values;
    }

    private static int IndexOf(ModelFamily family, string name)
    {
        for (var i = 0; i < family.ParameterNames.Count; i++)
        {
            if (string.Equals(family.ParameterNames[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static string? DuplicateName(string message)
    {
        const string Marker = "Duplicate property '";
        var at = message.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var end = message.IndexOf('\'', at + Marker.Length);
        return end < 0 ? null : message[(at + Marker.Length)..end];
    }

    private static (long? Line, long? Column) LineColumn(string json, int at)
    {
        var line = 1 + json.AsSpan(0, at).Count('\n');
        var lineStart = at == 0 ? 0 : json.LastIndexOf('\n', at - 1) + 1;
        return (line, at - lineStart + 1);
    }

    // Line and column of the first occurrence of "name": in the text, so messages point into the file.
    private static ModelFileException At(string json, string name, string message)
    {
        var at = json.IndexOf("\"" + name + "\"", StringComparison.Ordinal);
        if (at < 0)
        {
            return new ModelFileException(message, null, null);
        }

        var (line, column) = LineColumn(json, at);
        return new ModelFileException(message, line, column);
    }
}

/// <summary>A model file that cannot be read: the message says what is wrong and what was expected; <see cref="Line"/> and <see cref="Column"/> point into the file where known.</summary>
public sealed class ModelFileException : FormatException
{
    /// <summary>Initializes a new instance of the <see cref="ModelFileException"/> class.</summary>
    public ModelFileException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelFileException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    public ModelFileException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelFileException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ModelFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ModelFileException(string message, long? line, long? column, Exception? innerException = null)
        : base(message, innerException)
    {
        Line = line;
        Column = column;
    }

    /// <summary>Gets the 1-based line of the problem, or null when it is not at one place.</summary>
    public long? Line { get; }

    /// <summary>Gets the 1-based column of the problem, or null.</summary>
    public long? Column { get; }

    /// <summary>Gets the position as "LINE:COLUMN: " (or "LINE: " or empty), to put after a file name.</summary>
    public string Position => Line is { } l ? (Column is { } c ? string.Create(CultureInfo.InvariantCulture, $"{l}:{c}: ") : string.Create(CultureInfo.InvariantCulture, $"{l}: ")) : string.Empty;
}
