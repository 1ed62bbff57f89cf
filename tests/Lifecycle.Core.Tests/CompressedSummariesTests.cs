using FsCheck;
using FsCheck.Fluent;

namespace Lifecycle.Tests;

/// <summary>Compression by hashing then sorting the unique rows gives exactly the rows of sorting every row.</summary>
public sealed class CompressedSummariesTests
{
    // The previous implementation: sort all rows, then sum the weights of equal neighbours.
    private static (double[] F, double[] R, double[] T, double[] W) Reference(double[] f, double[] r, double[] t, double[] w)
    {
        var rows = f.Select((x, i) => (F: x, R: r[i], T: t[i], W: w.Length == 0 ? 1.0 : w[i])).OrderBy(x => x.F).ThenBy(x => x.R).ThenBy(x => x.T).ToList();
        List<double> of = [], or = [], ot = [], ow = [];
        foreach (var row in rows)
        {
            var last = of.Count - 1;
            if (last >= 0 && of[last] == row.F && or[last] == row.R && ot[last] == row.T)
            {
                ow[last] += row.W;
            }
            else
            {
                of.Add(row.F);
                or.Add(row.R);
                ot.Add(row.T);
                ow.Add(row.W);
            }
        }

        return ([.. of], [.. or], [.. ot], [.. ow]);
    }

    /// <summary>
    /// Rows drawn from a small grid so many repeat (the case compression is for); integer weights (or none), so every
    /// weight sum is exact whatever the order of addition and the comparison is exact equality.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property Create_AnyRows_SameUniqueRowsOrderAndWeightsAsSortingAll()
    {
        var row = from x in Gen.Choose(0, 4)
                  from age in Gen.Choose(0, 6)
                  from rec in Gen.Choose(0, 6)
                  from w in Gen.Choose(0, 3)
                  select (F: (double)x, R: x == 0 ? 0.0 : Math.Min(rec, age) * 0.5, T: age * 0.5, W: (double)w);
        var data = from rows in row.ArrayOf()
                   from weighted in Gen.Elements(true, false)
                   select (Rows: rows, Weighted: weighted);
        return Prop.ForAll(data.ToArbitrary(), d =>
        {
            var f = d.Rows.Select(x => x.F).ToArray();
            var r = d.Rows.Select(x => x.R).ToArray();
            var t = d.Rows.Select(x => x.T).ToArray();
            var w = d.Weighted ? d.Rows.Select(x => x.W).ToArray() : [];
            var c = CompressedSummaries.Create(f, r, t, w, TimeUnit.Days);
            var (ef, er, et, ew) = Reference(f, r, t, w);
            return (c.Frequency.SequenceEqual(ef) && c.Recency.SequenceEqual(er) && c.T.SequenceEqual(et) && c.Weight.SequenceEqual(ew))
                .Classify(d.Rows.Length > ef.Length, "some rows merged");
        });
    }
}
