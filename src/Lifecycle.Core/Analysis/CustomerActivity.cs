using System.Numerics;
using Lifecycle.Metrics;

namespace Lifecycle.Analysis;

/// <summary>
/// The compact per-customer activity one pass over the transactions leaves for churn, cohorts, survival and the
/// tracking plot: per customer and calendar period (or day, when the churn window is shorter than a period) the first and last purchase instant and the total, and per
/// customer and 7-day week a bit per purchase day. Memory grows with customers and their active periods (48 bytes per
/// active period, 8 per active week), never with transactions or with the date span.
/// </summary>
/// <remarks>
/// <para>Inactivity churn with a window of at least one period only looks at gaps between consecutive purchases, and any
/// gap longer than a period starts at a period's last purchase and ends at a later period's first one, so these two
/// instants per period give the same spells, and the totals the same revenue, as the full log.</para>
/// <para>Cells are appended to chunked logs (no copy of the whole log when it grows); a customer's latest cell is
/// updated in place, so time-ordered input costs one array write per transaction. Out-of-order input only adds cells,
/// which <see cref="Seal"/> merges after grouping by customer (a counting sort, linear).</para>
/// </remarks>
internal sealed class CustomerActivity : ICustomerRecords<Transaction<int>, int>
{
    private const int ChunkBits = 16;
    private const int ChunkSize = 1 << ChunkBits;

    private readonly List<PeriodCell[]> _cells = [];
    private readonly List<WeekCell[]> _weeks = [];
    private Open[] _open = [];
    private int[] _firstDay = [];
    private int _cellCount;
    private int _weekCount;
    private int _customers;
    private long _minTicks = long.MaxValue;
    private int[]? _cellOrder;
    private int[]? _cellOffsets;
    private int[]? _weekOrder;
    private int[]? _weekOffsets;

    private readonly PeriodCalendar _calendar;
    private readonly long _bucketTicks;

    /// <summary>Creates an empty record for a calendar and a churn window.</summary>
    /// <param name="calendar">The periods of churn and cohorts.</param>
    /// <param name="churnWindow">The inactivity churn window: the cells must be no longer than it (see remarks of the class).</param>
    public CustomerActivity(PeriodCalendar calendar, TimeSpan churnWindow)
    {
        _calendar = calendar;
        var longestPeriod = calendar.Granularity switch
        {
            PeriodGranularity.Week => TimeSpan.FromDays(7),
            PeriodGranularity.Month => TimeSpan.FromDays(31),
            _ => TimeSpan.FromDays(92),
        };

        // A cell must lie inside one period (revenue and cohorts) and be no longer than the churn window (spells): the
        // period itself when the window is at least the longest period, else UTC days, else window-long slices of a day.
        _bucketTicks = churnWindow >= longestPeriod ? 0 : Math.Min(TimeSpan.TicksPerDay, churnWindow.Ticks);
    }

    /// <summary>Gets the earliest purchase day seen (<see cref="DateTime.MaxValue"/> before any).</summary>
    public DateTime FirstDay { get; private set; } = DateTime.MaxValue;

    /// <summary>Gets the number of customers (dense indices 0 … Count − 1).</summary>
    public int Count => _customers;

    /// <summary>Gets the earliest purchase instant (UTC).</summary>
    public DateTimeOffset MinTime => new(_minTicks, TimeSpan.Zero);

    /// <summary>Gets 0: the pass leaves out what is after the observation end before it gets here.</summary>
    public long ExcludedAfterEnd => 0;

    /// <summary>Gets the customer-period cells after <see cref="Seal"/>.</summary>
    public int CellCount => _cellOffsets is null ? _cellCount : _cellOffsets[_customers];

