using System.Globalization;

namespace Lifecycle.Engagement;

/// <summary>Which arm a decision falls in.</summary>
public enum DecisionArm
{
    /// <summary>The action is sent.</summary>
    Treatment = 0,

    /// <summary>The rule's own control group: the action is recorded but not sent (and nothing replaces it).</summary>
    Control = 1,

    /// <summary>The global holdout: the customer receives nothing from any rule; decisions are recorded for measurement.</summary>
    Holdout = 2,
}

/// <summary>Deterministic assignment to the global holdout and to per-rule control groups, from a stable hash of (customer, salt, epoch).</summary>
/// <remarks>
/// <para>u = top 53 bits of <c>fmix64(FNV-1a-64(customer ‖ salt ‖ epoch ‖ scope))</c> / 2⁵³, uniform on [0, 1); the scope
/// is <c>"holdout"</c> for the global holdout and <c>"rule:" + name</c> for a rule's control. A customer is in the
/// holdout when u &lt; <see cref="HoldoutShare"/>, and in a rule's control when that rule's u &lt; its control share.
/// The draws for different scopes are independent, so a rule's control is a random sample of the customers eligible for
/// it and the shares hold within binomial error (tested).</para>
/// <para>The same (customer, salt, epoch) always gives the same arm, on every machine; change the epoch to re-draw the
/// groups (for example once a quarter), change the salt to keep one playbook's groups independent of another's.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed class ControlGroups
{
    /// <summary>Creates the assignment.</summary>
    /// <param name="salt">Salt mixed into every draw (for example the playbook name); not null.</param>
    /// <param name="epoch">Epoch; bump it to re-draw every group.</param>
    /// <param name="holdoutShare">Share of customers in the global holdout, in [0, 1).</param>
    /// <exception cref="ArgumentNullException"><paramref name="salt"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="holdoutShare"/> is NaN or outside [0, 1).</exception>
    public ControlGroups(string salt, int epoch, double holdoutShare)
    {
        ArgumentNullException.ThrowIfNull(salt);
        CheckShare(holdoutShare, nameof(holdoutShare));
        Salt = salt;
        Epoch = epoch;
        HoldoutShare = holdoutShare;
    }

    /// <summary>Gets the salt.</summary>
    public string Salt { get; }

    /// <summary>Gets the epoch.</summary>
    public int Epoch { get; }

    /// <summary>Gets the global holdout share.</summary>
    public double HoldoutShare { get; }

    /// <summary>Returns the uniform draw in [0, 1) of a customer for a scope.</summary>
    /// <param name="customerId">The customer id.</param>
    /// <param name="scope">The scope (<c>"holdout"</c> or <c>"rule:" + name</c>).</param>
    /// <returns>The draw.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public double Draw(string customerId, string scope)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        ArgumentNullException.ThrowIfNull(scope);
        return StableHash.ToUnit(StableHash.Hash(customerId, Salt, Epoch.ToString(CultureInfo.InvariantCulture), scope));
    }

    /// <summary>Tells whether a customer is in the global holdout.</summary>
    /// <param name="customerId">The customer id.</param>
    /// <returns><see langword="true"/> when the customer must receive nothing.</returns>
    public bool IsInHoldout(string customerId) => HoldoutShare > 0 && Draw(customerId, "holdout") < HoldoutShare;

    /// <summary>Tells whether a customer is in a rule's control group.</summary>
    /// <param name="customerId">The customer id.</param>
    /// <param name="ruleName">The rule's name.</param>
    /// <param name="controlShare">The rule's control share, in [0, 1).</param>
    /// <returns><see langword="true"/> when the rule's action is recorded but not sent.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="controlShare"/> is NaN or outside [0, 1).</exception>
    public bool IsInControl(string customerId, string ruleName, double controlShare)
    {
        CheckShare(controlShare, nameof(controlShare));
        return controlShare > 0 && Draw(customerId, "rule:" + ruleName) < controlShare;
    }

    /// <summary>Returns the arm of a customer for a rule: holdout first, then the rule's control, else treatment.</summary>
    /// <param name="customerId">The customer id.</param>
    /// <param name="ruleName">The rule's name.</param>
    /// <param name="controlShare">The rule's control share, in [0, 1).</param>
    /// <returns>The arm.</returns>
    public DecisionArm ArmOf(string customerId, string ruleName, double controlShare) =>
        IsInHoldout(customerId) ? DecisionArm.Holdout
        : IsInControl(customerId, ruleName, controlShare) ? DecisionArm.Control
        : DecisionArm.Treatment;

    internal static void CheckShare(double share, string name)
    {
        ThrowHelper.ThrowIfNotFinite(share, name);
        if (share is < 0 or >= 1)
        {
            ThrowHelper.ArgumentOutOfRange(name, share, "must be in [0, 1)", "pass a share such as 0.05 (5 %); 1 would leave no one to treat");
        }
    }
}
