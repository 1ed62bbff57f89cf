namespace Lifecycle.Clv;

/// <summary>Why a model fit stopped.</summary>
public enum FitExitReason
{
    /// <summary>Not set (the <c>default</c> value; no fit returns it).</summary>
    None = 0,

    /// <summary>The gradient fell below <see cref="FitOptions.GradientTolerance"/>: converged.</summary>
    GradientTolerance = 1,

    /// <summary>The likelihood and the parameters stopped changing; converged if the gradient is also small (see <see cref="FitResult{TModel}.Converged"/>).</summary>
    SmallChange = 2,

    /// <summary>The derivative-free fallback's simplex shrank below its tolerance.</summary>
    SimplexTolerance = 3,

    /// <summary>The iteration budget ran out: not converged.</summary>
    MaxIterations = 4,

    /// <summary>No step along a descent direction improved the likelihood: not converged.</summary>
    LineSearchFailed = 5,

    /// <summary>The likelihood or its gradient was not finite at the starting values: not converged.</summary>
    NonFiniteStart = 6,

    /// <summary>The estimate was found in closed form (no iterations).</summary>
    ClosedForm = 7,

    /// <summary>Parameters ran off to a boundary (0 or ∞) along a direction where the likelihood stays flat; the fit stopped early and is not converged (see <see cref="FitResult{TModel}.Boundary"/>).</summary>
    Boundary = 8,

    /// <summary>The optimizer stopped at a point where the observed information is not positive definite (a flat or saddle direction): the parameters are not identified there; not converged.</summary>
    NotIdentified = 9,
}
