namespace ServiceTokenOperator.Controllers;

/// <summary>Condition types of ServiceTokens and issuers.</summary>
internal static class ConditionTypes
{
    /// <summary>The Secret holds a working token (ServiceToken), the credential works (issuer). Stays True during a routine rotation.</summary>
    public const string Ready = "Ready";

    /// <summary>A rotation is in progress or failing.</summary>
    public const string Rotating = "Rotating";

    /// <summary>Progress needs a person: the spec, the issuer or the credential must change.</summary>
    public const string Stalled = "Stalled";
}