    /// <summary>Adds a purchase of customer <paramref name="customer"/> (a dense index, new ones one above the last).</summary>
    public void Add(int customer, DateTimeOffset at, decimal amount)
    {
        if (customer >= _customers)
        {
            Grow(customer);
        }

        var ticks = at.UtcTicks;
        var offset = (short)(at.Offset.Ticks / TimeSpan.TicksPerMinute);
        var period = Bucket(at);
        _minTicks = Math.Min(_minTicks, ticks);

        // The customer's current cell and week stay in their one 64-byte slot (one cache line per transaction); a cell
        // or week goes to the logs, written sequentially, only when the customer moves on to another.
        ref var open = ref _open[customer];
        ref var cell = ref open.Cell;
        if (open.HasCell && cell.Bucket == period)
        {
            // Strict comparisons keep the first-seen instant of a tie, as the per-transaction log would.
            if (ticks < cell.FirstTicks)
            {
                cell.FirstTicks = ticks;
                cell.FirstOffset = offset;
            }

            if (ticks > cell.LastTicks)
            {
                cell.LastTicks = ticks;
                cell.LastOffset = offset;
            }

            cell.Total += amount;
        }
        else
        {
            if (open.HasCell)
            {
                Append(_cells, ref _cellCount, cell);
            }

            cell = new PeriodCell { Customer = customer, Bucket = period, FirstTicks = ticks, LastTicks = ticks, FirstOffset = offset, LastOffset = offset, Total = amount };
            open.HasCell = true;
        }

        var date = at.UtcDateTime.Date;
        var day = (int)(date.Ticks / TimeSpan.TicksPerDay);
        var week = day / 7;
        var bit = 1 << (day % 7);
        if (open.HasWeek && open.Week.Week == week)
        {
            open.Week.Packed |= bit;
        }
        else
        {
            if (open.HasWeek)
            {
                Append(_weeks, ref _weekCount, open.Week);
            }

            open.Week = new WeekCell { Customer = customer, Packed = (week << 7) | bit };
            open.HasWeek = true;
        }

        open.FirstDay = Math.Min(open.FirstDay, day);
        if (date < FirstDay)
        {
            FirstDay = date;
        }
    }
    /// <summary>Groups the cells by customer and period (merging cells a period that came back out of order left); after the last <see cref="Add"/>; later calls do nothing.</summary>
    public void Seal()
    {
        if (_cellOrder is not null)
        {
            return;
        }

        _firstDay = new int[_customers];
        for (var c = 0; c < _customers; c++)
        {
            ref readonly var open = ref _open[c];
            Append(_cells, ref _cellCount, open.Cell);
            Append(_weeks, ref _weekCount, open.Week);
            _firstDay[c] = open.FirstDay;
        }

        _open = [];

        (_cellOrder, _cellOffsets) = Group(_cellCount, i => Cell(i).Customer);
        for (var c = 0; c < _customers; c++)
        {
            var from = _cellOffsets[c];
            var to = _cellOffsets[c + 1];
            if (!Ordered(from, to, i => Cell(_cellOrder[i]).Bucket))
            {
                Array.Sort(_cellOrder, from, to - from, Comparer<int>.Create((a, b) => Cell(a).Bucket.CompareTo(Cell(b).Bucket)));
            }
        }

        (_weekOrder, _weekOffsets) = Group(_weekCount, i => Week(i).Customer);
        for (var c = 0; c < _customers; c++)
        {
            var from = _weekOffsets[c];
            var to = _weekOffsets[c + 1];
            if (!Ordered(from, to, i => Week(_weekOrder[i]).Week))
            {
                Array.Sort(_weekOrder, from, to - from, Comparer<int>.Create((a, b) => Week(a).Week.CompareTo(Week(b).Week)));
            }
        }

    }

    /// <summary>Returns <paramref name="customer"/>: the dense index is the key.</summary>
    public int KeyOf(int customer) => customer;

    /// <summary>Customer <paramref name="customer"/>'s purchases as transactions in time order, two per active period (its first purchase with the period's total, its last with 0), as the churn and cohort metrics read them.</summary>
    public ReadOnlySpan<Transaction<int>> Records(int customer, ref Transaction<int>[] buffer)
    {
        var from = _cellOffsets![customer];
        var to = _cellOffsets[customer + 1];
        if (buffer.Length < 2 * (to - from))
        {
            buffer = new Transaction<int>[Math.Max(2 * (to - from), buffer.Length * 2)];
        }

        var n = 0;
        var i = from;
        while (i < to)
        {
            // Cells of one period that came out of order are merged here (they are adjacent after the sort).
            var cell = Cell(_cellOrder![i++]);
            while (i < to && Cell(_cellOrder[i]).Bucket == cell.Bucket)
            {
                ref readonly var more = ref Cell(_cellOrder[i++]);
                if (more.FirstTicks < cell.FirstTicks)
                {
                    (cell.FirstTicks, cell.FirstOffset) = (more.FirstTicks, more.FirstOffset);
                }

                if (more.LastTicks > cell.LastTicks)
                {
                    (cell.LastTicks, cell.LastOffset) = (more.LastTicks, more.LastOffset);
                }

                cell.Total += more.Total;
            }

            buffer[n++] = new Transaction<int>(customer, Instant(cell.FirstTicks, cell.FirstOffset), cell.Total);
            if (cell.LastTicks != cell.FirstTicks)
            {
                buffer[n++] = new Transaction<int>(customer, Instant(cell.LastTicks, cell.LastOffset), 0m);
            }
        }

        return buffer.AsSpan(0, n);
    }

