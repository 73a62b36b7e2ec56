namespace ServiceTokenOperator.Sandbox.Vendors.Upsun;

/// <summary>A user of the simulator and one API token of theirs.</summary>
public sealed record UpsunSimulatedUser(string Id, string Username, string ApiToken)
{
    // The API token is a credential: keep it out of test output and logs.
    public override string ToString() => $"UpsunSimulatedUser {{ Id = {Id}, Username = {Username} }}";
}
