namespace ServiceTokenOperator.Providers;

/// <summary>An issuer that cannot be connected as configured (credential Secret missing, a key missing): a person must fix it.</summary>
internal sealed class IssuerConfigException(string reason, string message) : Exception(message)
{
    /// <summary>The condition reason, one of <c>Reasons</c>.</summary>
    public string Reason { get; } = reason;
}
