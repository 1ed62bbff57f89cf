using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Lifecycle;

/// <summary>A range rule for one option whose failure message names the option's configuration path, the value, the range and the fix.</summary>
/// <remarks>
/// The options source generator copies the stock <see cref="RangeAttribute"/> into a generated type that ignores
/// <see cref="ValidationAttribute.ErrorMessage"/> (dotnet/runtime#123137, open at Microsoft.Extensions.Options 10.0.0),
/// so its messages cannot carry the fix. Other validation attributes are instantiated as written, so the generated
/// validator calls this one without reflection. Doubles are checked for NaN and infinity first.
/// </remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
internal sealed class OptionRangeAttribute : ValidationAttribute
{
    public OptionRangeAttribute(string path, double minimum, double maximum, string fix)
    {
        Path = path;
        Minimum = minimum;
        Maximum = maximum;
        Fix = fix;
    }

    public string Path { get; }

    public double Minimum { get; }

    public double Maximum { get; }

    public string Fix { get; }

    public bool MinimumIsExclusive { get; set; }

    public string Unit { get; set; } = string.Empty;

    public override bool RequiresValidationContext => false;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        double x;
        switch (value)
        {
            case null:
                return ValidationResult.Success;
            case int i:
                x = i;
                break;
            case double d:
                x = d;
                break;
            default:
                return new ValidationResult(FormattableString.Invariant($"{Path} has an unexpected type {value.GetType().Name}; set a number."));
        }

        var inRange = double.IsFinite(x) && (MinimumIsExclusive ? x > Minimum : x >= Minimum) && x <= Maximum;
        return inRange ? ValidationResult.Success : new ValidationResult(Message(value));
    }

    private string Message(object value)
    {
        var unit = Unit.Length == 0 ? string.Empty : " " + Unit;
        var range = MinimumIsExclusive
            ? string.Create(CultureInfo.InvariantCulture, $"greater than {Minimum} and at most {Maximum}{unit}")
            : string.Create(CultureInfo.InvariantCulture, $"between {Minimum} and {Maximum}{unit}");
        var shown = value is double d ? d.ToString("R", CultureInfo.InvariantCulture) : Convert.ToString(value, CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{Path} = {shown} must be {range}; {Fix}.");
    }
}