    /// <summary>Whole weeks from the start of the week of the first purchase to the observation end.</summary>
    public int Weeks(DateTime end, out DateTime origin)
    {
        if (FirstDay == DateTime.MaxValue)
        {
            origin = end;
            return 0;
        }

        var firstDay = (int)(FirstDay.Ticks / TimeSpan.TicksPerDay);
        origin = new DateTime((long)(firstDay / 7 * 7) * TimeSpan.TicksPerDay, DateTimeKind.Utc);
        return (int)((end.AddDays(1) - origin).TotalDays / 7);
    }

    /// <summary>Repeat purchase days (every purchase day but each customer's first) per week.</summary>
    public double[] RepeatPurchasesPerWeek(int weeks, DateTime origin)
    {
        var originWeek = (int)(origin.Ticks / TimeSpan.TicksPerDay / 7);
        var counts = new double[weeks];
        for (var c = 0; c < _customers; c++)
        {
            var firstWeek = _firstDay[c] / 7;
            var mask = 0;
            var current = int.MinValue;
            for (var j = _weekOffsets![c]; j <= _weekOffsets[c + 1]; j++)
            {
                var cell = j < _weekOffsets[c + 1] ? Week(_weekOrder![j]) : new WeekCell { Packed = -1 };
                var week = j < _weekOffsets[c + 1] ? cell.Week : int.MaxValue;
                if (week != current && current != int.MinValue)
                {
                    // Cells of one week that came out of order are adjacent after the sort and OR-ed together here.
                    var k = current - originWeek;
                    if (k >= 0 && k < weeks)
                    {
                        counts[k] += BitOperations.PopCount((uint)mask) - (firstWeek == current ? 1 : 0);
                    }

                    mask = 0;
                }

                current = week;
                mask |= cell.Packed & 0x7F;
            }
        }

        return counts;
    }

    private static DateTimeOffset Instant(long utcTicks, short offsetMinutes)
    {
        var offset = TimeSpan.FromMinutes(offsetMinutes);
        return new DateTimeOffset(utcTicks + offset.Ticks, offset);
    }

    private static int Append<T>(List<T[]> chunks, ref int count, T item)
    {
        if ((count & (ChunkSize - 1)) == 0 && count >> ChunkBits == chunks.Count)
        {
            chunks.Add(new T[ChunkSize]);
        }

        chunks[count >> ChunkBits][count & (ChunkSize - 1)] = item;
        return count++;
    }

    private static bool Ordered(int from, int to, Func<int, long> key)
    {
        for (var i = from + 1; i < to; i++)
        {
            if (key(i) < key(i - 1))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The cell of an instant: its period, or its UTC day, or its slice of the UTC day (see the constructor).</summary>
    private long Bucket(DateTimeOffset at)
    {
        if (_bucketTicks == 0)
        {
            return _calendar.IndexOf(at);
        }

        var ticks = at.UtcTicks;
        var day = ticks / TimeSpan.TicksPerDay;
        var slices = (TimeSpan.TicksPerDay + _bucketTicks - 1) / _bucketTicks;
        return (day * slices) + ((ticks % TimeSpan.TicksPerDay) / _bucketTicks);
    }

    private ref PeriodCell Cell(int index) => ref _cells[index >> ChunkBits][index & (ChunkSize - 1)];

    private ref WeekCell Week(int index) => ref _weeks[index >> ChunkBits][index & (ChunkSize - 1)];

    private (int[] Order, int[] Offsets) Group(int count, Func<int, int> customerOf)
    {
        var offsets = new int[_customers + 1];
        for (var i = 0; i < count; i++)
        {
            offsets[customerOf(i) + 1]++;
        }

        for (var c = 0; c < _customers; c++)
        {
            offsets[c + 1] += offsets[c];
        }

        var next = offsets[..^1];
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[next[customerOf(i)]++] = i;
        }

        return (order, offsets);
    }

    private void Grow(int customer)
    {
        _customers = customer + 1;
        if (customer >= _open.Length)
        {
            var size = Math.Max(1024, _open.Length * 2);
            var old = _open.Length;
            Array.Resize(ref _open, size);
            foreach (ref var open in _open.AsSpan(old))
            {
                open.FirstDay = int.MaxValue;
            }
        }
    }

    /// <summary>A customer's current period cell and week (every customer has both after their first purchase) and first purchase day.</summary>
    private struct Open
    {
        public PeriodCell Cell;
        public WeekCell Week;
        public int FirstDay;
        public bool HasCell;
        public bool HasWeek;
    }

    private struct WeekCell
    {
        public int Customer;
        public int Packed; // week index << 7 | a bit per purchase day of the week

        public readonly int Week => Packed >> 7;
    }

    private struct PeriodCell
    {
        public long FirstTicks;
        public long LastTicks;
        public decimal Total;
        public long Bucket;
        public int Customer;
        public short FirstOffset;
        public short LastOffset;
    }
}
