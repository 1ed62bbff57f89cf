using Lifecycle.Clv;
using Lifecycle.Cli.IO;

namespace Lifecycle.Cli;

/// <summary>The model file of <c>fit --json</c> / <c>--out</c> and <c>predict --model-file</c> (CLI.md): Core's <see cref="ModelDocument"/>, with file names and <c>--unit</c> in the messages.</summary>
internal static class ModelFile
{
    /// <summary>Writes the versioned model document of a fit (formatVersion, model, unit, parameters, diagnostics).</summary>
    public static void Write(TextWriter writer, IFitResult fit) =>
        Output.Json(writer, json => ModelDocument.FromFit(fit).WriteTo(json));

    /// <summary>Reads a model file; only <c>model</c> and <c>parameters</c> are required.</summary>
    public static ModelDocument Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliInputException($"{path}: file not found; pass a model file written by 'lifecycle fit --out' (or by hand: {{\"model\": \"bgnbd\", \"unit\": \"weeks\", \"parameters\": {{...}}}}).");
        }

        try
        {
            return ModelDocument.Parse(File.ReadAllText(path));
        }
        catch (ModelFileException e)
        {
            throw new CliInputException(path + ":" + (e.Position.Length == 0 ? " " : e.Position) + e.Message, e);
        }
    }

    /// <summary>The model's unit: the file's, checked against <c>--unit</c> when the user gave it; a unit-less file needs <c>--unit</c>.</summary>
    /// <param name="path">The file, for messages.</param>
    /// <param name="document">The file's document.</param>
    /// <param name="given">The unit given with <c>--unit</c>, or <see cref="TimeUnit.None"/> when the option was not on the command line.</param>
    public static TimeUnit Unit(string path, ModelDocument document, TimeUnit given)
    {
        if (!document.Family.HasTimeUnit)
        {
            return TimeUnit.None;
        }

        if (document.Unit != TimeUnit.None && given != TimeUnit.None && given != document.Unit)
        {
            throw new CliInputException($"{path}: --unit {ModelDocument.Name(given)} contradicts the model file's unit {ModelDocument.Name(document.Unit)}; drop --unit (the file's unit wins) or refit with 'fit --unit {ModelDocument.Name(given)}'.");
        }

        if (document.Unit == TimeUnit.None && given == TimeUnit.None)
        {
            throw new CliInputException($"{path}: the {document.Family.Name} model file records no \"unit\"; pass --unit days or --unit weeks (the unit its parameters were fitted on), or add \"unit\" to the file.");
        }

        return document.Unit != TimeUnit.None ? document.Unit : given;
    }

    /// <summary>Creates the file's model on its resolved unit; a parameter outside its range is bad input naming the file.</summary>
    public static IParametricModel Create(string path, ModelDocument document, TimeUnit given)
    {
        var unit = Unit(path, document, given);
        try
        {
            return document.Family.Create(document.Parameters, unit);
        }
        catch (ArgumentException e)
        {
            throw new CliInputException(path + ": " + PlainMessage(e), e);
        }
    }

    /// <summary>A library message without the framework's " (Parameter '…')" suffix (CLI messages name the value themselves).</summary>
    public static string PlainMessage(Exception e)
    {
        var cut = e.Message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return cut >= 0 ? e.Message[..cut] : e.Message;
    }
}
