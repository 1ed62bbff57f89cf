using System.Globalization;
using Lifecycle.Cli.IO;

namespace Lifecycle.Cli.Tests;

public sealed class NaturalIdComparerTests
{
    // The order before the shortcut for plain digit ids: numbers when both parse as long, else ordinal.
    private static int Reference(string x, string y) =>
        long.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var a) && long.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out var b)
            ? a.CompareTo(b)
            : string.CompareOrdinal(x, y);

    [Fact]
    public void Compare_EveryPairOfCornerIds_AgreesWithParsingBoth()
    {
        string[] ids =
        [
            "0", "00", "007", "7", "8", "9", "10", "99", "100", "0100", "1", "01",
            "999999999999999999", "1000000000000000000", "999999999999999998", "123456789012345678",
            "9223372036854775807", "9223372036854775808", "18446744073709551616",
            "-1", "+1", " 1", "1 ", "1a", "a", "A", "", "١٢", "１", "Zoë", "客户", "1.5", "1e3",
        ];
        foreach (var x in ids)
        {
            foreach (var y in ids)
            {
                Assert.True(Math.Sign(Reference(x, y)) == Math.Sign(NaturalIdComparer.Instance.Compare(x, y)), $"'{x}' vs '{y}'");
            }
        }
    }

    [Fact]
    public void Compare_SeededRandomDigitIds_AgreesWithParsingBoth()
    {
        var random = new Random(14);
        for (var n = 0; n < 20_000; n++)
        {
            var x = Digits(random);
            var y = random.Next(4) == 0 ? x : Digits(random);
            Assert.True(Math.Sign(Reference(x, y)) == Math.Sign(NaturalIdComparer.Instance.Compare(x, y)), $"'{x}' vs '{y}'");
        }
    }

    private static string Digits(Random random)
    {
        var length = random.Next(1, 21);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)('0' + (random.Next(5) == 0 ? 0 : random.Next(10)));
        }

        return new string(chars);
    }
}
