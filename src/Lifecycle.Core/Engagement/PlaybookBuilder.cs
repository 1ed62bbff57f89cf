using System.Globalization;

namespace Lifecycle.Engagement;

/// <summary>Builds a <see cref="Playbook"/>: rules, control groups, arbitration limits and playbook-wide caps.</summary>
/// <remarks>
/// <para>Nothing is checked while you add; <see cref="Build"/> validates the whole playbook at once and reports every
/// problem in one <see cref="PlaybookException"/>, as <see cref="Stages.StageModelBuilder"/> does. The builder can go on
/// being changed and built again. Not thread-safe; the playbooks it builds are.</para>
/// </remarks>
public sealed class PlaybookBuilder
{
    /// <summary>The largest <see cref="MaxActionsPerCustomer"/> accepted.</summary>
    public const int MaxActionsLimit = 10;

    private readonly List<PlaybookRule> _rules = [];
    private readonly List<FrequencyCap> _caps = [];

    /// <summary>Creates a builder.</summary>
    /// <param name="name">The playbook's name (also the default salt of its control groups).</param>
    public PlaybookBuilder(string name)
    {
        Name = name;
        Salt = name;
    }

    /// <summary>Gets the playbook's name.</summary>
    public string Name { get; }

    /// <summary>Gets or sets the control-group salt.</summary>
    /// <value>The playbook's name.</value>
    public string Salt { get; set; }

    /// <summary>Gets or sets the control-group epoch (bump to re-draw the groups).</summary>
    /// <value>0.</value>
    public int Epoch { get; set; }

    /// <summary>Gets or sets the global holdout share, in [0, 1).</summary>
    /// <value>0.05: one customer in twenty receives nothing, which measures the playbook as a whole.</value>
    public double HoldoutShare { get; set; } = 0.05;

    /// <summary>Gets or sets the number of actions kept per customer per run, 1 to <see cref="MaxActionsLimit"/>.</summary>
    /// <value>1: one contact per customer per run; 2–3 for a list of offers.</value>
    public int MaxActionsPerCustomer { get; set; } = 1;

    /// <summary>Adds a rule.</summary>
    /// <param name="rule">The rule.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rule"/> is null.</exception>
    public PlaybookBuilder Add(PlaybookRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        _rules.Add(rule);
        return this;
    }

    /// <summary>Adds a cap on treatments across all rules (for example at most 2 contacts per 7 days).</summary>
    /// <param name="cap">The cap.</param>
    /// <returns>This builder.</returns>
    public PlaybookBuilder AddCap(FrequencyCap cap)
    {
        _caps.Add(cap);
        return this;
    }

    /// <summary>Validates everything and freezes the playbook.</summary>
    /// <returns>The immutable, thread-safe playbook.</returns>
    /// <exception cref="PlaybookException">
    /// Every problem at once: an empty playbook name or salt, no rules, empty or repeated rule names, empty action keys,
    /// control shares or expected uplifts out of range or not finite, negative cooldowns, caps with fewer than one action
    /// or a non-positive window, unknown consent bits, a holdout share outside [0, 1), and a per-customer limit
    /// outside 1–<see cref="MaxActionsLimit"/>.
    /// </exception>
    public Playbook Build()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            problems.Add("The playbook has no name; name it (the name is the default control-group salt).");
        }

        if (Salt is null)
        {
            problems.Add("Salt is null; leave it at the playbook's name or pass any fixed string.");
        }

        if (!double.IsFinite(HoldoutShare) || HoldoutShare is < 0 or >= 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"HoldoutShare = {HoldoutShare} must be in [0, 1); 0.05 keeps one customer in twenty untreated."));
        }

        if (MaxActionsPerCustomer is < 1 or > MaxActionsLimit)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"MaxActionsPerCustomer = {MaxActionsPerCustomer} must be 1 to {MaxActionsLimit}; 1 sends one action per customer per run."));
        }

        if (_rules.Count == 0)
        {
            problems.Add("The playbook has no rules; add them with Add(new PlaybookRule(name, action) { ... }) or start from Playbooks.Standard().");
        }

        CheckCaps(_caps, "the playbook", problems);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < _rules.Count; i++)
        {
            var r = _rules[i];
            var label = string.IsNullOrWhiteSpace(r.Name) ? string.Create(CultureInfo.InvariantCulture, $"rule {i}") : "rule '" + r.Name + "'";
            if (string.IsNullOrWhiteSpace(r.Name))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"Rule {i} has no name; name every rule (decisions and lift are reported by it)."));
            }
            else if (!seen.Add(r.Name))
            {
                problems.Add($"The rule name '{r.Name}' is used twice; give each rule one distinct name.");
            }

            if (string.IsNullOrWhiteSpace(r.Action))
            {
                problems.Add(label + " has no action key; pass the key the host acts on, for example \"winback_offer\".");
            }

            if (!double.IsFinite(r.ControlShare) || r.ControlShare is < 0 or >= 1)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{label}: ControlShare = {r.ControlShare} must be in [0, 1); 0.1 keeps one eligible customer in ten as control."));
            }

            if (!double.IsFinite(r.ExpectedUplift) || r.ExpectedUplift is < -1 or > 1)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{label}: ExpectedUplift = {r.ExpectedUplift} must be a difference of probabilities in [-1, 1]; measure it with LiftAnalysis and pass, for example, 0.05."));
            }

            if (r.Cooldown < TimeSpan.Zero)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{label}: Cooldown = {r.Cooldown} is negative; pass zero or a positive TimeSpan."));
            }

            if ((r.Channel & ~ConsentChannels.All) != 0)
            {
                problems.Add($"{label}: Channel = {r.Channel} holds undefined bits; combine Email, Sms, Push and Phone.");
            }

            if (r.Eligibility.Contains(null!) || r.Exit.Contains(null!))
            {
                problems.Add(label + " has a null eligibility or exit condition; remove it.");
            }

            CheckCaps(r.Caps, label, problems);
        }

        if (problems.Count > 0)
        {
            throw new PlaybookException(problems);
        }

        var rules = _rules.OrderByDescending(r => r.Priority).ThenBy(r => r.Name, StringComparer.Ordinal).ToArray();
        return new Playbook(Name, rules, new ControlGroups(Salt!, Epoch, HoldoutShare), MaxActionsPerCustomer, [.. _caps]);
    }

    private static void CheckCaps(IEnumerable<FrequencyCap> caps, string owner, List<string> problems)
    {
        foreach (var cap in caps)
        {
            if (cap.MaxActions < 1 || cap.Window <= TimeSpan.Zero)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{owner}: the cap of {cap.MaxActions} action(s) per {cap.Window} needs at least 1 action and a positive window, for example new FrequencyCap(1, TimeSpan.FromDays(7))."));
            }
        }
    }
}
