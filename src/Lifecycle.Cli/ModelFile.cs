using System.Globalization;
using System.Text.Json;
using Lifecycle.Clv;
using Lifecycle.Cli.IO;

namespace Lifecycle.Cli;

/// <summary>The model JSON document of <c>fit --json</c> / <c>--out</c> (CLI.md), and reading it back for <c>predict</c>.</summary>
internal static class ModelFile
{
    /// <summary>Writes the exact CLI.md shape: model, customers, parameters, standardErrors, logLikelihood, converged, iterations.</summary>
    public static void Write<TModel>(TextWriter writer, string model, FitResult<TModel> fit)
        where TModel : class => Output.Json(writer, json =>
    {
        json.WriteStartObject();
        json.WriteString("model", model);
        json.WriteNumber("customers", fit.CustomersUsed);
        json.WriteStartObject("parameters");
        for (var i = 0; i < fit.ParameterNames.Count; i++)
        {
            json.WriteNumber(fit.ParameterNames[i], fit.Parameters[i]);
        }

        json.WriteEndObject();
        json.WriteStartObject("standardErrors");
        for (var i = 0; i < fit.ParameterNames.Count; i++)
        {
            // JSON has no NaN: an unavailable standard error (no positive-definite information matrix) is null.
            if (double.IsFinite(fit.StandardErrors[i]))
            {
                json.WriteNumber(fit.ParameterNames[i], fit.StandardErrors[i]);
            }
            else
            {
                json.WriteNull(fit.ParameterNames[i]);
            }
        }

        json.WriteEndObject();
        json.WriteNumber("logLikelihood", fit.LogLikelihood);
        json.WriteBoolean("converged", fit.Converged);
        json.WriteNumber("iterations", fit.Iterations);
        json.WriteEndObject();
    });

    /// <summary>Reads a model file; only <c>model</c> and <c>parameters</c> are required.</summary>
    public static (string Model, Dictionary<string, double> Parameters) Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliInputException($"{path}: file not found; pass a model file written by 'lifecycle fit --out' (or by hand: {{\"model\": \"bgnbd\", \"parameters\": {{...}}}}).");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new CliInputException($"{path}:{e.LineNumber + 1}: not valid JSON ({e.Message}); expected {{\"model\": \"bgnbd\", \"parameters\": {{\"r\": ..., \"alpha\": ..., \"a\": ..., \"b\": ...}}}}.");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String)
            {
                throw new CliInputException($"{path}: missing \"model\" (a string such as \"bgnbd\" or \"gamma-gamma\").");
            }

            if (!root.TryGetProperty("parameters", out var parameters) || parameters.ValueKind != JsonValueKind.Object)
            {
                throw new CliInputException($"{path}: missing \"parameters\" (an object of named numbers, e.g. {{\"r\": 0.24, \"alpha\": 4.41, \"a\": 0.79, \"b\": 2.43}}).");
            }

            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var p in parameters.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetDouble(out var v) || !double.IsFinite(v))
                {
                    throw new CliInputException($"{path}: parameter \"{p.Name}\" must be a finite number, found {p.Value.GetRawText()}.");
                }

                values[p.Name] = v;
            }

            return (model.GetString()!, values);
        }
    }

    public static double Get(string path, string model, Dictionary<string, double> parameters, string name)
    {
        if (!parameters.TryGetValue(name, out var value))
        {
            throw new CliInputException($"{path}: the {model} model needs parameter \"{name}\"; found {string.Join(", ", parameters.Keys)}.");
        }

        if (!(value > 0))
        {
            throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"{path}: parameter \"{name}\" = {value} must be > 0."));
        }

        return value;
    }
}
