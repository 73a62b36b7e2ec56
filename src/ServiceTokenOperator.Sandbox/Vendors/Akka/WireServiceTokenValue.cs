namespace ServiceTokenOperator.Sandbox.Vendors.Akka;

/// <summary><c>kalix.projects.v1alpha.ServiceTokenValue</c>.</summary>
internal sealed record WireServiceTokenValue(WireServiceToken Token, string Value)
{
    // Value is the secret.
    public override string ToString() => $"WireServiceTokenValue {{ Token = {Token} }}";
}
